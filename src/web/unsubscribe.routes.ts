import express, { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { ADDRESS_CHANNELS, type AddressChannel } from '../contacts/address';
import { optOutAddress } from '../contacts/opt-out.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { verifyUnsubscribeToken } from '../subscriptions/unsubscribe-link';
import { rules, type Allow } from './access';
import { html, page } from './views/html';

/**
 * One-click unsubscribe (RFC 8058). The POST comes from a mail client without cookies: it must
 * work without CSRF and must not redirect. A GET only shows a button, since mail scanners follow
 * links and a GET must never unsubscribe. The signed token is the proof of ownership.
 */
export function unsubscribeRoutes(deps: { db: Kysely<Database>; secret: string; allow: Allow; limit: RequestHandler }): Router {
  const router = Router();
  const target = (token: string) => {
    const found = verifyUnsubscribeToken(deps.secret, String(token));
    if (!found || !ADDRESS_CHANNELS.includes(found.channel as AddressChannel)) throw new AppError('not_found', 'This unsubscribe link is not valid.');
    return { channel: found.channel as AddressChannel, address: found.address };
  };

  router.get('/:token', deps.allow(rules.public), (req, res) => {
    const { address } = target(String(req.params.token));
    res.type('html').send(page('Unsubscribe', html`<h1>Unsubscribe</h1>
<p>Stop status updates to <strong>${address}</strong>?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`));
  });

  router.post('/:token', deps.allow(rules.exempt('RFC 8058 one-click: the mail client posts without cookies; the signed token proves ownership')), deps.limit, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const { channel, address } = target(String(req.params.token));
    await optOutAddress(deps.db, channel, address, 'one-click unsubscribe', Date.now());
    res.type('html').send(page('Unsubscribed', html`<h1>Unsubscribed</h1><p>${address} will get no more status updates.</p>`));
  });
  return router;
}

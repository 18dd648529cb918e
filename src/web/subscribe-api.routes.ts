import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { requestSubscription, subscribeForm } from '../subscriptions/self-service';
import { subscribeMessage } from '../subscriptions/subscribe-messages';
import { rules, type Allow } from './access';
import { doc } from './openapi/api-doc';
import { selfServiceOptions, type SubscribeRoutesDeps } from './subscribe.routes';

export interface SubscribeApiDeps extends Pick<SubscribeRoutesDeps, 'defaultPhoneCountry' | 'allowLoopbackWebhooks' | 'secretKey' | 'notify'> {
  db: Kysely<Database>;
  allow: Allow;
  brand: string;
  publicUrl(): string;
  limit: RequestHandler;
}

/**
 * The public JSON twin of the /subscribe form, for resellers who wire subscriptions into their
 * own tools. Same checks, same double opt-in (only the confirmation is sent; the link in it must
 * be followed), same rate limit, and the same answer whether or not the address was subscribed
 * already. It takes JSON only: a cross-site page cannot send that without a CORS preflight Crier
 * never grants, and no cookie gives the request any power, so it needs no CSRF token.
 */
export function subscribeApiRoutes(deps: SubscribeApiDeps): Router {
  const router = Router();
  router.post('/subscriptions', deps.allow(rules.exempt('public JSON API: JSON only (a cross-site form cannot send it), no cookie gives it power, double opt-in by message')), doc({ tag: 'subscriptions', summary: 'Subscribe an email, phone, Slack or generic webhook to updates: only a confirmation is sent until its link is followed', body: subscribeForm, success: { status: 202, description: 'The confirmation was sent' } }), deps.limit, async (req, res) => {
    if (!req.is('application/json')) throw new AppError('invalid_input', 'Send the subscription as JSON.', [{ field: '(body)', message: 'content-type must be application/json' }]);
    const form = subscribeForm.parse(req.body ?? {});
    const result = await requestSubscription(deps.db, form, selfServiceOptions(deps));
    const sent = await deps.notify(result.notify.channel, result.notify.address, subscribeMessage(deps.brand, deps.publicUrl(), result, form.channel));
    if (!sent) throw new AppError('unavailable', 'The confirmation could not be sent just now; try again in a minute.', [{ field: form.channel === 'webhook' ? 'contact_email' : 'address', message: 'no provider accepted the confirmation' }]);
    res.status(202).json({ status: 'confirmation_sent', channel: result.notify.channel, expiresInHours: 48 });
  });
  return router;
}

import { Router, type Request, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError, fieldProblems } from '../errors';
import { componentKeys } from '../form-list';
import type { Database } from '../store/schema';
import { byManageToken, confirmByToken, pendingByToken, requestSubscription, subscribeForm, updateByManageToken, type SelfServiceChannel } from '../subscriptions/self-service';
import { rules, type Access } from './access';
import { confirmedPage, confirmPage, managePage, subscribePage, subscribeSentPage } from './views/subscribe.view';

export interface SubscribeRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  publicUrl(): string;
  limit: RequestHandler;
  defaultPhoneCountry: string;
  allowLoopbackWebhooks: boolean;
  /** Sends one message now, through the channel's providers; false when none accepted it. */
  notify(channel: SelfServiceChannel, address: string, message: { subject: string; text: string }): Promise<boolean>;
}

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'is not a valid link' }) });
const manageForm = z.object({
  action: z.enum(['save', 'unsubscribe'], { error: 'must be save or unsubscribe' }).default('save'),
  components: componentKeys,
});

/**
 * Self-service subscriptions with double opt-in. Every link carries a random token that is the
 * only credential; GETs only show pages, every change is a POST (mail scanners follow links).
 */
export function subscribeRoutes(deps: SubscribeRoutesDeps): Router {
  const router = Router();
  const { access, db, brand } = deps;
  const allow = access.allow;
  const components = () => db.selectFrom('components').select(['key', 'name']).orderBy('position').orderBy('id').execute();
  const token = (req: Request) => {
    const parsed = tokenParam.safeParse(req.params);
    if (!parsed.success) throw new AppError('not_found', 'This link is not valid.', [{ field: 'token', message: 'is not a valid link' }]);
    return parsed.data.token;
  };
  const link = (path: string) => `${deps.publicUrl()}${path}`;

  router.get('/', allow(rules.public), async (req, res) => {
    res.type('html').send(subscribePage(brand, { csrf: access.csrfToken(req, res), components: await components() }));
  });

  router.post('/', allow(rules.publicForm), deps.limit, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { channel: typeof body.channel === 'string' ? body.channel : undefined, address: typeof body.address === 'string' ? body.address.slice(0, 1000) : undefined };
    // A bot fills every field; a person never sees this one. Answer as if it worked.
    if (typeof body.website === 'string' && body.website !== '') {
      res.type('html').send(subscribeSentPage(brand, values.channel ?? 'email'));
      return;
    }
    const parsed = subscribeForm.safeParse(body);
    const show = async (status: number, problems: { field: string; message: string }[]) =>
      res.status(status).type('html').send(subscribePage(brand, { csrf: access.csrfToken(req, res), components: await components(), values, problems }));
    if (!parsed.success) return show(400, fieldProblems(parsed.error.issues));
    let result;
    try {
      result = await requestSubscription(db, parsed.data, { defaultPhoneCountry: deps.defaultPhoneCountry, allowLoopbackWebhooks: deps.allowLoopbackWebhooks, now: Date.now() });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') return show(400, err.details);
      throw err;
    }
    const message = result.state === 'pending'
      ? {
        subject: `Confirm: ${brand} status updates`,
        text: parsed.data.channel === 'sms'
          ? `${brand}: reply YES to get status texts, or confirm at ${link(`/subscribe/confirm/${result.token}`)} (48 h). Not you? Ignore this.`
          : `Someone, hopefully you, asked to get ${brand} status updates here.\n\nConfirm: ${link(`/subscribe/confirm/${result.token}`)}\n\nThe link works for 48 hours. If this was not you, ignore this message: nothing more will be sent.`,
      }
      : { subject: `Your ${brand} status updates`, text: `You already get ${brand} status updates here. Change or stop them: ${link(`/subscribe/manage/${result.token}`)}` };
    const sent = await deps.notify(parsed.data.channel, result.address, message);
    if (!sent) return show(503, [{ field: 'address', message: 'we could not send the confirmation just now; please try again in a minute' }]);
    res.type('html').send(subscribeSentPage(brand, parsed.data.channel));
  });

  router.get('/confirm/:token', allow(rules.public), async (req, res) => {
    const t = token(req);
    const pending = await pendingByToken(db, t, Date.now());
    if (!pending) throw new AppError('not_found', 'This confirmation link is not valid: it was used already, has expired (48 hours) or was replaced. Subscribe again for a new one.', [{ field: 'token', message: 'used, expired or unknown' }]);
    const { address } = await db.selectFrom('addresses').select('address').where('id', '=', pending.addressId).executeTakeFirstOrThrow();
    res.type('html').send(confirmPage(brand, t, access.csrfToken(req, res), address));
  });

  router.post('/confirm/:token', allow(rules.publicForm), deps.limit, async (req, res) => {
    const { manageToken } = await confirmByToken(db, token(req), Date.now());
    res.type('html').send(confirmedPage(brand, link(`/subscribe/manage/${manageToken}`)));
  });

  router.get('/manage/:token', allow(rules.public), async (req, res) => {
    const t = token(req);
    const { subscription, address } = await byManageToken(db, t);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(managePage(brand, { token: t, csrf: access.csrfToken(req, res), address, consent: subscription.consent, components: await components(), chosen: subscription.components }));
  });

  router.post('/manage/:token', allow(rules.publicForm), deps.limit, async (req, res) => {
    const t = token(req);
    const { address } = await byManageToken(db, t);
    const parsed = manageForm.safeParse(req.body);
    const show = async (status: number, sub: { consent: string; components: string[] }, extra: { saved?: boolean; problems?: { field: string; message: string }[] }) =>
      res.status(status).type('html').send(managePage(brand, { token: t, csrf: access.csrfToken(req, res), address, consent: sub.consent, components: await components(), chosen: sub.components, ...extra }));
    if (!parsed.success) {
      const { subscription } = await byManageToken(db, t);
      return show(400, subscription, { problems: fieldProblems(parsed.error.issues) });
    }
    try {
      const updated = await updateByManageToken(db, t, parsed.data.action === 'unsubscribe' ? { unsubscribe: true } : { components: parsed.data.components }, Date.now());
      return show(200, updated, { saved: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
      const { subscription } = await byManageToken(db, t);
      return show(400, subscription, { problems: err.details });
    }
  });

  return router;
}

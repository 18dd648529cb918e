import { Router, type Request, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError, fieldProblems } from '../errors';
import { componentKeys } from '../form-list';
import type { Database } from '../store/schema';
import { byManageToken, confirmByToken, pendingByToken, requestSubscription, subscribeForm, updateByManageToken, type SelfServiceChannel, type SelfServiceOptions } from '../subscriptions/self-service';
import { subscribeMessage } from '../subscriptions/subscribe-messages';
import { assertWebhookUrlFree, moveWebhook, reenableWebhook, revealSecret } from '../subscriptions/webhook-subscription';
import { checkWebhookUrl } from '../subscriptions/webhook-url';
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
  /** SECRET_KEY: webhook signing secrets are sealed under a key derived from it. */
  secretKey: string;
  /** Sends one message now, through the channel's providers; false when none accepted it. */
  notify(channel: Exclude<SelfServiceChannel, 'webhook'>, address: string, message: { subject: string; text: string }): Promise<boolean>;
  /** Sends a signed test event to a webhook now; the refusal's reason when it was not accepted. */
  ping(url: string, secret: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** The options requestSubscription needs, from the routes' deps. */
export const selfServiceOptions = (deps: Pick<SubscribeRoutesDeps, 'defaultPhoneCountry' | 'allowLoopbackWebhooks' | 'secretKey'>): SelfServiceOptions => ({
  defaultPhoneCountry: deps.defaultPhoneCountry, allowLoopbackWebhooks: deps.allowLoopbackWebhooks, secretKey: deps.secretKey, now: Date.now(),
});

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'is not a valid link' }) });
const manageForm = z.object({
  action: z.enum(['save', 'unsubscribe', 'test', 'move'], { error: 'must be save, unsubscribe, test or move' }).default('save'),
  components: componentKeys,
  url: z.string({ error: 'must be text' }).trim().max(1000, { error: 'must be at most 1000 characters' }).optional(),
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
    const values = { channel: typeof body.channel === 'string' ? body.channel : undefined, address: typeof body.address === 'string' ? body.address.slice(0, 1000) : undefined, contactEmail: typeof body.contact_email === 'string' ? body.contact_email.slice(0, 300) : undefined };
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
      result = await requestSubscription(db, parsed.data, selfServiceOptions(deps));
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') return show(400, err.details);
      throw err;
    }
    const sent = await deps.notify(result.notify.channel, result.notify.address, subscribeMessage(brand, deps.publicUrl(), result, parsed.data.channel));
    if (!sent) return show(503, [{ field: parsed.data.channel === 'webhook' ? 'contact_email' : 'address', message: 'we could not send the confirmation just now; please try again in a minute' }]);
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
    const { manageToken, sealedSecret } = await confirmByToken(db, token(req), Date.now());
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(confirmedPage(brand, link(`/subscribe/manage/${manageToken}`), revealSecret(deps.secretKey, sealedSecret)));
  });

  router.get('/manage/:token', allow(rules.public), async (req, res) => {
    const t = token(req);
    const { subscription, address, webhook } = await byManageToken(db, t);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(managePage(brand, { token: t, csrf: access.csrfToken(req, res), address, consent: subscription.consent, components: await components(), chosen: subscription.components, webhook }));
  });

  router.post('/manage/:token', allow(rules.publicForm), deps.limit, async (req, res) => {
    const t = token(req);
    const parsed = manageForm.safeParse(req.body);
    const show = async (status: number, extra: { saved?: boolean; tested?: boolean; moved?: boolean; url?: string; problems?: { field: string; message: string }[] }) => {
      const { subscription, address, webhook } = await byManageToken(db, t);
      res.status(status).type('html').send(managePage(brand, { token: t, csrf: access.csrfToken(req, res), address, consent: subscription.consent, components: await components(), chosen: subscription.components, webhook, ...extra }));
    };
    const { subscription, address, webhook } = await byManageToken(db, t);
    if (!parsed.success) return show(400, { problems: fieldProblems(parsed.error.issues) });
    if (parsed.data.action === 'test') {
      if (!webhook?.sealedSecret) return show(400, { problems: [{ field: 'action', message: 'only a webhook subscription can be tested' }] });
      const ping = await deps.ping(address, revealSecret(deps.secretKey, webhook.sealedSecret) as string);
      if (!ping.ok) return show(502, { problems: [{ field: 'address', message: `the test was not accepted (${ping.reason}); the webhook stays off` }] });
      await reenableWebhook(db, subscription.id, Date.now());
      return show(200, { tested: true });
    }
    if (parsed.data.action === 'move') {
      const url = parsed.data.url ?? '';
      if (!webhook?.sealedSecret) return show(400, { problems: [{ field: 'action', message: 'only a webhook subscription can move to a new URL' }] });
      try {
        // The URL guard first, then a signed test to the new URL: nothing changes unless it answers 2xx.
        const to = (await checkWebhookUrl(url, { allowLoopback: deps.allowLoopbackWebhooks, field: 'url' })).href;
        await assertWebhookUrlFree(db, subscription.addressId, to);
        const ping = await deps.ping(to, revealSecret(deps.secretKey, webhook.sealedSecret) as string);
        if (!ping.ok) return show(502, { url, problems: [{ field: 'url', message: `the test to the new URL was not accepted (${ping.reason}); nothing changed` }] });
        await moveWebhook(db, subscription, address, to, Date.now());
        return show(200, { moved: true });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
        return show(400, { url, problems: err.details });
      }
    }
    try {
      await updateByManageToken(db, t, parsed.data.action === 'unsubscribe' ? { unsubscribe: true } : { components: parsed.data.components }, Date.now());
      return show(200, { saved: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
      return show(400, { problems: err.details });
    }
  });

  return router;
}

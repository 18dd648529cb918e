import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { normalizeAddress, type AddressChannel } from '../contacts/address';
import { normalizePhone } from '../contacts/phone';
import { teamsWebhookProblem } from '../channels/teams-url';
import { newToken, tokenDigest, toSubscription, type Subscription } from '../contacts/subscription';
import { AppError } from '../errors';
import { componentKeys } from '../form-list';
import type { Database } from '../store/schema';
import { webhookParts, type WebhookParts, type WebhookSubscriptionOptions } from './webhook-subscription';

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 48 * 3_600_000;

export const SELF_SERVICE_CHANNELS = ['email', 'sms', 'slack', 'teams', 'webhook'] as const;
export type SelfServiceChannel = (typeof SELF_SERVICE_CHANNELS)[number];

const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{10,200}$/;

/** The public form as posted; the address is checked for its channel below. */
export const subscribeForm = z.object({
  channel: z.enum(SELF_SERVICE_CHANNELS, { error: 'choose email, text message (sms), Slack, Microsoft Teams or webhook' }),
  address: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(1000, { error: 'must be at most 1000 characters' }),
  components: componentKeys,
  /** Webhooks only: where the confirmation link and failure notices go. */
  contact_email: z.string().max(300, { error: 'must be at most 300 characters' }).optional(),
});
export type SubscribeForm = z.infer<typeof subscribeForm>;

export interface SelfServiceOptions extends WebhookSubscriptionOptions {
  defaultPhoneCountry: string;
  /** The sandbox accepts the Slack fake's loopback webhook URLs as well as hooks.slack.com. */
  allowLoopbackWebhooks: boolean;
  now: number;
}

const ADDRESS_NAMES: Record<Exclude<SelfServiceChannel, 'webhook'>, string> = { email: 'email address', sms: 'phone number', slack: 'Slack webhook URL', teams: 'Teams webhook URL' };

/** The address in the form it is stored and matched in, or a problem naming the field. */
export function checkAddress(channel: Exclude<SelfServiceChannel, 'webhook'>, raw: string, options: Pick<SelfServiceOptions, 'defaultPhoneCountry' | 'allowLoopbackWebhooks'>): string {
  const bad = (message: string) => new AppError('invalid_input', `The ${ADDRESS_NAMES[channel]} is not valid.`, [{ field: 'address', message }]);
  if (channel === 'email') {
    if (!z.email().safeParse(raw).success) throw bad('must be an email address, such as you@example.com');
    return normalizeAddress('email', raw);
  }
  if (channel === 'sms') {
    const phone = normalizePhone(raw, options.defaultPhoneCountry);
    if (!phone.ok) throw bad(phone.reason);
    return phone.e164;
  }
  if (channel === 'teams') {
    const problem = teamsWebhookProblem(raw, { allowLoopback: options.allowLoopbackWebhooks });
    if (problem) throw bad(problem);
    return raw;
  }
  const loopback = options.allowLoopbackWebhooks && /^http:\/\/127\.0\.0\.1:\d{1,5}\/[\x21-\x7e]{1,200}$/.test(raw);
  if (!SLACK_WEBHOOK.test(raw) && !loopback) throw bad('must be a Slack incoming webhook URL, https://hooks.slack.com/services/…');
  return raw;
}

export interface SubscribeResult {
  /** pending: a confirmation goes out; confirmed: already subscribed, the manage link goes out. */
  state: 'pending' | 'confirmed';
  subscription: Subscription;
  address: string;
  /** The token for the link to send: the confirmation link when pending, else a fresh manage link. */
  token: string;
  /** Where the link goes: the address itself, or a webhook's contact email. */
  notify: { channel: Exclude<SelfServiceChannel, 'webhook'>; address: string };
}

/**
 * Double opt-in, step one: records the request as pending (nothing but the confirmation is ever
 * sent to a pending address) and returns the tokens for the message. A second request for the
 * same address renews the link; an address already confirmed gets its manage link instead, and
 * the answer on the page is the same either way, so the form tells no one who is subscribed.
 */
export async function requestSubscription(db: Kysely<Database>, form: SubscribeForm, options: SelfServiceOptions): Promise<SubscribeResult> {
  const webhook: WebhookParts | undefined = form.channel === 'webhook' ? await webhookParts(form.address, form.contact_email, options) : undefined;
  const address = webhook?.address ?? checkAddress(form.channel as Exclude<SelfServiceChannel, 'webhook'>, form.address, options);
  const hook = webhook ? { contact_email: webhook.contactEmail, webhook_secret: webhook.sealedSecret } : {};
  const known = new Set((await db.selectFrom('components').select('key').execute()).map((c) => c.key));
  const unknown = form.components.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new AppError('invalid_input', 'Unknown components.', [{ field: 'components', message: `no such component: ${unknown.join(', ')}` }]);
  const channel: AddressChannel = form.channel;
  const now = options.now;
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('addresses').innerJoin('subscriptions', 'subscriptions.address_id', 'addresses.id')
      .selectAll('subscriptions').where('addresses.channel', '=', channel).where('addresses.address', '=', address)
      .orderBy('subscriptions.id').executeTakeFirst();
    // Only digests are stored, so a link is sent with a fresh token: a new confirmation link,
    // or for a confirmed address a new manage link (the old one stops working).
    const token = newToken();
    let subscription: Subscription;
    if (existing?.consent === 'confirmed') {
      const row = await tx.updateTable('subscriptions').set({ manage_token: tokenDigest(token) }).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
      subscription = toSubscription(row);
    } else if (existing) {
      const row = await tx.updateTable('subscriptions')
        .set({ consent: 'pending', consent_source: 'self-service form', consent_at: now, confirm_token: tokenDigest(token), components: JSON.stringify([...new Set(form.components)]), ...hook })
        .where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
      subscription = toSubscription(row);
    } else {
      const contact = await tx.insertInto('contacts').values({
        key: `sub-${crypto.randomBytes(6).toString('hex')}`, kind: 'customer', name: address, organization: null, tags: '["self-service"]', created_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      const addr = await tx.insertInto('addresses').values({ contact_id: contact.id, channel, address, created_at: now }).returning('id').executeTakeFirstOrThrow();
      const row = await tx.insertInto('subscriptions').values({
        contact_id: contact.id, address_id: addr.id, components: JSON.stringify([...new Set(form.components)]), consent: 'pending',
        consent_source: 'self-service form', consent_at: now, confirm_token: tokenDigest(token), manage_token: tokenDigest(newToken()), created_at: now, ...hook,
      }).returningAll().executeTakeFirstOrThrow();
      subscription = toSubscription(row);
    }
    await recordAudit(tx, { actor: 'public', action: 'subscription.requested', subject: `subscription:${subscription.id}`, detail: { channel, state: subscription.consent }, at: now });
    // A confirmed webhook keeps the contact email it was confirmed with: the form cannot redirect its mail.
    const contactEmail = existing?.consent === 'confirmed' ? existing.contact_email : webhook?.contactEmail;
    const notify = webhook ? { channel: 'email' as const, address: contactEmail ?? webhook.contactEmail } : { channel: form.channel as Exclude<SelfServiceChannel, 'webhook'>, address };
    return { state: subscription.consent === 'confirmed' ? 'confirmed' : 'pending', subscription, address, token, notify };
  });
}

const expired = () => new AppError('not_found', 'This confirmation link is not valid: it was used already, has expired (links work for 48 hours) or was replaced by a newer one. Subscribe again to get a new link.', [{ field: 'token', message: 'used, expired or unknown' }]);

/** The pending subscription behind a confirmation link, if the link still works. */
export async function pendingByToken(db: Kysely<Database> | Transaction<Database>, token: string, now: number): Promise<Subscription | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('confirm_token', '=', tokenDigest(token)).where('consent', '=', 'pending').executeTakeFirst();
  if (!row || row.consent_at + CONFIRM_TTL_MS <= now) return undefined;
  return toSubscription(row);
}

/**
 * Double opt-in, step two: the link was followed and the button pressed. Clears an old opt-out
 * and returns a fresh manage link's token to show.
 */
export async function confirmByToken(db: Kysely<Database>, token: string, now: number): Promise<{ subscription: Subscription; manageToken: string; sealedSecret: string | null }> {
  return db.transaction().execute(async (tx) => {
    const pending = await pendingByToken(tx, token, now);
    if (!pending) throw expired();
    const manageToken = newToken();
    const row = await tx.updateTable('subscriptions').set({ consent: 'confirmed', consent_source: 'self-service form, confirmed by link', consent_at: now, confirm_token: null, manage_token: tokenDigest(manageToken) })
      .where('id', '=', pending.id).where('consent', '=', 'pending').returningAll().executeTakeFirst();
    if (!row) throw expired();
    await tx.updateTable('addresses').set({ opted_out_at: null, opt_out_reason: null }).where('id', '=', row.address_id).execute();
    await recordAudit(tx, { actor: 'public', action: 'subscription.confirmed', subject: `subscription:${row.id}`, at: now });
    return { subscription: toSubscription(row), manageToken, sealedSecret: row.webhook_secret };
  });
}

export interface ManagedSubscription {
  subscription: Subscription;
  channel: string;
  address: string;
  /** Webhooks: when and why Crier disabled it, and its sealed secret (for the test ping). */
  webhook?: { disabledAt: number | null; disabledReason: string | null; sealedSecret: string | null };
}

export async function byManageToken(db: Kysely<Database>, token: string): Promise<ManagedSubscription> {
  const row = await db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id')
    .selectAll('subscriptions').select(['addresses.channel as channel', 'addresses.address as address'])
    .where('subscriptions.manage_token', '=', tokenDigest(token)).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'This link is not valid.', [{ field: 'token', message: 'unknown' }]);
  const webhook = row.channel === 'webhook' ? { disabledAt: row.disabled_at, disabledReason: row.disabled_reason, sealedSecret: row.webhook_secret } : undefined;
  return { subscription: toSubscription(row), channel: row.channel, address: row.address, webhook };
}

/** The manage page: new components, or unsubscribe. */
export async function updateByManageToken(db: Kysely<Database>, token: string, change: { components: string[] } | { unsubscribe: true }, now: number): Promise<Subscription> {
  const { subscription } = await byManageToken(db, token);
  return db.transaction().execute(async (tx) => {
    if ('unsubscribe' in change) {
      const row = await tx.updateTable('subscriptions').set({ consent: 'unsubscribed', consent_source: 'manage page', consent_at: now, confirm_token: null })
        .where('id', '=', subscription.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(tx, { actor: 'public', action: 'subscription.unsubscribed', subject: `subscription:${row.id}`, at: now });
      return toSubscription(row);
    }
    const known = new Set((await tx.selectFrom('components').select('key').execute()).map((c) => c.key));
    const unknown = change.components.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new AppError('invalid_input', 'Unknown components.', [{ field: 'components', message: `no such component: ${unknown.join(', ')}` }]);
    const row = await tx.updateTable('subscriptions').set({ components: JSON.stringify([...new Set(change.components)]) })
      .where('id', '=', subscription.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: 'public', action: 'subscription.changed', subject: `subscription:${row.id}`, detail: { components: change.components }, at: now });
    return toSubscription(row);
  });
}

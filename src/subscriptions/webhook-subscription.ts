import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { normalizeAddress } from '../contacts/address';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { newWebhookSecret, openWebhookSecret, sealWebhookSecret } from './webhook-secret';
import { checkWebhookUrl, type Resolver } from './webhook-url';

/**
 * What a generic webhook subscription adds to the others. Double opt-in goes through a contact
 * email: the confirmation link is mailed there (a URL cannot open a link), and later the notice
 * that the webhook was disabled. The signing secret is made when the subscription is requested,
 * stored sealed, and shown once, on the page that confirms it.
 */
export interface WebhookSubscriptionOptions {
  allowLoopbackWebhooks: boolean;
  /** SECRET_KEY, which the signing secrets are sealed under. */
  secretKey: string;
  lookup?: Resolver;
}

export interface WebhookParts {
  address: string;
  contactEmail: string;
  sealedSecret: string;
}

/** The URL checked against SSRF and the contact email checked, each problem naming its field. */
export async function webhookParts(url: string, contactEmail: string | undefined, options: WebhookSubscriptionOptions): Promise<WebhookParts> {
  const email = contactEmail?.trim() ?? '';
  if (!z.email().safeParse(email).success) {
    throw new AppError('invalid_input', 'A webhook needs a contact email.', [{ field: 'contact_email', message: 'must be an email address: it gets the confirmation link and word if the webhook keeps failing' }]);
  }
  const checked = await checkWebhookUrl(url, { allowLoopback: options.allowLoopbackWebhooks, lookup: options.lookup, field: 'address' });
  return { address: checked.href, contactEmail: normalizeAddress('email', email), sealedSecret: sealWebhookSecret(options.secretKey, newWebhookSecret()) };
}

/** The secret to show on the confirmation page, once. */
export function revealSecret(secretKey: string, sealed: string | null): string | undefined {
  return sealed ? openWebhookSecret(secretKey, sealed) : undefined;
}

/**
 * Turns a disabled webhook back on after its test ping was accepted: failures count from zero
 * again. The ping's outcome is the caller's; this only records it.
 */
export async function reenableWebhook(db: Kysely<Database>, subscriptionId: number, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const done = await trx.updateTable('subscriptions').set({ disabled_at: null, disabled_reason: null, webhook_failures: 0 })
      .where('id', '=', subscriptionId).where('disabled_at', 'is not', null).executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0) await recordAudit(trx, { actor: 'public', action: 'subscription.reenabled', subject: `subscription:${subscriptionId}`, at: now });
  });
}

/**
 * Refuses a URL another subscription already sends to, naming the field. The manage page asks
 * before it sends the test ping (no signed test goes to someone else's endpoint), and
 * moveWebhook asks again in its transaction.
 */
export async function assertWebhookUrlFree(db: Kysely<Database> | Transaction<Database>, addressId: number, url: string): Promise<void> {
  const taken = await db.selectFrom('addresses').select('id').where('channel', '=', 'webhook').where('address', '=', url).where('id', '!=', addressId).executeTakeFirst();
  if (taken) throw new AppError('invalid_input', 'Another subscription already sends to this URL.', [{ field: 'url', message: 'another subscription already sends to this URL' }]);
}

/**
 * Points a webhook subscription at a new URL whose signed test ping was accepted (the caller's
 * check): the same secret signs what goes there, and failures count from zero. A URL another
 * subscription already uses is refused (assertWebhookUrlFree).
 */
export async function moveWebhook(db: Kysely<Database>, subscription: { id: number; addressId: number }, from: string, to: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertWebhookUrlFree(trx, subscription.addressId, to);
    await trx.updateTable('addresses').set({ address: to }).where('id', '=', subscription.addressId).execute();
    await trx.updateTable('subscriptions').set({ disabled_at: null, disabled_reason: null, webhook_failures: 0 }).where('id', '=', subscription.id).execute();
    // Hosts only: a path or query may carry the endpoint's own secret.
    await recordAudit(trx, { actor: 'public', action: 'subscription.moved', subject: `subscription:${subscription.id}`, detail: { from: new URL(from).host, to: new URL(to).host }, at: now });
  });
}

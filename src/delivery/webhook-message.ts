import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { openWebhookSecret } from '../subscriptions/webhook-secret';
import type { DeliveryRow } from './delivery.repository';
import { forSubscriber, incidentEvent, type WebhookEvent } from './webhook-envelope';

export interface WebhookSigning {
  /** SECRET_KEY: subscribers' secrets are sealed under a key derived from it. */
  secretKey: string;
  brand: string;
  statusPageUrl(): string;
}

const CACHE_SIZE = 16;

/** The secret of the subscription behind a webhook delivery, opened; throws when there is none. */
export async function webhookSecretFor(db: Kysely<Database>, contactId: number | null, address: string, secretKey: string): Promise<string> {
  let q = db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id')
    .select('subscriptions.webhook_secret').where('addresses.channel', '=', 'webhook').where('addresses.address', '=', address)
    .where('subscriptions.webhook_secret', 'is not', null);
  if (contactId !== null) q = q.where('addresses.contact_id', '=', contactId);
  const row = await q.orderBy('subscriptions.id').executeTakeFirst();
  if (!row?.webhook_secret) throw new Error('this webhook subscriber has no signing secret');
  return openWebhookSecret(secretKey, row.webhook_secret);
}

/**
 * Builds webhook deliveries' bodies: the broadcast's shared event is read once per broadcast (a
 * broadcast may reach thousands), each subscriber's copy gets its own unsubscribe link, and the
 * secret to sign it with is opened per delivery.
 */
export class WebhookMessages {
  private readonly cache = new Map<number, Promise<WebhookEvent>>();

  constructor(private readonly db: Kysely<Database>, private readonly signing: WebhookSigning) {}

  async build(row: DeliveryRow, unsubscribe: string): Promise<{ body: string; secret: string }> {
    const event = await this.shared(row.broadcast_id);
    return { body: forSubscriber(event, { unsubscribe, deliveryId: row.id }), secret: await webhookSecretFor(this.db, row.contact_id, row.address, this.signing.secretKey) };
  }

  private shared(broadcastId: number): Promise<WebhookEvent> {
    const hit = this.cache.get(broadcastId);
    if (hit) return hit;
    const made = incidentEvent(this.db, broadcastId, { brand: this.signing.brand, statusPageUrl: this.signing.statusPageUrl(), now: Date.now() });
    made.catch(() => this.cache.delete(broadcastId));
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(broadcastId, made);
    return made;
  }
}

import type { Kysely } from 'kysely';
import type { OutboundMessage, Channel } from '../channels/provider';
import { unsubscribeHeaders, type RenderedUpdate } from '../render';
import type { Database } from '../store/schema';
import type { DeliveryRow } from './delivery.repository';
import type { MessageSource } from './lane';

interface Snapshot {
  rendered: RenderedUpdate;
  incidentId: number;
}

export interface RenderedMessageSourceOptions {
  unsubscribeUrl(channel: string, address: string): string;
  /** SMS older than this is dropped by the carrier instead of arriving hours late. */
  smsValiditySeconds: number;
}

const CACHE_SIZE = 64;

/**
 * Builds each claimed delivery's message from its update's rendered snapshot: the exact text
 * stored when the update was published, so every channel sends what the owner previewed.
 */
export class RenderedMessageSource implements MessageSource {
  private readonly cache = new Map<number, Snapshot>();

  constructor(private readonly db: Kysely<Database>, private readonly options: RenderedMessageSourceOptions) {}

  async build(rows: DeliveryRow[]): Promise<OutboundMessage[]> {
    const messages: OutboundMessage[] = [];
    for (const row of rows) {
      const snap = await this.snapshot(row.broadcast_id);
      messages.push(await this.message(row, snap));
    }
    return messages;
  }

  private async message(row: DeliveryRow, { rendered, incidentId }: Snapshot): Promise<OutboundMessage> {
    const channel = row.channel as Channel;
    const base = { deliveryId: row.id, channel, address: row.address, contentKey: `b${row.broadcast_id}:${channel}` };
    switch (channel) {
      case 'email': {
        const url = this.options.unsubscribeUrl('email', row.address);
        return { ...base, subject: rendered.email.subject, text: rendered.email.text, html: rendered.email.html, unsubscribeUrl: url, headers: unsubscribeHeaders(url) };
      }
      case 'sms':
        return { ...base, text: rendered.sms.text, validitySeconds: this.options.smsValiditySeconds };
      case 'slack':
        return { ...base, text: rendered.slack.text };
      case 'x': {
        const incident = await this.db.selectFrom('incidents').select('x_thread_id').where('id', '=', incidentId).executeTakeFirst();
        return { ...base, text: rendered.x.text, replyToId: incident?.x_thread_id ?? undefined };
      }
    }
  }

  private async snapshot(broadcastId: number): Promise<Snapshot> {
    const hit = this.cache.get(broadcastId);
    if (hit) return hit;
    const row = await this.db
      .selectFrom('broadcasts')
      .innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select(['incident_updates.rendered', 'incident_updates.incident_id'])
      .where('broadcasts.id', '=', broadcastId)
      .executeTakeFirstOrThrow();
    const snap = { rendered: JSON.parse(row.rendered) as RenderedUpdate, incidentId: row.incident_id };
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(broadcastId, snap);
    return snap;
  }
}

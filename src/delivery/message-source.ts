import type { Kysely } from 'kysely';
import type { OutboundMessage, Channel } from '../channels/provider';
import { unsubscribeHeaders, type RenderedUpdate } from '../render';
import { escapeHtml } from '../render/email';
import { threadOf } from '../incidents/incident-thread.repository';
import type { Database } from '../store/schema';
import type { DeliveryRow } from './delivery.repository';
import type { MessageSource } from './lane';
import { WebhookMessages, type WebhookSigning } from './webhook-message';

interface Snapshot {
  rendered: RenderedUpdate;
  incidentId: number;
}

export interface RenderedMessageSourceOptions {
  unsubscribeUrl(channel: string, address: string): string;
  /** SMS older than this is dropped by the carrier instead of arriving hours late. */
  smsValiditySeconds: number;
  /** What webhooks need: the key their secrets are sealed with, the brand, the status page. */
  webhooks: WebhookSigning;
}

const CACHE_SIZE = 64;

/**
 * Builds each claimed delivery's message from its update's rendered snapshot: the exact text
 * stored when the update was published, so every channel sends what the owner previewed.
 */
export class RenderedMessageSource implements MessageSource {
  private readonly cache = new Map<number, Snapshot>();
  private readonly webhooks: WebhookMessages;

  constructor(private readonly db: Kysely<Database>, private readonly options: RenderedMessageSourceOptions) {
    this.webhooks = new WebhookMessages(db, options.webhooks);
  }

  async build(rows: DeliveryRow[]): Promise<OutboundMessage[]> {
    const messages: OutboundMessage[] = [];
    const resellers = await this.resellers(rows);
    for (const row of rows) {
      const snap = await this.snapshot(row.broadcast_id);
      messages.push(await this.message(row, snap, resellers.has(row.contact_id ?? -1)));
    }
    return messages;
  }

  private async message(row: DeliveryRow, { rendered, incidentId }: Snapshot, reseller: boolean): Promise<OutboundMessage> {
    const channel = row.channel as Channel;
    const base = { deliveryId: row.id, channel, address: row.address, contentKey: `b${row.broadcast_id}:${channel}` };
    switch (channel) {
      case 'email': {
        const url = this.options.unsubscribeUrl('email', row.address);
        const note = reseller ? rendered.reseller?.text.trim() ?? '' : '';
        if (note) {
          // Resellers get the briefing first, then the customer notice to forward as it is.
          const text = `${note}\n\n---- For your customers (forward as is) ----\n\n${rendered.email.text}`;
          const html = `${note.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}<hr><p><strong>For your customers (forward as is):</strong></p>${rendered.email.html}`;
          return { ...base, contentKey: `${base.contentKey}:reseller`, subject: rendered.email.subject, text, html, unsubscribeUrl: url, headers: unsubscribeHeaders(url) };
        }
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
      case 'webhook':
        return {
          ...base, text: rendered.page.title,
          webhook: await this.webhooks.build(row, this.options.unsubscribeUrl('webhook', row.address)),
        };
      case 'mastodon':
      case 'bluesky':
        return { ...base, text: rendered[channel].text, replyToId: await threadOf(this.db, incidentId, channel) };
      case 'teams':
        return { ...base, subject: rendered.page.title, text: rendered.teams.text, card: rendered.teams.card };
    }
  }

  /** Which of these email deliveries go to resellers. */
  private async resellers(rows: DeliveryRow[]): Promise<Set<number>> {
    const ids = [...new Set(rows.filter((r) => r.channel === 'email' && r.contact_id !== null).map((r) => r.contact_id as number))];
    if (ids.length === 0) return new Set();
    const found = await this.db.selectFrom('contacts').select('id').where('id', 'in', ids).where('kind', '=', 'reseller').execute();
    return new Set(found.map((c) => c.id));
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

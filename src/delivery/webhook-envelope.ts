import type { Kysely } from 'kysely';
import { getIncident, listUpdates } from '../incidents/incident.repository';
import type { RenderedUpdate } from '../render';
import { loadSnapshot } from '../status/snapshot';
import type { Database } from '../store/schema';

/**
 * The JSON a webhook subscriber receives, in the envelope Statuspage and Instatus webhooks use,
 * so receivers written for those work with little change: `meta` (how to unsubscribe, when it
 * was made), `page` (the overall state), and `incident` with its public `incident_updates`,
 * oldest first, up to the update being sent. Times are ISO 8601 in UTC.
 */
export interface WebhookEvent {
  meta: { event_type: 'incident.updated' | 'ping'; unsubscribe?: string; generated_at: string; delivery_id?: number };
  page: { id: string; name: string; url: string; status_indicator: string; status_description: string };
  incident?: Record<string, unknown>;
}

export interface EnvelopeContext {
  brand: string;
  statusPageUrl: string;
  now: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function page(db: Kysely<Database>, ctx: EnvelopeContext): Promise<WebhookEvent['page']> {
  const snap = await loadSnapshot(db, { brand: ctx.brand, url: ctx.statusPageUrl, now: ctx.now });
  return { id: ctx.brand.toLowerCase().replace(/[^a-z0-9]+/g, '-'), name: ctx.brand, url: ctx.statusPageUrl, status_indicator: snap.indicator, status_description: snap.description };
}

/** The part of one broadcast's webhook that is the same for every subscriber. */
export async function incidentEvent(db: Kysely<Database>, broadcastId: number, ctx: EnvelopeContext): Promise<WebhookEvent> {
  const { update_id: updateId } = await db.selectFrom('broadcasts').select('update_id').where('id', '=', broadcastId).executeTakeFirstOrThrow();
  const { incident_id: incidentId } = await db.selectFrom('incident_updates').select('incident_id').where('id', '=', updateId).executeTakeFirstOrThrow();
  const incident = await getIncident(db, incidentId);
  if (!incident) throw new Error(`incident ${incidentId} is gone`);
  const updates = (await listUpdates(db, incidentId)).filter((u) => u.id <= updateId);
  const components = incident.components.length === 0 ? []
    : await db.selectFrom('components').select(['key', 'name', 'status']).where('key', 'in', incident.components).orderBy('position').execute();
  const latest = updates.at(-1);
  return {
    meta: { event_type: 'incident.updated', generated_at: iso(ctx.now) as string },
    page: await page(db, ctx),
    incident: {
      id: String(incident.id), name: incident.title, status: incident.status, impact: incident.impact,
      created_at: iso(incident.startedAt), updated_at: iso(latest?.createdAt ?? incident.startedAt), resolved_at: iso(incident.resolvedAt),
      shortlink: ctx.statusPageUrl,
      components: components.map((c) => ({ id: c.key, name: c.name, status: c.status })),
      incident_updates: updates.map((u) => {
        const text = (u.rendered as Partial<RenderedUpdate>).page;
        return {
          id: String(u.id), incident_id: String(incident.id), status: u.status, title: text?.title ?? '', body: text?.body ?? '',
          created_at: iso(u.createdAt), updated_at: iso(u.createdAt), display_at: iso(u.createdAt),
        };
      }),
    },
  };
}

/** A test event: the manage page sends one before a disabled webhook is turned back on. */
export async function pingEvent(db: Kysely<Database>, ctx: EnvelopeContext): Promise<WebhookEvent> {
  return { meta: { event_type: 'ping', generated_at: iso(ctx.now) as string }, page: await page(db, ctx) };
}

/** One subscriber's copy: the shared event with its own unsubscribe link and delivery id. */
export function forSubscriber(event: WebhookEvent, extra: { unsubscribe: string; deliveryId?: number }): string {
  return JSON.stringify({ ...event, meta: { ...event.meta, unsubscribe: extra.unsubscribe, delivery_id: extra.deliveryId } });
}

import { STATUS_LABELS } from '../incidents/incident';
import { reviewText } from '../followup/review';
import type { SnapshotIncident, StatusSnapshot } from './snapshot';

const iso = (ms: number) => new Date(ms).toISOString();
const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 forbids even when escaped (C0 controls other than tab, newline, return).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xml = (text: string) => text.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => XML[c] as string);

interface FeedEntry { key: string; title: string; at: number; order: number; anchor: string; text: string }

/** Atom (RFC 4287): one entry per update, newest first, for feed readers and chat integrations. */
export function atomFeed(s: StatusSnapshot): string {
  const incidents = [...s.open, ...s.maintenance, ...s.history];
  const all: FeedEntry[] = [
    ...incidents.flatMap((i) => i.updates.map((u) => ({
      key: `incident-${i.id}-update-${u.id}`, title: `${i.title} — ${STATUS_LABELS[u.status]}`, at: u.at, order: u.id,
      anchor: `incident-${i.id}`, text: u.title ? `${u.title}\n\n${u.body}` : u.body,
    }))),
    // A published review is an entry of its own, so feed readers see the follow-up arrive.
    ...incidents.flatMap((i) => (i.review ? [{
      key: `incident-${i.id}-review`, title: `${i.title} — Post-incident review`, at: i.review.publishedAt, order: Number.MAX_SAFE_INTEGER,
      anchor: `incident-${i.id}-review`, text: reviewText(i.review),
    }] : [])),
  ].sort((a, b) => b.at - a.at || b.order - a.order);
  const updated = all[0]?.at ?? s.generatedAt;
  const host = new URL(s.url).host;
  const entries = all.map((e) => `  <entry>
    <id>tag:${xml(host)},2026:${e.key}</id>
    <title>${xml(e.title)}</title>
    <updated>${iso(e.at)}</updated>
    <published>${iso(e.at)}</published>
    <link rel="alternate" type="text/html" href="${xml(`${s.url}/#${e.anchor}`)}"/>
    <content type="text">${xml(e.text)}</content>
  </entry>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:${xml(host)},2026:status</id>
  <title>${xml(`${s.brand} status`)}</title>
  <updated>${iso(updated)}</updated>
  <author><name>${xml(s.brand)}</name></author>
  <link rel="alternate" type="text/html" href="${xml(`${s.url}/`)}"/>
  <link rel="self" type="application/atom+xml" href="${xml(`${s.url}/feed.atom`)}"/>
${entries.join('\n')}
</feed>
`;
}

const IMPACT = { none: 'none', minor: 'minor', major: 'major', critical: 'critical' } as const;

/**
 * The page in the shape of Statuspage's `/api/v2/summary.json`, so tools that read Statuspage
 * (dashboards, chat bots, aggregators) read Crier unchanged.
 */
export function statusJson(s: StatusSnapshot) {
  const pageId = 'crier';
  const incident = (i: SnapshotIncident) => ({
    id: String(i.id),
    name: i.title,
    status: i.status,
    created_at: iso(i.startedAt),
    updated_at: iso(i.updates[0]?.at ?? i.startedAt),
    monitoring_at: i.updates.find((u) => u.status === 'monitoring') ? iso((i.updates.find((u) => u.status === 'monitoring') as { at: number }).at) : null,
    resolved_at: i.resolvedAt === null ? null : iso(i.resolvedAt),
    impact: IMPACT[i.impact],
    shortlink: `${s.url}/#incident-${i.id}`,
    started_at: iso(i.startedAt),
    page_id: pageId,
    incident_updates: i.updates.map((u) => ({
      id: String(u.id), status: u.status, body: u.title ? `${u.title}\n\n${u.body}` : u.body, incident_id: String(i.id),
      created_at: iso(u.at), updated_at: iso(u.at), display_at: iso(u.at),
      affected_components: s.components.filter((c) => i.components.includes(c.key)).map((c) => ({ code: c.key, name: c.name, old_status: null, new_status: c.status })),
    })),
    components: s.components.filter((c) => i.components.includes(c.key)).map(component),
    postmortem_body: i.review ? reviewText(i.review) : null,
    postmortem_published_at: i.review ? iso(i.review.publishedAt) : null,
  });
  const component = (c: StatusSnapshot['components'][number]) => ({
    id: c.key, name: c.name, status: c.status, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt), position: c.position,
    description: c.description || null, showcase: true, start_date: null, group_id: null, page_id: pageId, group: false, only_show_if_degraded: false,
  });
  return {
    page: { id: pageId, name: s.brand, url: s.url, time_zone: 'Etc/UTC', updated_at: iso(s.generatedAt) },
    status: { indicator: s.indicator === 'maintenance' ? 'none' : s.indicator, description: s.description },
    components: s.components.map(component),
    incidents: s.open.map(incident),
    scheduled_maintenances: s.maintenance.map(incident),
    history: s.history.map(incident),
  };
}

import { COMPONENT_STATUS_LABELS } from '../../components/component';
import { reviewSections } from '../../followup/review';
import { STATUS_LABELS } from '../../incidents/incident';
import { HISTORY_DAYS, type SnapshotIncident, type StatusSnapshot } from '../../status/snapshot';
import type { Uptime, UptimeDay } from '../../monitors/uptime';
import { html, page, when } from './html';

const time = (ms: number) => new Date(ms).toISOString();

function incident(i: SnapshotIncident, components: StatusSnapshot['components']) {
  const affected = components.filter((c) => i.components.includes(c.key)).map((c) => c.name);
  return html`<article id="incident-${i.id}" class="incident impact-${i.impact}"><h2>${i.title} <span class="muted">· ${STATUS_LABELS[i.status]}</span></h2>
${affected.length > 0 ? html`<p class="muted">Affects ${affected.join(', ')}</p>` : ''}
${i.updates.map((u) => html`<section><p><strong>${STATUS_LABELS[u.status]}</strong> <time datetime="${time(u.at)}" class="muted">${when(u.at)}</time></p>
${u.title ? html`<p><strong>${u.title}</strong></p>` : ''}<pre>${u.body}</pre></section>`)}
${i.review ? html`<section id="incident-${i.id}-review" class="review"><h3>Post-incident review <time datetime="${time(i.review.publishedAt)}" class="muted">${when(i.review.publishedAt)}</time></h3>
${reviewSections(i.review).map((r) => html`<h4>${r.label}</h4><pre>${r.text}</pre>`)}</section>` : ''}</article>`;
}

function bar(d: UptimeDay) {
  const share = d.checks === 0 ? undefined : d.ok / d.checks;
  const level = share === undefined ? 'none' : share >= 0.999 ? 'up' : share >= 0.95 ? 'partial' : 'down';
  const label = share === undefined ? `${d.day}: no data` : `${d.day}: ${(share * 100).toFixed(2)}% of checks passed`;
  return html`<span class="uptime-day uptime-${level}" title="${label}"><span class="visually-hidden">${label}</span></span>`;
}

/** Uptime bars, one per day, drawn by CSS alone; each day's figure is in its title and in hidden text. */
function uptimeRow(days: UptimeDay[] | undefined) {
  if (!days) return '';
  const checks = days.reduce((n, d) => n + d.checks, 0);
  const ok = days.reduce((n, d) => n + d.ok, 0);
  return html`<tr class="uptime"><td colspan="2"><div class="uptime-bars">${days.map(bar)}</div><span class="muted">${HISTORY_DAYS} days: ${checks === 0 ? 'no data' : `${((ok / checks) * 100).toFixed(2)}% up`}</span></td></tr>`;
}

/**
 * The public status page: overall state, each component's state, open incidents with their
 * timeline, and 90 days of history by day. No script; `base` is where the feed and JSON live
 * ('/status/' when served, './' in the static export).
 */
export function statusPage(s: StatusSnapshot, base: string, stylesheet: string, uptime: Uptime = new Map()): string {
  const days = new Map<string, SnapshotIncident[]>();
  for (const i of s.history) {
    const day = time(i.startedAt).slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
  }
  const head = html`<link rel="alternate" type="application/atom+xml" title="${s.brand} status" href="${base}feed.atom">`;
  return page(`${s.brand} status`, html`<h1>${s.brand} status</h1>
<p class="overall indicator-${s.indicator}"><strong>${s.description}.</strong> <span class="muted">Updated <time datetime="${time(s.generatedAt)}">${when(s.generatedAt)}</time></span></p>
${s.components.length > 0 ? html`<table class="components"><tbody>
${s.components.map((c) => html`<tr><td>${c.name}</td><td class="state state-${c.status}">${COMPONENT_STATUS_LABELS[c.status]}</td></tr>${uptimeRow(uptime.get(c.key))}`)}
</tbody></table>` : ''}
${s.open.map((i) => incident(i, s.components))}
${s.maintenance.length > 0 ? html`<h2>Scheduled maintenance</h2>${s.maintenance.map((i) => incident(i, s.components))}` : ''}
<h2>Past incidents</h2>
${days.size === 0 ? html`<p class="muted">No incidents in the last ${HISTORY_DAYS} days.</p>` : [...days].map(([day, list]) => html`<h3><time datetime="${day}">${day}</time></h3>${list.map((i) => incident(i, s.components))}`)}
<p class="muted"><a href="${base}feed.atom">Atom feed</a> · <a href="${base}status.json">JSON</a></p>`, head, stylesheet);
}

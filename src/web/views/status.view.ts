import { COMPONENT_STATUS_LABELS } from '../../components/component';
import { reviewSections } from '../../followup/review';
import { STATUS_LABELS } from '../../incidents/incident';
import { HISTORY_DAYS, type SnapshotIncident, type StatusSnapshot } from '../../status/snapshot';
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

/**
 * The public status page: overall state, each component's state, open incidents with their
 * timeline, and 90 days of history by day. No script; `base` is where the feed and JSON live
 * ('/status/' when served, './' in the static export).
 */
export function statusPage(s: StatusSnapshot, base: string, stylesheet: string): string {
  const days = new Map<string, SnapshotIncident[]>();
  for (const i of s.history) {
    const day = time(i.startedAt).slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
  }
  const head = html`<link rel="alternate" type="application/atom+xml" title="${s.brand} status" href="${base}feed.atom">`;
  return page(`${s.brand} status`, html`<h1>${s.brand} status</h1>
<p class="overall indicator-${s.indicator}"><strong>${s.description}.</strong> <span class="muted">Updated <time datetime="${time(s.generatedAt)}">${when(s.generatedAt)}</time></span></p>
${s.components.length > 0 ? html`<table class="components"><tbody>
${s.components.map((c) => html`<tr><td>${c.name}</td><td class="state state-${c.status}">${COMPONENT_STATUS_LABELS[c.status]}</td></tr>`)}
</tbody></table>` : ''}
${s.open.map((i) => incident(i, s.components))}
${s.maintenance.length > 0 ? html`<h2>Scheduled maintenance</h2>${s.maintenance.map((i) => incident(i, s.components))}` : ''}
<h2>Past incidents</h2>
${days.size === 0 ? html`<p class="muted">No incidents in the last ${HISTORY_DAYS} days.</p>` : [...days].map(([day, list]) => html`<h3><time datetime="${day}">${day}</time></h3>${list.map((i) => incident(i, s.components))}`)}
<p class="muted"><a href="${base}feed.atom">Atom feed</a> · <a href="${base}status.json">JSON</a></p>`, head, stylesheet);
}

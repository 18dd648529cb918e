import { STATUS_LABELS, type IncidentStatus } from '../../incidents/incident';
import { html, page } from './html';

export interface StatusIncident {
  title: string;
  status: IncidentStatus;
  open: boolean;
  updates: { status: IncidentStatus; at: string; title: string; body: string }[];
}

function incident(i: StatusIncident) {
  return html`<article><h2>${i.title} <span class="muted">· ${STATUS_LABELS[i.status]}</span></h2>
${i.updates.map((u) => html`<section><p><strong>${STATUS_LABELS[u.status]}</strong> <time datetime="${u.at}" class="muted">${u.at.replace('T', ' ').slice(0, 16)} UTC</time></p>
<p><strong>${u.title}</strong></p><pre>${u.body}</pre></section>`)}</article>`;
}

export function statusPage(brand: string, incidents: StatusIncident[]): string {
  const open = incidents.filter((i) => i.open);
  const past = incidents.filter((i) => !i.open);
  return page(`${brand} status`, html`<h1>${brand} status</h1>
${open.length === 0 ? html`<p><strong>All systems operational.</strong></p>` : open.map(incident)}
${past.length > 0 ? html`<h2 class="muted">Past incidents</h2>${past.map(incident)}` : ''}`);
}

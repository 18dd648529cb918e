import type { Incident } from '../../incidents/incident';
import type { Outage } from '../../monitors/monitor.repository';
import type { RecurrenceAlert } from '../../problems/problem';
import { csrfField } from './forms';
import { html, type SafeHtml, when } from './html';
import { recurrenceFlags } from './problems.view';

export interface FollowThrough {
  drafts: Incident[];
  outages: (Outage & { monitor_name: string })[];
  alerts: RecurrenceAlert[];
}

/**
 * The console home's list of what needs a person: drafts a monitor or the recurrence watch
 * opened (send the first notice, or close without one), and monitors that answer again (resolve).
 */
export function followThroughPanel(f: FollowThrough, csrf: string, canSend: boolean): SafeHtml {
  const outageOf = (incidentId: number) => f.outages.find((o) => o.incident_id === incidentId);
  const draftIds = new Set(f.drafts.map((d) => d.id));
  const recovered = f.outages.filter((o) => o.up_at !== null && o.incident_id !== null && !draftIds.has(o.incident_id));
  return html`${recurrenceFlags(f.alerts)}
${f.drafts.length > 0 ? html`<h2>Drafts: only the team knows</h2><ul>${f.drafts.map((d) => {
    const o = outageOf(d.id);
    return html`<li id="draft-${d.id}"><a href="/console/incidents/${d.id}">${d.title}</a> <span class="muted">· since ${when(d.startedAt)}</span>
${o?.up_at ? html`<br><strong>${o.monitor_name} answers again</strong> since ${when(o.up_at)}.` : ''}
${o?.notice_problem ? html`<br><span class="muted">The first notice was not sent: ${o.notice_problem}</span>` : ''}
${canSend ? html`<br>${o && o.script_version_id !== null && o.notice_sent_at === null ? html`<form method="post" action="/console/monitors/outages/${o.id}/notice" class="inline">${csrfField(csrf)}<button type="submit">Send the first notice</button></form> ` : ''}<a href="/console/send?incident=${d.id}">Write the notice</a>
<form method="post" action="/console/drafts/${d.id}/close" class="inline">${csrfField(csrf)}<button type="submit" class="secondary">Close without a notice</button></form>` : ''}</li>`;
  })}</ul>` : ''}
${recovered.length > 0 ? html`<h2>Back up: resolve?</h2><ul>${recovered.map((o) => html`<li id="recovered-${o.id}"><strong>${o.monitor_name}</strong> answers again since ${when(o.up_at)} (down from ${when(o.down_at)}).${canSend ? html` <a href="/console/send?incident=${o.incident_id}">Post the resolved update</a>` : ''}</li>`)}</ul>` : ''}`;
}

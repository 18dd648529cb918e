import type { FieldProblem } from '../../errors';
import type { Problem, RecurrenceAlert } from '../../problems/problem';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, input, notice, problems } from './forms';
import { html, type SafeHtml, when } from './html';

export interface ProblemsState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
  /** What logging the last problem did. */
  logged?: { alerted: boolean; notSent?: string };
}

/** Recurrence alerts whose window is still open: the console's flag. */
export function recurrenceFlags(alerts: RecurrenceAlert[]): SafeHtml {
  if (alerts.length === 0) return html``;
  return html`<div class="errors" role="alert"><p><strong>Recurring problems: treat as an emergency</strong></p><ul>
${alerts.map((a) => html`<li>${a.subject.replace(/^category:/, 'category ').replace(/^customer:/, 'customer #')} since ${when(a.windowStart)}${a.incidentId !== null ? html` · <a href="/console/incidents/${a.incidentId}">incident</a>` : ''}${a.notSent ? html` · <strong>owners not alerted:</strong> ${a.notSent}` : ''}</li>`)}
</ul></div>`;
}

export function problemsView(c: ConsoleContext, list: Problem[], alerts: RecurrenceAlert[], windowDays: number, s: ProblemsState = {}): string {
  const v = s.values ?? {};
  return consolePage(c, 'Problem log', html`
${s.logged ? notice(s.logged.alerted ? html`Logged. This is a recurrence: the owners have been alerted as an emergency.${s.logged.notSent ? html` <strong>Not sent:</strong> ${s.logged.notSent}` : ''}` : 'Logged.') : ''}
${recurrenceFlags(alerts)}
<p class="muted">A second problem of one category, or a second complaint from one customer, within ${windowDays} days alerts the owners by SMS and email, once per window.</p>
${problems(s.problems ?? [])}
<form method="post" action="/console/problems">${csrfField(c.csrf)}
${input('category', 'Category (e.g. billing, delivery, login)', { value: v.category, maxlength: 60 })}
${input('customer', 'Customer contact key (optional)', { value: v.customer, required: false, maxlength: 64 })}
<label>What happened<textarea name="note" required maxlength="1000">${v.note ?? ''}</textarea></label>
<button type="submit">Log problem</button></form>
<h2>Recent problems</h2>
${list.length === 0 ? html`<p>None logged.</p>` : html`<table><thead><tr><th>When</th><th>Category</th><th>Customer</th><th>Note</th><th>By</th></tr></thead><tbody>
${list.map((p) => html`<tr><td>${when(p.createdAt)}</td><td>${p.category}</td><td>${p.customer ? `${p.customer.name} (${p.customer.key})` : '—'}</td><td>${p.note}</td><td>${p.loggedBy}</td></tr>`)}
</tbody></table>`}`);
}

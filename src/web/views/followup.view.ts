import { can } from '../../auth/roles';
import type { FieldProblem } from '../../errors';
import { isOverdue, type Commitment } from '../../followup/commitment';
import { reviewSections, type Review, type ReviewFields } from '../../followup/review';
import { AUDIENCES } from '../../incidents/publish';
import type { Incident } from '../../incidents/incident';
import { STATUS_LABELS } from '../../incidents/incident';
import type { SendableScript } from '../../scripts/sendable';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, input, problems } from './forms';
import { html, when, type SafeHtml } from './html';

const checked = (on: boolean) => (on ? html` checked` : '');

/** Promises as a table; each open one has its "kept" button for those who may change it. */
export function promiseTable(c: ConsoleContext, promises: Commitment[], now: number, options: { showIncident?: boolean } = {}): SafeHtml {
  if (promises.length === 0) return html`<p class="muted">No promises recorded.</p>`;
  const canWrite = can(c.principal.role, 'incidents:write');
  return html`<table class="promises"><thead><tr><th>Promise</th><th>To</th><th>Owner</th><th>Due</th><th>State</th></tr></thead><tbody>
${promises.map((p) => html`<tr data-promise="${p.id}"${isOverdue(p, now) ? html` class="overdue"` : ''}><td>${p.what}${options.showIncident ? html`<br><a class="muted" href="/console/incidents/${p.incidentId}">${p.incidentTitle}</a>` : ''}</td>
<td>${p.to}</td><td>${p.ownerName ?? '(no owner)'}</td><td>${when(p.dueAt)}</td>
<td>${p.keptAt !== null ? html`kept ${when(p.keptAt)}` : html`${isOverdue(p, now) ? html`<strong>overdue</strong>` : 'open'}${p.remindedAt !== null ? html`<br><span class="muted">owner reminded ${when(p.remindedAt)}</span>` : ''}
${canWrite ? html`<form method="post" action="/console/promises/${p.id}/kept" class="stack">${csrfField(c.csrf)}
${p.contactId !== null ? html`<label class="inline-check"><input type="checkbox" name="notify" value="on"> Tell ${p.to} it is done</label>` : ''}
<button type="submit" class="secondary">Mark kept</button></form>` : ''}`}</td></tr>`)}
</tbody></table>`;
}

export interface PromiseFormState {
  members: { id: number; name: string }[];
  values?: Record<string, string>;
  problems?: FieldProblem[];
}

export function promiseForm(c: ConsoleContext, incidentId: number, s: PromiseFormState): SafeHtml {
  const v = s.values ?? {};
  return html`<h3 id="new-promise">Record a promise</h3>${problems(s.problems ?? [])}
<form method="post" action="/console/incidents/${incidentId}/promises" class="stack">${csrfField(c.csrf)}
${input('what', 'What was promised', { value: v.what, maxlength: 500 })}
${input('contactKey', 'To a contact (their key in the directory)', { value: v.contactKey, required: false, maxlength: 100 })}
${input('toName', 'or to (a name)', { value: v.toName, required: false })}
<label>Owner<select name="ownerId">${s.members.map((m) => html`<option value="${m.id}"${String(m.id) === v.ownerId ? html` selected` : ''}>${m.name}</option>`)}</select></label>
${input('dueAt', 'Due (UTC)', { type: 'datetime-local', value: v.dueAt })}
<button type="submit">Record promise</button></form>`;
}

/** What the incident page adds: its promises, the form for a new one, and the way to the review. */
export function incidentFollowup(c: ConsoleContext, incident: Incident, promises: Commitment[], s: PromiseFormState & { review?: Review; now: number }): SafeHtml {
  const canWrite = can(c.principal.role, 'incidents:write');
  const reviewLink = incident.status === 'resolved'
    ? html`<p><a href="/console/incidents/${incident.id}/review">${s.review?.publishedAt ? 'Post-incident review (published)' : 'Write the post-incident review'}</a></p>` : '';
  return html`<h2>Promises</h2>${promiseTable(c, promises, s.now)}${canWrite && s.members.length > 0 ? promiseForm(c, incident.id, s) : ''}
${canWrite && s.members.length === 0 ? html`<p class="muted">Add the team to the roster to give promises an owner.</p>` : ''}
${reviewLink}`;
}

/** The console home's warning: promises past their due time and not kept, never quietly forgotten. */
export function overduePromises(c: ConsoleContext, overdue: Commitment[], now: number): SafeHtml {
  if (overdue.length === 0) return html``;
  return html`<section class="errors overdue-promises" role="alert"><h2>Overdue promises (${overdue.length})</h2>${promiseTable(c, overdue, now, { showIncident: true })}</section>`;
}

export function promisesView(c: ConsoleContext, promises: Commitment[], now: number): string {
  return consolePage(c, 'Open promises', html`<p class="muted">Promises made during incidents and not yet kept, soonest due first. Times are UTC.</p>
${promiseTable(c, promises, now, { showIncident: true })}`);
}

export interface ReviewViewState {
  incident: Incident;
  review?: Review;
  fields: ReviewFields;
  promises: Commitment[];
  scripts: SendableScript[];
  script?: SendableScript;
  /** Values for the chosen script's blanks that the review does not fill. */
  variables: Record<string, string>;
  derived: readonly string[];
  audiences: string[];
  channels: string[];
  problems?: FieldProblem[];
  now: number;
}

const AREAS: [keyof ReviewFields, string, number][] = [
  ['whatHappened', 'What happened (drafted from the timeline)', 10], ['rootCause', 'Root cause', 4], ['fix', 'The fix', 4],
  ['prevention', 'What prevents a repeat', 4], ['lessons', 'Lessons', 4],
];

/** The review page: the draft to edit, the promises, and the publish form with its approved script. */
export function reviewView(c: ConsoleContext, s: ReviewViewState): string {
  const canWrite = can(c.principal.role, 'incidents:write');
  const published = (s.review?.publishedAt ?? null) !== null;
  const body = html`<p><a href="/console/incidents/${s.incident.id}">${s.incident.title}</a> · ${STATUS_LABELS[s.incident.status]}</p>
${problems(s.problems ?? [])}
${s.incident.status !== 'resolved' ? html`<p>A review is written once the incident is resolved.</p>` : published || !canWrite ? readOnly(s) : editForm(c, s)}
<h2>Promises made during the incident</h2>${promiseTable(c, s.promises, s.now)}`;
  return consolePage(c, 'Post-incident review', body);
}

function readOnly(s: ReviewViewState): SafeHtml {
  const sections = reviewSections(s.fields);
  return html`${s.review?.publishedAt ? html`<p class="notice" role="status">Published ${when(s.review.publishedAt)}; it is on the status page and went out as a follow-up.</p>` : html`<p class="muted">Draft, not yet published.</p>`}
${sections.map((x) => html`<h3>${x.label}</h3><pre>${x.text}</pre>`)}`;
}

function editForm(c: ConsoleContext, s: ReviewViewState): SafeHtml {
  const extra = (s.script?.variables ?? []).filter((d) => !s.derived.includes(d.name));
  return html`<form method="post" action="/console/incidents/${s.incident.id}/review" class="stack">${csrfField(c.csrf)}
${AREAS.map(([name, label, rows]) => html`<label>${label}<textarea name="${name}" rows="${rows}" maxlength="5000">${s.fields[name]}</textarea></label>`)}
<button type="submit" class="secondary">Save draft</button></form>
<h2>Publish</h2>
${!s.review ? html`<p class="muted">Save the draft first.</p>` : s.scripts.length === 0 ? html`<p>No follow-up script is approved yet: approve one in <a href="/console/scripts">Scripts</a>.</p>` : html`
<form method="get" action="/console/incidents/${s.incident.id}/review" class="stack"><label>Follow-up script<select name="script">${s.scripts.map((x) => html`<option value="${x.versionId}"${x.versionId === s.script?.versionId ? html` selected` : ''}>${x.name}</option>`)}</select></label>
<button type="submit" class="secondary">Choose</button></form>
<form method="post" action="/console/incidents/${s.incident.id}/review/publish" class="stack">${csrfField(c.csrf)}
<input type="hidden" name="scriptVersionId" value="${s.script?.versionId ?? ''}">
${extra.map((d) => html`<label>${d.name}${d.description ? html` <span class="muted">${d.description}</span>` : ''}<textarea name="var_${d.name}" rows="2" maxlength="5000">${s.variables[d.name] ?? ''}</textarea></label>`)}
<fieldset><legend>Audiences</legend>${AUDIENCES.map((a) => html`<label class="inline-check"><input type="checkbox" name="audiences" value="${a}"${checked(s.audiences.includes(a))}> ${a}</label>`)}</fieldset>
<fieldset><legend>Channels</legend>${(s.script?.channels ?? []).map((ch) => html`<label class="inline-check"><input type="checkbox" name="channels" value="${ch}"${checked(s.channels.includes(ch))}> ${ch}</label>`)}</fieldset>
<p class="muted">Publishing puts the review on the status page and sends the follow-up; it cannot be edited afterwards. Saved ${when(s.review.updatedAt)}.</p>
<button type="submit">Publish the review</button></form>`}`;
}

import { can } from '../../auth/roles';
import type { FieldProblem } from '../../errors';
import type { FailureType } from '../../roster/failure-type';
import type { Responder } from '../../roster/responder';
import type { TeamMember } from '../../roster/team-member';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, input, problems, select } from './forms';
import { html, type SafeHtml } from './html';

/** The roles a team member can have; owner and comms lead are told about every incident. */
export const ROSTER_ROLES = ['owner', 'comms lead', 'technical responder', 'answering service', 'front desk', 'customer service', 'sales'] as const;

export interface RosterData {
  members: TeamMember[];
  failureTypes: { failureType: FailureType; responders: Responder[] }[];
}

export interface RosterState {
  /** Which form the problems and values belong to: 'member', 'failureType' or 'responders:<failure type id>'. */
  form?: string;
  problems?: FieldProblem[];
  values?: Record<string, string>;
}

export interface MemberFormState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
}

function contacts(m: TeamMember): SafeHtml {
  const lines: [string, string | null][] = [
    ['Email', m.email], ['Alternate email', m.altEmail], ['Phone', m.phone], ['Alternate phone', m.altPhone], ['Slack', m.slack],
  ];
  const shown = lines.filter((l): l is [string, string] => Boolean(l[1]));
  return shown.length === 0 ? html`<span class="muted">none</span>` : html`${shown.map(([label, value]) => html`<span class="muted">${label}:</span> ${value}<br>`)}`;
}

/** The member fields, filled from what was typed or else from the member. */
function memberFields(values: Record<string, string>): SafeHtml {
  const optional = { required: false };
  return html`${input('name', 'Name', { value: values.name, maxlength: 100 })}
${select('role', 'Role', ROSTER_ROLES, values.role || 'technical responder')}
${input('email', 'Email', { ...optional, type: 'email', value: values.email, maxlength: 254 })}
${input('altEmail', 'Alternate email', { ...optional, type: 'email', value: values.altEmail, maxlength: 254 })}
${input('phone', 'Phone', { ...optional, type: 'tel', value: values.phone, maxlength: 40 })}
${input('altPhone', 'Alternate phone', { ...optional, type: 'tel', value: values.altPhone, maxlength: 40 })}
${input('slack', 'Slack member id', { ...optional, value: values.slack, maxlength: 40 })}
<label><input type="checkbox" name="isBackup" value="on"${values.isBackup === 'on' ? html` checked` : ''}> Backup (covers when the primary cannot be reached)</label>`;
}

export function rosterView(c: ConsoleContext, data: RosterData, s: RosterState = {}): string {
  const canEdit = can(c.principal.role, 'contacts:write');
  const problemsFor = (form: string) => (s.form === form ? problems(s.problems ?? []) : html``);
  const valuesFor = (form: string) => (s.form === form ? s.values ?? {} : {});
  const name = new Map(data.members.map((m) => [m.id, m.name]));
  const slots = (responders: Responder[]) => Math.max(3, responders.length + 2);
  return consolePage(c, 'Team roster', html`
<h2>Team members</h2>
${data.members.length === 0 ? html`<p>No one on the roster yet.</p>` : html`<table><thead><tr><th>Name</th><th>Role</th><th>Contacts</th>${canEdit ? html`<th></th>` : ''}</tr></thead><tbody>
${data.members.map((m) => html`<tr><td>${m.name}<br><span class="muted">${m.key}</span></td><td>${m.role}${m.isBackup ? html`<br><span class="muted">backup</span>` : ''}</td><td>${contacts(m)}</td>
${canEdit ? html`<td><a href="/console/roster/members/${m.id}">Edit</a>
<form method="post" action="/console/roster/members/${m.id}/delete" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Remove</button></form></td>` : ''}</tr>`)}
</tbody></table>`}
<h2>Failure types and who fixes them</h2>
${data.failureTypes.length === 0 ? html`<p>No failure types yet.</p>` : html`<table><thead><tr><th>Failure type</th><th>Responders, primary first</th></tr></thead><tbody>
${data.failureTypes.map(({ failureType: f, responders }) => html`<tr><td>${f.name}<br><span class="muted">${f.key}</span>${f.description ? html`<br>${f.description}` : ''}</td>
<td>${responders.length === 0 ? html`<span class="muted">no one yet</span>` : html`<ol>${responders.map((r) => html`<li>${r.member.name} <span class="muted">· ${r.member.role}</span></li>`)}</ol>`}
${canEdit ? html`${problemsFor(`responders:${f.id}`)}<form method="post" action="/console/roster/failure-types/${f.id}/responders" class="stack">${csrfField(c.csrf)}
${Array.from({ length: slots(responders) }, (_, i) => html`<label>${i === 0 ? 'Primary' : `Backup ${i}`}<select name="responders"><option value="">—</option>${data.members.map((m) => html`<option value="${m.id}"${responders[i]?.member.id === m.id ? html` selected` : ''}>${name.get(m.id) ?? ''}</option>`)}</select></label>`)}
<button type="submit" class="secondary">Save responders</button></form>` : ''}</td></tr>`)}
</tbody></table>`}
${canEdit ? html`<h2>Add a team member</h2>
${problemsFor('member')}
<form method="post" action="/console/roster/members" class="stack">${csrfField(c.csrf)}
${input('key', 'Key (lowercase, stays the same)', { value: valuesFor('member').key, maxlength: 64 })}
${memberFields(valuesFor('member'))}
<button type="submit">Add member</button></form>
<h2>Add a failure type</h2>
${problemsFor('failureType')}
<form method="post" action="/console/roster/failure-types" class="stack">${csrfField(c.csrf)}
${input('key', 'Key (lowercase, stays the same)', { value: valuesFor('failureType').key, maxlength: 64 })}
${input('name', 'Name', { value: valuesFor('failureType').name, maxlength: 100 })}
${input('description', 'Description', { value: valuesFor('failureType').description, maxlength: 500, required: false })}
<button type="submit">Add failure type</button></form>` : ''}`);
}

export function memberEditView(c: ConsoleContext, m: TeamMember, s: MemberFormState = {}, extra: SafeHtml = html``): string {
  const current: Record<string, string> = {
    name: m.name, role: m.role, email: m.email ?? '', altEmail: m.altEmail ?? '', phone: m.phone ?? '', altPhone: m.altPhone ?? '', slack: m.slack ?? '', isBackup: m.isBackup ? 'on' : '',
  };
  return consolePage(c, `Edit ${m.name}`, html`
${problems(s.problems ?? [])}
<form method="post" action="/console/roster/members/${m.id}" class="stack">${csrfField(c.csrf)}
<p class="muted">Key: ${m.key}</p>
${memberFields(s.values ?? current)}
<button type="submit">Save</button></form>
${extra}
<p><a href="/console/roster">Back to the roster</a></p>`);
}

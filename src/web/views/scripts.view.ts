import { can } from '../../auth/roles';
import { actorOf } from '../../auth/user';
import type { FieldProblem } from '../../errors';
import { SITUATIONS, type Script } from '../../scripts/script';
import type { ScriptCheck } from '../../scripts/script-checks';
import type { VersionDiff } from '../../scripts/script-diff';
import { samePerson, type ScriptVersion } from '../../scripts/script-version';
import type { LibraryEntry } from '../../scripts/script.service';
import type { DraftForm } from '../script-form';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, input, notice, problems, select } from './forms';
import { html, type SafeHtml, when } from './html';

const mayDraft = (c: ConsoleContext) => can(c.principal.role, 'scripts:draft');
const mayApprove = (c: ConsoleContext) => can(c.principal.role, 'scripts:approve');

export interface NewScriptState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
}

/** The library: every script, its situation, and the state of its versions; no wording. */
export function libraryView(c: ConsoleContext, entries: LibraryEntry[], s: NewScriptState = {}): string {
  return consolePage(c, 'Scripts', html`
<table><thead><tr><th>Script</th><th>Situation</th><th>In force</th>${mayDraft(c) ? html`<th>Draft</th>` : ''}</tr></thead><tbody>
${entries.map((e) => html`<tr data-script="${e.script.key}"><td><a href="/console/scripts/${e.script.id}">${e.script.name}</a><br><span class="muted">${e.script.key}</span></td>
<td>${e.script.situation}</td>
<td>${e.inForce ? html`version ${e.inForce.version}, approved ${when(e.inForce.approvedAt)}` : html`<span class="muted">nothing approved</span>`}</td>
${mayDraft(c) ? html`<td>${e.draft ? html`version ${e.draft.version} awaiting approval` : '—'}</td>` : ''}</tr>`)}
</tbody></table>
${mayDraft(c) ? html`<h2>New script</h2>
${problems(s.problems ?? [])}
<form method="post" action="/console/scripts" class="stack">${csrfField(c.csrf)}
${input('key', 'Key (lower-case letters, digits, dashes)', { value: s.values?.key, maxlength: 80 })}
${input('name', 'Name', { value: s.values?.name })}
${select('situation', 'Situation', SITUATIONS, s.values?.situation ?? 'investigating')}
<label>Description<textarea name="description" rows="2" maxlength="2000">${s.values?.description ?? ''}</textarea></label>
<button type="submit">Create and write the draft</button></form>` : ''}`);
}

const LABELS: Record<string, string> = {
  emailSubject: 'Email subject', emailBody: 'Email body', sms: 'SMS', slack: 'Slack', x: 'X post', phone: 'Phone talking points',
  phoneQa: 'Likely questions', reseller: 'Reseller note', variables: 'Variables',
};

/** One version's channels rendered with its example values, with the measures and the checks. */
function versionBlock(version: ScriptVersion, check: ScriptCheck): SafeHtml {
  const p = check.preview;
  return html`<section class="version" data-version="${version.version}" data-state="${version.state}">
<p class="muted">Version ${version.version} · ${version.state} · written by ${version.author}${version.approver ? html` · approved by ${version.approver} ${when(version.approvedAt)}` : ''}</p>
${check.problems.length > 0 ? html`<div class="errors" role="alert"><p><strong>Does not pass its checks:</strong></p><ul>${check.problems.map((x) => html`<li data-field="${x.field}"><strong>${x.field}</strong>: ${x.message}</li>`)}</ul></div>` : html`<p class="ok">Passes its checks.</p>`}
${version.variables.length > 0 ? html`<p><strong>Example values:</strong> ${version.variables.map((d, n) => html`${n ? ', ' : ''}<code>${d.name}</code> = ${d.example}`)}</p>` : ''}
${p === null ? html`<p class="muted">No preview until the texts render.</p>` : html`
${check.offered.includes('email') ? html`<h3>Email</h3><p><strong>${p.email.subject}</strong></p><pre class="text">${p.page.body}</pre>` : ''}
${check.sms ? html`<h3>SMS <span class="muted" data-measure="sms">${check.sms.segments} segment${check.sms.segments === 1 ? '' : 's'} (${check.sms.encoding}, ${check.sms.characters} characters; limit ${check.sms.maxSegments})</span></h3><pre class="text">${p.sms.text}</pre>` : ''}
${check.offered.includes('slack') ? html`<h3>Slack</h3><pre class="text">${p.slack.text}</pre>` : ''}
${check.x ? html`<h3>X post <span class="muted" data-measure="x">${check.x.weightedLength} of ${check.x.max} weighted characters</span></h3><pre class="text">${p.x.text}</pre>` : ''}
${check.mastodon ? html`<h3>Mastodon post <span class="muted" data-measure="mastodon">${check.mastodon.length} of ${check.mastodon.max} characters</span></h3><pre class="text">${p.mastodon.text}</pre>` : ''}
${check.bluesky ? html`<h3>Bluesky post <span class="muted" data-measure="bluesky">${check.bluesky.length} of ${check.bluesky.max} graphemes</span></h3><pre class="text">${p.bluesky.text}</pre>` : ''}
${check.offered.includes('phone') ? html`<h3>Phone</h3><pre class="text">${p.phone.talkingPoints}</pre>${p.phone.qa.map((qa) => html`<p><strong>${qa.question}</strong><br>${qa.answer}</p>`)}` : ''}
${check.offered.includes('reseller') ? html`<h3>Reseller note</h3><pre class="text">${p.reseller.text}</pre>` : ''}`}
</section>`;
}

export interface ScriptPage {
  script: Script;
  inForce: { version: ScriptVersion; check: ScriptCheck } | null;
  /** Only for roles that may draft: staff never see unapproved wording. */
  draft: { version: ScriptVersion; check: ScriptCheck } | null;
}

export function scriptView(c: ConsoleContext, s: ScriptPage): string {
  const { script, inForce, draft } = s;
  return consolePage(c, script.name, html`
<p class="muted">${script.key} · ${script.situation}</p>
${script.description ? html`<p>${script.description}</p>` : ''}
<h2>In force</h2>
${inForce ? html`${versionBlock(inForce.version, inForce.check)}
${mayApprove(c) ? html`<form method="post" action="/console/scripts/versions/${inForce.version.id}/retire" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Retire version ${inForce.version.version} (nothing stays in force)</button></form>` : ''}` : html`<p>Nothing is approved yet, so this script cannot be sent.</p>`}
${mayDraft(c) ? html`<h2>Draft</h2>
${draft ? html`${versionBlock(draft.version, draft.check)}
<p><a href="/console/scripts/${script.id}/edit">Edit the draft</a>${mayApprove(c) ? html` · <a href="/console/scripts/versions/${draft.version.id}/approve">Review and approve</a>` : ''}</p>
${mayApprove(c) ? html`<form method="post" action="/console/scripts/versions/${draft.version.id}/retire" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Abandon the draft</button></form>` : ''}` : html`<p>No draft. <a href="/console/scripts/${script.id}/edit">Write a new version</a>${inForce ? ' (the version in force stays in force until it is approved)' : ''}.</p>`}` : ''}`);
}

export function editView(c: ConsoleContext, script: Script, values: DraftForm, problemsList: FieldProblem[] = []): string {
  const area = (name: keyof DraftForm, rows: number, hint = '') => html`<label>${LABELS[name]}${hint ? html` <span class="muted">${hint}</span>` : ''}<textarea name="${name}" rows="${rows}" maxlength="25000">${values[name]}</textarea></label>`;
  return consolePage(c, `Draft: ${script.name}`, html`
<p class="muted">Texts are Liquid: <code>{{ service }}</code> inserts a value, <code>{% if workaround != "" %}…{% endif %}</code> leaves out a sentence. Leave a channel empty to not offer it. Saving never changes the version in force.</p>
${problems(problemsList)}
<form method="post" action="/console/scripts/${script.id}/draft" class="stack wide">${csrfField(c.csrf)}
${area('variables', 5, 'one a line: name | example | description; end the name with ? if optional')}
${area('emailSubject', 1)}
${area('emailBody', 8)}
${area('sms', 3)}
${area('slack', 4)}
${area('x', 3)}
${area('phone', 6)}
${area('phoneQa', 6, 'Q: a question, then A: its answer')}
${area('reseller', 5)}
<button type="submit">Save draft</button></form>
<p><a href="/console/scripts/${script.id}">Back to the script</a></p>`);
}

function diffBlock(diff: VersionDiff): SafeHtml {
  if (diff.fields.length === 0) return html`<p>No changes from the version in force.</p>`;
  return html`${diff.fields.map((f) => html`<h3>${LABELS[f.field] ?? f.field} <span class="muted">+${f.added} / −${f.removed} words</span></h3>
<pre class="text diff" data-diff="${f.field}">${f.changes.map((ch) => (ch.added ? html`<ins>${ch.value}</ins>` : ch.removed ? html`<del>${ch.value}</del>` : ch.value))}</pre>`)}`;
}

export interface ApprovePage {
  script: Script;
  version: ScriptVersion;
  inForce: ScriptVersion | null;
  diff: VersionDiff;
  check: ScriptCheck;
  twoPersonRule: boolean;
}

/** What the approver confirms: the diff from the version in force, the checks, then one button. */
export function approveView(c: ConsoleContext, a: ApprovePage, problemsList: FieldProblem[] = []): string {
  const own = a.twoPersonRule && samePerson(a.version.author, actorOf(c.principal));
  return consolePage(c, `Approve: ${a.script.name}`, html`
${problems(problemsList)}
<p>Version ${a.version.version} (draft by ${a.version.author}) ${a.inForce ? html`replaces version ${a.inForce.version}, in force since ${when(a.inForce.approvedAt)}` : 'would be the first version in force'}.</p>
<h2>Changes</h2>
${diffBlock(a.diff)}
<h2>Checks and preview</h2>
${versionBlock(a.version, a.check)}
${own ? notice('The two-person rule is on: you saved this draft last, so another approver must approve it.') : ''}
${a.version.state === 'draft' && a.check.problems.length === 0 && !own ? html`<form method="post" action="/console/scripts/versions/${a.version.id}/approve" class="stack">${csrfField(c.csrf)}<button type="submit">Approve version ${a.version.version}</button></form>` : ''}
<p><a href="/console/scripts/${a.script.id}">Back to the script</a></p>`);
}

import { AUDIENCES } from '../../incidents/publish';
import { IMPACTS, INCIDENT_STATUSES, STATUS_LABELS } from '../../incidents/incident';
import type { PublishPreview } from '../../incidents/publish.service';
import type { FieldProblem } from '../../errors';
import type { SendableScript } from '../../scripts/sendable';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, problems } from './forms';
import { html, type SafeHtml } from './html';

export interface SendFormState {
  scripts: SendableScript[];
  script?: SendableScript;
  components: { key: string; name: string }[];
  failureTypes: { key: string; name: string }[];
  incident?: { id: number; title: string; status: string };
  values: {
    title: string;
    impact: string;
    status: string;
    failureType: string;
    components: string[];
    audiences: string[];
    channels: string[];
    variables: Record<string, string>;
    reopen: boolean;
    drill?: boolean;
  };
  problems: FieldProblem[];
  preview?: PublishPreview;
}

const CHANNEL_LABELS: Record<string, string> = { email: 'Email', sms: 'SMS', slack: 'Slack', x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky', teams: 'Teams', webhook: 'Webhooks' };
const AUDIENCE_LABELS: Record<string, string> = { customers: 'Customers', resellers: 'Resellers', team: 'Team' };
const checked = (on: boolean) => (on ? html` checked` : '');
const selected = (on: boolean) => (on ? html` selected` : '');

function previewBlock(p: PublishPreview, channels: string[]): SafeHtml {
  const text: Record<string, string> = {
    email: `${p.rendered.email.subject}\n\n${p.rendered.email.text}`, sms: p.rendered.sms.text, slack: p.rendered.slack.text, x: p.rendered.x.text,
    webhook: `Signed JSON (incident.updated) with this update:\n${p.rendered.page.title}\n\n${p.rendered.page.body}`,
    mastodon: p.rendered.mastodon.text, bluesky: p.rendered.bluesky.text, teams: p.rendered.teams.text,
  };
  return html`<section class="preview" aria-label="Preview"><h2>Preview</h2>
<table><thead><tr><th>Channel</th><th>Reaches</th><th>Skipped</th></tr></thead><tbody>
${p.audience.map((a) => {
    const skipped = Object.entries(a.skipped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why.replace('_', ' ')}`).join(', ');
    return html`<tr data-channel="${a.channel}"><td>${CHANNEL_LABELS[a.channel] ?? a.channel}</td><td class="reach">${a.reach}</td><td>${skipped || '—'}</td></tr>`;
  })}
</tbody></table>
${channels.map((c) => html`<h3>${CHANNEL_LABELS[c] ?? c}</h3><pre class="message" data-channel="${c}">${text[c] ?? ''}</pre>`)}
</section>`;
}

/** The notice form: phone-first, every field pre-filled where it can be, preview before send. */
export function sendView(c: ConsoleContext, s: SendFormState): string {
  const v = s.values;
  const title = s.incident ? `Update: ${s.incident.title}` : 'Send a notice';
  if (s.scripts.length === 0) {
    return consolePage(c, title, html`<p>No approved script yet. An owner approves scripts in <a href="/console/scripts">Scripts</a>; only approved words can be sent.</p>`);
  }
  return consolePage(c, title, html`
${problems(s.problems)}
${s.preview ? previewBlock(s.preview, v.channels) : ''}
<form method="post" action="/console/send" class="stack send">${csrfField(c.csrf)}
${s.incident ? html`<input type="hidden" name="incidentId" value="${s.incident.id}">` : ''}
${s.preview ? html`<button type="submit" name="action" value="send" class="send-now">Send now</button>` : html`<button type="submit" name="action" value="preview">Preview</button>`}
<label>Script<select name="scriptVersionId">${s.scripts.map((x) => html`<option value="${x.versionId}"${selected(x.versionId === s.script?.versionId)}>${x.name}</option>`)}</select></label>
<button type="submit" name="action" value="choose" class="secondary">Use this script</button>
<label>Status<select name="status">${INCIDENT_STATUSES.map((st) => html`<option value="${st}"${selected(st === v.status)}>${STATUS_LABELS[st]}</option>`)}</select></label>
${s.incident && (s.incident.status === 'resolved' || s.incident.status === 'completed') ? html`<label class="inline-check"><input type="checkbox" name="reopen" value="true"${checked(v.reopen)}> Reopen this incident</label>` : ''}
${s.incident ? '' : html`<label>Title<input name="title" value="${v.title}" maxlength="200" required></label>
<label>Impact<select name="impact">${IMPACTS.map((i) => html`<option value="${i}"${selected(i === v.impact)}>${i}</option>`)}</select></label>
${s.failureTypes.length > 0 ? html`<label>Failure type<select name="failureType"><option value="">—</option>${s.failureTypes.map((f) => html`<option value="${f.key}"${selected(f.key === v.failureType)}>${f.name}</option>`)}</select></label>` : ''}
${s.components.length > 0 ? html`<fieldset><legend>Affected components</legend>${s.components.map((k) => html`<label class="inline-check"><input type="checkbox" name="components" value="${k.key}"${checked(v.components.includes(k.key))}> ${k.name}</label>`)}</fieldset>` : ''}`}
${(s.script?.variables ?? []).map((d) => html`<label>${d.name.replace(/_/g, ' ')}<span class="muted">${d.description}</span><input name="var_${d.name}" value="${v.variables[d.name] ?? ''}" maxlength="2000"${d.required ? html` required` : ''}></label>`)}
${s.incident ? '' : html`<label class="inline-check"><input type="checkbox" name="drill" value="true"${checked(v.drill === true)}> This is a drill: the team only, marked DRILL, never on the status page</label>`}
<fieldset><legend>Audiences</legend>${AUDIENCES.map((a) => html`<label class="inline-check"><input type="checkbox" name="audiences" value="${a}"${checked(v.audiences.includes(a))}> ${AUDIENCE_LABELS[a]}</label>`)}</fieldset>
<fieldset><legend>Channels</legend>${(s.script?.channels ?? []).map((ch) => html`<label class="inline-check"><input type="checkbox" name="channels" value="${ch}"${checked(v.channels.includes(ch))}> ${CHANNEL_LABELS[ch] ?? ch}</label>`)}</fieldset>
${s.preview ? html`<button type="submit" name="action" value="preview" class="secondary">Preview again</button>` : ''}
</form>`);
}

export interface ProgressRow {
  channel: string;
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  skipped: number;
}

/** Live progress of one broadcast, per channel; reloads itself until every delivery has settled. */
export function progressView(c: ConsoleContext, b: { id: number; incidentTitle: string; status: string; rows: ProgressRow[]; done: boolean; canRetry: boolean; canReport: boolean }, refresh: boolean): string {
  const done = (r: ProgressRow) => r.total - r.queued;
  return consolePage(c, `Broadcast ${b.id}`, html`
<p><strong>${b.incidentTitle}</strong> · ${b.status}</p>
<p class="muted" id="progress-state" data-done="${b.done ? 'yes' : 'no'}">${b.done ? 'Every delivery has settled.' : 'Sending… this page updates by itself.'}</p>
<div class="scroll"><table class="progress" data-broadcast="${b.id}"><thead><tr><th>Channel</th><th>Progress</th><th>Queued</th><th>Sent</th><th>Deliv.</th><th>Failed</th><th>Skipped</th></tr></thead><tbody>
${b.rows.map((r) => html`<tr data-channel="${r.channel}"><td>${CHANNEL_LABELS[r.channel] ?? r.channel}</td>
<td><progress max="${Math.max(r.total, 1)}" value="${r.total === 0 ? 1 : done(r)}"></progress><br><span class="pct">${r.total === 0 ? 100 : Math.floor((done(r) / r.total) * 100)}%</span></td>
<td class="queued">${r.queued}</td><td class="sent">${r.sent}</td><td class="delivered">${r.delivered}</td><td class="failed">${r.failed}</td><td class="skipped">${r.skipped}</td></tr>`)}
</tbody></table></div>
${b.canReport ? html`<p><a href="/console/broadcasts/${b.id}/deliveries">Per-recipient report</a> · <a href="/console/broadcasts/${b.id}/deliveries.csv">CSV</a></p>` : ''}
${b.canRetry ? html`<form method="post" action="/console/broadcasts/${b.id}/retry">${csrfField(c.csrf)}<button type="submit">Retry failed deliveries</button></form>` : ''}
`, refresh ? html`<meta http-equiv="refresh" content="2">` : html``);
}

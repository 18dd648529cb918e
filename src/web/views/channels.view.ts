import { can } from '../../auth/roles';
import type { CheckResult } from '../../checks/channel-check';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField } from './forms';
import { html, when } from './html';

/** Each provider's last credentials check, and a button to check them all now; nobody is messaged. */
export function channelsView(c: ConsoleContext, results: CheckResult[]): string {
  const canCheck = can(c.principal.role, 'incidents:write');
  return consolePage(c, 'Channels', html`
<p class="muted">Checks each provider's credentials and that it answers, without sending anything: SendGrid's key scopes, the SMTP login, the Twilio account, Slack's auth.test and the X account. They also run every few minutes on their own.</p>
${canCheck ? html`<form method="post" action="/console/channels/check" class="inline">${csrfField(c.csrf)}<button type="submit">Check channels now</button></form>` : ''}
${results.length === 0 ? html`<p>Not checked yet.</p>` : html`<table><thead><tr><th>Provider</th><th>Channel</th><th>State</th><th>Detail</th><th>Took</th><th>Checked</th></tr></thead><tbody>
${results.map((r) => html`<tr data-provider="${r.provider}" data-ok="${r.ok ? 'true' : 'false'}"><td>${r.provider}</td><td>${r.channel}</td><td>${r.ok ? html`<span class="ok">working</span>` : html`<strong>failing</strong>`}</td><td>${r.detail}</td><td>${r.latencyMs} ms</td><td>${when(r.checkedAt)}</td></tr>`)}
</tbody></table>`}
<p class="muted">To rehearse an incident, send a notice with "This is a drill" ticked: it reaches the team only and every message says DRILL.</p>`);
}

import type { FieldProblem } from '../../errors';
import { csrfField, problems } from './forms';
import { html, page, when, type SafeHtml } from './html';

export interface SubscribeViewState {
  csrf: string;
  components: { key: string; name: string }[];
  values?: { channel?: string; address?: string; contactEmail?: string; components?: string[] };
  problems?: FieldProblem[];
}

const CHANNEL_CHOICES = [['email', 'Email'], ['sms', 'Text message (SMS)'], ['slack', 'Slack (incoming webhook URL)'], ['teams', 'Microsoft Teams (incoming webhook or workflow URL)'], ['webhook', 'Webhook (signed JSON to your https URL)']] as const;

/** The public sign-up for status updates: no script, works on any phone, a honeypot for bots. */
export function subscribePage(brand: string, s: SubscribeViewState): string {
  const v = s.values ?? {};
  return page(`Get ${brand} status updates`, html`<h1>Get ${brand} status updates</h1>
<p>We will tell you when something goes wrong, what we are doing about it, and when it is fixed. You confirm first; every message lets you stop.</p>
${problems(s.problems ?? [])}
<form method="post" action="/subscribe" class="stack">${csrfField(s.csrf)}
<fieldset><legend>How should we reach you?</legend>
${CHANNEL_CHOICES.map(([value, label]) => html`<label class="inline-check"><input type="radio" name="channel" value="${value}"${(v.channel ?? 'email') === value ? html` checked` : ''}> ${label}</label>`)}
</fieldset>
<label>Email, phone number or webhook URL<input name="address" value="${v.address ?? ''}" maxlength="1000" required autocomplete="email"></label>
<label>Contact email <span class="muted">(webhooks only: gets the confirmation link, and word if the webhook keeps failing)</span><input name="contact_email" type="email" value="${v.contactEmail ?? ''}" maxlength="300" autocomplete="email"></label>
${s.components.length > 0 ? html`<fieldset><legend>Only these parts (leave all empty for everything)</legend>
${s.components.map((c) => html`<label class="inline-check"><input type="checkbox" name="components" value="${c.key}"${v.components?.includes(c.key) ? html` checked` : ''}> ${c.name}</label>`)}</fieldset>` : ''}
<label class="hp" aria-hidden="true">Leave this empty<input name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">Subscribe</button></form>
<p class="muted"><a href="/status">Current status</a></p>`);
}

export function subscribeSentPage(brand: string, channel: string): string {
  const where = channel === 'sms' ? 'your phone' : channel === 'slack' ? 'your Slack channel' : channel === 'teams' ? 'your Teams channel' : channel === 'webhook' ? 'the contact email you gave' : 'your inbox';
  return page('Check your messages', html`<h1>Almost done</h1><p>We sent a confirmation link to ${where}. Open it within 48 hours to start getting ${brand} status updates.</p><p class="muted">Nothing else is sent until you confirm.</p>`);
}

export function confirmPage(brand: string, token: string, csrf: string, address: string): string {
  return page('Confirm your subscription', html`<h1>Confirm</h1><p>Send ${brand} status updates to <strong>${address}</strong>?</p>
<form method="post" action="/subscribe/confirm/${token}">${csrfField(csrf)}<button type="submit">Yes, send me updates</button></form>`);
}

export function confirmedPage(brand: string, manageUrl: string, webhookSecret?: string): string {
  return page('Subscribed', html`<h1>You are subscribed</h1><p>You will get ${brand} status updates from now on.</p>
${webhookSecret ? html`<p>Each webhook is signed with this secret (header <code>X-Crier-Signature</code>). Copy it now: it is shown only this once.</p>
<pre class="webhook-secret">${webhookSecret}</pre>` : ''}
<p>Keep this link to change what you get or to stop: <a href="${manageUrl}" class="manage-link">${manageUrl}</a></p>`);
}

export interface ManageState {
  token: string;
  csrf: string;
  address: string;
  consent: string;
  components: { key: string; name: string }[];
  chosen: string[];
  webhook?: { disabledAt: number | null; disabledReason: string | null };
  saved?: boolean;
  tested?: boolean;
  /** The webhook now goes to the new URL. */
  moved?: boolean;
  /** The new URL as typed, when moving it was refused. */
  url?: string;
  problems?: FieldProblem[];
}

function webhookState(w: NonNullable<ManageState['webhook']>, tested: boolean | undefined): SafeHtml {
  if (tested) return html`<div class="notice" role="status">The test was accepted; the webhook is on again.</div>`;
  if (w.disabledAt === null) return html``;
  return html`<div class="errors" role="alert"><p><strong>This webhook is off</strong> since ${when(w.disabledAt)}, after repeated failed deliveries${w.disabledReason ? `: ${w.disabledReason}` : ''}.</p>
<p>Fix the endpoint, then send a test: when it answers 2xx, updates start again.</p></div>`;
}

export function managePage(brand: string, s: ManageState): string {
  return page(`Your ${brand} status updates`, html`<h1>Your status updates</h1>
<p>Sent to <strong>${s.address}</strong> · ${s.webhook?.disabledAt ? 'off after failures' : s.consent === 'confirmed' ? 'active' : s.consent === 'unsubscribed' ? 'stopped' : 'waiting for confirmation'}</p>
${s.webhook ? webhookState(s.webhook, s.tested) : ''}
${s.saved ? html`<div class="notice" role="status">Saved.</div>` : ''}
${s.moved ? html`<div class="notice" role="status">The test was accepted; updates now go to the new URL.</div>` : ''}
${problems(s.problems ?? [])}
<form method="post" action="/subscribe/manage/${s.token}" class="stack">${csrfField(s.csrf)}
${s.components.length > 0 ? html`<fieldset><legend>Only these parts (all empty: everything)</legend>
${s.components.map((c) => html`<label class="inline-check"><input type="checkbox" name="components" value="${c.key}"${s.chosen.includes(c.key) ? html` checked` : ''}> ${c.name}</label>`)}</fieldset>` : ''}
<button type="submit" name="action" value="save">Save</button>
${s.webhook?.disabledAt ? html`<button type="submit" name="action" value="test">Send a test and turn it back on</button>` : ''}
<button type="submit" name="action" value="unsubscribe" class="secondary">Stop all updates</button>
</form>
${s.webhook ? html`<h2>Move to a new URL</h2>
<form method="post" action="/subscribe/manage/${s.token}" class="stack">${csrfField(s.csrf)}
<label>New webhook URL<input name="url" type="url" value="${s.url ?? ''}" maxlength="1000" required></label>
<p class="muted">A signed test is sent there first; the webhook moves only when it answers 2xx, and keeps its secret.</p>
<button type="submit" name="action" value="move">Test and move</button>
</form>` : ''}`);
}

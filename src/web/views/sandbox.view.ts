import type { Inbox } from '../sandbox.routes';
import { html, page } from './html';

type Item = Inbox[keyof Inbox][number];

function section(title: string, items: Item[]) {
  return html`<h2>${title} <span class="muted">(${items.length})</span></h2>
${items.length === 0
    ? html`<p class="muted">Nothing received yet.</p>`
    : html`<table><thead><tr><th>Provider</th><th>To</th><th>Message</th></tr></thead><tbody>
${items.map((m) => html`<tr><td>${m.via}</td><td>${m.to}</td><td><pre>${'subject' in m && m.subject ? `${m.subject}\n\n` : ''}${m.text}</pre></td></tr>`)}
</tbody></table>`}`;
}

/** What each sandbox fake received: channels without credentials deliver here. */
export function sandboxPage(inbox: Inbox): string {
  return page('Sandbox inbox · Crier', html`<h1>Sandbox inbox</h1>
<p class="muted">Channels without credentials send to Crier's own fakes of each provider. Add credentials to <code>.env</code> to go live.</p>
${section('Email', inbox.email)}${section('SMS', inbox.sms)}${section('Slack', inbox.slack)}${section('X', inbox.x)}${section('Mastodon', inbox.mastodon)}${section('Bluesky', inbox.bluesky)}${section('Teams', inbox.teams)}${section('Webhooks', inbox.webhook)}`);
}

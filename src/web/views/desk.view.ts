import type { DeskIncident, DeskScript } from '../../desk/desk.service';
import { consolePage, type ConsoleContext } from './console.view';
import { html, type SafeHtml, when } from './html';


/**
 * A block of approved text to read out or paste. The copy button is hidden until desk.js shows
 * it; without JavaScript the text is still there to select.
 */
function copyable(id: string, label: string, text: string): SafeHtml {
  return html`<div class="copyable"><div class="copy-head"><h4>${label}</h4><button type="button" class="secondary copy" data-copy="${id}" hidden>Copy</button></div>
<pre class="text" id="${id}">${text}</pre></div>`;
}

function scriptBlock(incidentId: number, s: DeskScript): SafeHtml {
  const id = (part: string) => `i${incidentId}-s${s.scriptId}-${part}`;
  return html`<article class="desk-script${s.lastUsed ? ' last-used' : ''}" data-script="${s.key}" data-version="${s.version}">
<h3>${s.name}${s.lastUsed ? html` <span class="badge">sent with the latest update</span>` : ''}</h3>
${s.phone ? html`<section class="channel phone"><h4>On the phone</h4><pre class="text talking-points">${s.phone.talkingPoints}</pre>
${s.phone.qa.length > 0 ? html`<h4>If they ask</h4><dl class="qa">${s.phone.qa.map((qa) => html`<dt>${qa.question}</dt><dd>${qa.answer}</dd>`)}</dl>` : ''}</section>` : ''}
<section class="channel paste">
${s.email ? copyable(id('email'), `Chat or email reply: ${s.email.subject}`, s.email.body) : ''}
${s.sms ? copyable(id('sms'), 'Short message', s.sms) : ''}
${s.reseller ? copyable(id('reseller'), 'For resellers to forward', s.reseller) : ''}
</section>
</article>`;
}

/** The staff desk: what to say about each open incident, approved and filled in; phone first. */
export function deskView(c: ConsoleContext, incidents: DeskIncident[], now: number): string {
  return consolePage(c, 'Staff desk', html`
<p class="muted no-print">Read these words as written; do not add causes, times or promises. Checked ${when(now)}. <a href="/desk">Refresh</a></p>
${incidents.length === 0 ? html`<p>No open incidents. All systems operational.</p>` : incidents.map((i) => html`<section class="incident" data-incident="${i.id}">
<h2>${i.title}${i.announced ? '' : html` <span class="badge" data-draft>not announced</span>`}</h2>
${i.announced ? '' : html`<p class="notice">Customers have not been told yet, and the status page does not show it.</p>`}
<p><strong>${i.statusLabel}</strong> · impact ${i.impact}${i.components.length > 0 ? html` · ${i.components.join(', ')}` : ''}<br>
<span class="muted">Started ${when(i.startedAt)} · last update <time data-last-update>${when(i.lastUpdateAt)}</time></span></p>
${i.scripts.length === 0 ? html`<p>No approved script fits this incident yet. Say only that the team knows and is working on it, and point callers to the status page.</p>` : i.scripts.map((s) => scriptBlock(i.id, s))}
${i.unfilled.length > 0 ? html`<p class="muted no-print">Not shown: ${i.unfilled.map((u, n) => html`${n ? '; ' : ''}${u.name} (${u.reason})`)}.</p>` : ''}
</section>`)}
<p class="no-print"><a href="/status">Public status page</a></p>`, html`<script src="/assets/desk.js" defer></script>`);
}

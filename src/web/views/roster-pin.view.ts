import type { FieldProblem } from '../../errors';
import type { TeamMember } from '../../roster/team-member';
import { csrfField, problems } from './forms';
import { html, type SafeHtml } from './html';

/**
 * The member's SMS trigger PIN: set, change or remove it. The PIN is never shown or refilled,
 * not even after a refused form; only whether one is set.
 */
export function pinSection(csrf: string, m: TeamMember, state: { hasPin: boolean; mayTrigger: boolean; problems?: FieldProblem[] }): SafeHtml {
  if (!state.mayTrigger) {
    return html`<h2>SMS trigger PIN</h2>${problems(state.problems ?? [])}<p class="muted">Only the owner, comms and comms lead roles can trigger a notice by text.</p>`;
  }
  const field = (name: string, label: string) => html`<label>${label}<input name="${name}" type="password" inputmode="numeric" autocomplete="off" pattern="[0-9]{4,12}" minlength="4" maxlength="12" required></label>`;
  return html`<h2 id="pin">SMS trigger PIN</h2>
<p>${state.hasPin ? 'A PIN is set.' : 'No PIN is set.'} With it, ${m.name} can text <code>OUTAGE &lt;PIN&gt; &lt;component&gt;</code> from their phone or alternate phone to send the approved investigating notice.</p>
${problems(state.problems ?? [])}
<form method="post" action="/console/roster/members/${m.id}/pin" class="stack">${csrfField(csrf)}<input type="hidden" name="action" value="set">
${field('pin', 'New PIN (4 to 12 digits)')}${field('confirm', 'The same PIN again')}
<button type="submit">${state.hasPin ? 'Change PIN' : 'Set PIN'}</button></form>
${state.hasPin ? html`<form method="post" action="/console/roster/members/${m.id}/pin" class="inline">${csrfField(csrf)}<input type="hidden" name="action" value="remove"><button type="submit" class="secondary">Remove PIN</button></form>` : ''}`;
}

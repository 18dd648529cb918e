import type { FieldProblem } from '../../errors';
import type { Monitor } from '../../monitors/monitor';
import { consolePage, type ConsoleContext } from './console.view';
import { csrfField, input, problems } from './forms';
import { html, when } from './html';

export interface MonitorsState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
}

const STATE_LABEL = { unknown: 'not checked yet', up: 'up', down: 'DOWN' } as const;

/** The monitors, their state, and (for comms and owners) the form that adds one. */
export function monitorsView(c: ConsoleContext, monitors: Monitor[], canWrite: boolean, s: MonitorsState = {}): string {
  const v = s.values ?? {};
  return consolePage(c, 'Monitors', html`
<table><thead><tr><th>Monitor</th><th>State</th><th>Checks</th><th>On failure</th><th></th></tr></thead><tbody>
${monitors.map((m) => html`<tr id="monitor-${m.id}" class="monitor-${m.state}"><td>${m.name}<br><span class="muted">${m.url}</span></td>
<td><strong>${STATE_LABEL[m.state]}</strong>${m.consecutiveFailures > 0 ? html`<br><span class="muted">${m.consecutiveFailures} failed in a row</span>` : ''}<br><span class="muted">last ${when(m.lastCheckedAt)}</span></td>
<td>every ${m.intervalSeconds} s, ${m.timeoutMs} ms timeout, expects ${m.expectedStatus}; down after ${m.failuresToDown}</td>
<td>${m.componentKey ?? 'no component'}; ${m.autoNotice ? 'sends the first notice automatically' : 'drafts the first notice'}</td>
<td>${canWrite ? html`<form method="post" action="/console/monitors/${m.id}/delete" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Delete</button></form>` : ''}</td></tr>`)}
</tbody></table>
${monitors.length === 0 ? html`<p>No monitors yet.</p>` : ''}
${canWrite ? html`<h2>Add a monitor</h2>${problems(s.problems ?? [])}
<form method="post" action="/console/monitors">${csrfField(c.csrf)}
${input('name', 'Name', { value: v.name, maxlength: 100 })}
${input('url', 'URL (http or https; internal addresses are fine)', { value: v.url, type: 'url', maxlength: 2000 })}
${input('intervalSeconds', 'Check every (seconds)', { value: v.intervalSeconds ?? '60', type: 'number' })}
${input('timeoutMs', 'Timeout (ms)', { value: v.timeoutMs ?? '10000', type: 'number' })}
${input('expectedStatus', 'Expected status', { value: v.expectedStatus ?? '200', type: 'number' })}
${input('failuresToDown', 'Failures in a row before it counts as down', { value: v.failuresToDown ?? '3', type: 'number' })}
${input('component', 'Component key (optional)', { value: v.component, required: false, maxlength: 64 })}
${input('failureType', 'Failure type key (optional)', { value: v.failureType, required: false, maxlength: 64 })}
<label><input type="checkbox" name="autoNotice" value="on"${v.autoNotice === 'on' ? html` checked` : ''}> Send the first notice to customers automatically</label>
<button type="submit">Add monitor</button></form>` : ''}`);
}

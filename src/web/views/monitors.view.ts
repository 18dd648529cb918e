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
<td>${canWrite ? html`<a href="/console/monitors/${m.id}/edit">Edit</a> <form method="post" action="/console/monitors/${m.id}/delete" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Delete</button></form>` : ''}</td></tr>`)}
</tbody></table>
${monitors.length === 0 ? html`<p>No monitors yet.</p>` : ''}
${canWrite ? html`<h2>Add a monitor</h2>${problems(s.problems ?? [])}
${monitorForm(c, '/console/monitors', v, 'Add monitor')}` : ''}`);
}

/** The settings of one monitor as form values, for the edit page. */
export function monitorValues(m: Monitor, failureTypeKey: string | null): Record<string, string> {
  return {
    name: m.name, url: m.url, intervalSeconds: String(m.intervalSeconds), timeoutMs: String(m.timeoutMs), expectedStatus: String(m.expectedStatus),
    failuresToDown: String(m.failuresToDown), component: m.componentKey ?? '', failureType: failureTypeKey ?? '', autoNotice: m.autoNotice ? 'on' : '',
  };
}

/** Changing one monitor: the same fields as adding it. */
export function monitorEditView(c: ConsoleContext, m: Monitor, v: Record<string, string>, s: MonitorsState = {}): string {
  return consolePage(c, `Monitor: ${m.name}`, html`<p><a href="/console/monitors">All monitors</a> · <strong>${STATE_LABEL[m.state]}</strong>, last checked ${when(m.lastCheckedAt)}</p>
${problems(s.problems ?? [])}
${monitorForm(c, `/console/monitors/${m.id}`, v, 'Save changes')}
<p class="muted">Saving checks it again at once. A monitor that is down stays down until a check passes.</p>`);
}

function monitorForm(c: ConsoleContext, action: string, v: Record<string, string>, submit: string) {
  return html`<form method="post" action="${action}">${csrfField(c.csrf)}
${input('name', 'Name', { value: v.name, maxlength: 100 })}
${input('url', 'URL (http or https; internal addresses are fine)', { value: v.url, type: 'url', maxlength: 2000 })}
${input('intervalSeconds', 'Check every (seconds)', { value: v.intervalSeconds ?? '60', type: 'number' })}
${input('timeoutMs', 'Timeout (ms)', { value: v.timeoutMs ?? '10000', type: 'number' })}
${input('expectedStatus', 'Expected status', { value: v.expectedStatus ?? '200', type: 'number' })}
${input('failuresToDown', 'Failures in a row before it counts as down', { value: v.failuresToDown ?? '3', type: 'number' })}
${input('component', 'Component key (optional)', { value: v.component, required: false, maxlength: 64 })}
${input('failureType', 'Failure type key (optional)', { value: v.failureType, required: false, maxlength: 64 })}
<label><input type="checkbox" name="autoNotice" value="on"${v.autoNotice === 'on' ? html` checked` : ''}> Send the first notice to customers automatically</label>
<button type="submit">${submit}</button></form>`;
}

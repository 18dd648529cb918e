import type { FieldProblem } from '../../errors';
import { html, type SafeHtml } from './html';

/** The hidden CSRF field every form that changes something carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** The problems with a submitted form, each naming its field (`data-field`), shown above it. */
export function problems(list: FieldProblem[]): SafeHtml {
  if (list.length === 0) return html``;
  return html`<div class="errors" role="alert"><p><strong>Please fix:</strong></p><ul>
${list.map((p) => html`<li data-field="${p.field}"><strong>${p.field}</strong>: ${p.message}</li>`)}</ul></div>`;
}

export function notice(text: SafeHtml | string): SafeHtml {
  return html`<div class="notice" role="status">${text}</div>`;
}

export interface InputOptions {
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  minlength?: number;
  maxlength?: number;
}

export function input(name: string, label: string, o: InputOptions = {}): SafeHtml {
  return html`<label>${label}<input name="${name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.minlength ? html` minlength="${o.minlength}"` : ''} maxlength="${o.maxlength ?? 200}"></label>`;
}

export function select(name: string, label: string, options: readonly string[], selected?: string): SafeHtml {
  return html`<label>${label}<select name="${name}">${options.map((o) => html`<option value="${o}"${o === selected ? html` selected` : ''}>${o}</option>`)}</select></label>`;
}

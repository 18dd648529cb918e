import { utcDateTime } from '../../render/time';

/**
 * Views escape by default: every value interpolated with `html` is escaped unless it is already
 * SafeHtml (the output of another `html` call). Arrays are joined. There is no raw-string escape
 * hatch, so a view cannot forget to escape.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escape(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escape(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A moment as pages show it, "2026-11-23 09:40 UTC"; a dash for never. */
export function when(ms: number | null): string {
  return ms === null ? '—' : utcDateTime(ms);
}

/** The page frame: phone-first, one stylesheet of our own, no script; works without JavaScript. */
export function page(title: string, body: SafeHtml, head: SafeHtml = html``, stylesheet = '/assets/crier.css'): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="${stylesheet}">${head}
</head><body>${body}</body></html>`.value;
}

import { z } from 'zod';
import { fieldProblems, type FieldProblem } from '../errors';
import type { PhoneQa } from '../render';
import type { ScriptVersion } from '../scripts/script-version';
import { draftInput, type DraftTexts } from '../scripts/script.service';
import type { VariableDeclaration } from '../scripts/variables';

/**
 * The draft form works without JavaScript, so the lists are plain text areas:
 * - variables, one a line: `name | example | description`; a name ending in `?` is optional;
 * - likely questions: a line starting `Q:` opens a question, `A:` its answer; other lines continue.
 */
export const DRAFT_FIELDS = ['emailSubject', 'emailBody', 'sms', 'slack', 'x', 'phone', 'phoneQa', 'reseller', 'variables'] as const;
export type DraftForm = Record<(typeof DRAFT_FIELDS)[number], string>;

const formText = z.string({ error: 'must be text, given once' }).max(25_000, { error: 'is too long' }).default('');
const draftForm = z.object(Object.fromEntries(DRAFT_FIELDS.map((f) => [f, formText])) as Record<(typeof DRAFT_FIELDS)[number], typeof formText>);

/** The form's fields for a version (or empty), as the text areas show them. */
export function draftFormValues(version?: ScriptVersion): DraftForm {
  return {
    emailSubject: version?.emailSubject ?? '', emailBody: version?.emailBody ?? '', sms: version?.sms ?? '', slack: version?.slack ?? '',
    x: version?.x ?? '', phone: version?.phone ?? '', reseller: version?.reseller ?? '',
    phoneQa: (version?.phoneQa ?? []).map((qa) => `Q: ${qa.question}\nA: ${qa.answer}`).join('\n\n'),
    variables: (version?.variables ?? []).map((d) => `${d.name}${d.required ? '' : '?'} | ${d.example} | ${d.description}`).join('\n'),
  };
}

/** What was typed, kept for re-showing the form; anything that is not a string becomes ''. */
export function submittedValues(body: unknown): DraftForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(DRAFT_FIELDS.map((f) => [f, typeof b[f] === 'string' ? (b[f] as string).slice(0, 25_000) : ''])) as DraftForm;
}

export function parseDraftForm(body: unknown): { ok: true; draft: DraftTexts } | { ok: false; problems: FieldProblem[] } {
  const form = draftForm.safeParse(body ?? {});
  if (!form.success) return { ok: false, problems: fieldProblems(form.error.issues) };
  const f = form.data;
  const lineProblems: FieldProblem[] = [];
  const variables = parseVariableLines(f.variables, lineProblems);
  const phoneQa = parseQaLines(f.phoneQa, lineProblems);
  if (lineProblems.length > 0) return { ok: false, problems: lineProblems };
  const draft = draftInput.safeParse({ ...f, variables, phoneQa });
  if (!draft.success) return { ok: false, problems: fieldProblems(draft.error.issues) };
  return { ok: true, draft: draft.data };
}

function parseVariableLines(text: string, problems: FieldProblem[]): VariableDeclaration[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.map((line, n) => {
    const [rawName = '', example = '', ...rest] = line.split('|').map((p) => p.trim());
    const required = !rawName.endsWith('?');
    const name = required ? rawName : rawName.slice(0, -1).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) problems.push({ field: 'variables', message: `line ${n + 1}: "${name.slice(0, 40)}" is not a variable name (letters, digits and _; write name | example | description)` });
    return { name, example, description: rest.join(' | '), required };
  });
}

function parseQaLines(text: string, problems: FieldProblem[]): PhoneQa[] {
  const entries: PhoneQa[] = [];
  let part: 'question' | 'answer' | undefined;
  text.split(/\r?\n/).forEach((line, n) => {
    const q = /^\s*Q:\s?(.*)$/i.exec(line);
    const a = /^\s*A:\s?(.*)$/i.exec(line);
    const current = entries.at(-1);
    if (q) {
      entries.push({ question: q[1] ?? '', answer: '' });
      part = 'question';
    } else if (a && current && current.answer === '') {
      current.answer = a[1] ?? '';
      part = 'answer';
    } else if (current && part) {
      current[part] += `\n${line}`;
    } else if (line.trim() !== '') {
      problems.push({ field: 'phoneQa', message: `line ${n + 1}: start each question with "Q:" and its answer with "A:"` });
    }
  });
  return entries.map((e) => ({ question: e.question.trim(), answer: e.answer.trim() }));
}

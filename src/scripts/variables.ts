import { z } from 'zod';
import type { PhoneQa } from '../render';

/** A value a script needs when it is sent, declared so the form can ask for it and checks can fill it. */
export interface VariableDeclaration {
  name: string;
  description: string;
  required: boolean;
  /** Used to render every channel when the version is checked, at approval and in previews. */
  example: string;
  /** Approved with the script: what the send form starts with when nothing better is known. */
  default?: string;
}

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const variableDeclaration = z.object({
  name: z.string().regex(VARIABLE_NAME, { error: 'variable names are letters, digits and _' }),
  description: z.string().trim().max(500).default(''),
  required: z.boolean().default(true),
  example: z.string().max(2000).default(''),
  default: z.string().max(2000).optional(),
});

export const phoneQa = z.object({ question: z.string().max(2000), answer: z.string().max(4000) });

/** Reads stored JSON leniently: a row is never unreadable because of one bad entry. */
export function parseVariables(json: string): VariableDeclaration[] {
  const parsed = z.array(variableDeclaration).safeParse(safeJson(json));
  return parsed.success ? parsed.data : [];
}

export function parseQa(json: string): PhoneQa[] {
  const parsed = z.array(phoneQa).safeParse(safeJson(json));
  return parsed.success ? parsed.data : [];
}

function safeJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The example values of every declared variable, for checks and previews. */
export function exampleValues(declarations: readonly VariableDeclaration[]): Record<string, string> {
  return Object.fromEntries(declarations.map((d) => [d.name, d.example]));
}

/**
 * The values to render with at send time: what the sender gave, plus an empty string for each
 * optional variable left out, so a script can say `{% if eta != "" %}` without failing.
 */
export function valuesForSend(declarations: readonly VariableDeclaration[], given: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = { ...given };
  for (const d of declarations) if (!d.required && !Object.hasOwn(values, d.name)) values[d.name] = '';
  return values;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { CHANNELS } from '../channels/provider';
import { AUDIENCES } from '../incidents/publish';
import { usageError } from './exit';

/**
 * Command-line arguments → typed input. `util.parseArgs` splits the words (and refuses unknown
 * options); zod checks the values, and every refusal names the argument as it is typed
 * (`--channel`, `<incident>`), so the message says what to fix.
 */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface RawArgs {
  values: Record<string, unknown>;
  positionals: string[];
}

export function splitArgs(argv: string[], options: OptionSpec): RawArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (err) {
    // parseArgs names the option in its own words; keep them, without Node's hint about "--".
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw usageError(message);
  }
}

/** Parses the values with the command's schema; a problem names `--option` or `<positional>`. */
export function checkArgs<S extends z.ZodType>(schema: S, input: Record<string, unknown>, positionalNames: readonly string[] = []): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const shown = positionalNames.includes(name) ? `<${name}>` : `--${kebab(name)}`;
    return `${shown}: ${issue.message}`;
  });
  throw usageError(lines[0] as string, lines.slice(1));
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Repeated or comma-separated values (`--channel email,sms --channel x`) as one list. */
function commaList(missing: string): z.ZodType<string[]> {
  return z.array(z.string(), { error: missing }).transform((parts) => parts.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== ''));
}

export function listOf<const T extends readonly [string, ...string[]]>(allowed: T): z.ZodType<T[number][]> {
  const item = z.enum(allowed, { error: (issue) => `must be one or more of ${allowed.join(', ')} (got ${JSON.stringify(issue.input)})` });
  return commaList(`is required: one or more of ${allowed.join(', ')}`).pipe(z.array(item).min(1, { error: `choose at least one of ${allowed.join(', ')}` }));
}

export const channelList = listOf(CHANNELS);
export const audienceList = listOf(AUDIENCES);

const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** `--var name=value`, repeated; a value may contain `=`, a name is letters, digits and _. */
export const variables = z.array(z.string()).default([]).transform((items, ctx) => {
  const out: Record<string, string> = {};
  for (const item of items) {
    const match = VARIABLE.exec(item);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `must be name=value, with a name of letters, digits and _ (got ${JSON.stringify(item)})` });
      return z.NEVER;
    }
    out[match[1] as string] = match[2] as string;
  }
  return out;
});

export const positiveId = z.string({ error: 'is required' }).pipe(z.coerce.number<string>({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be a positive whole number' }).max(2 ** 31, { error: 'is too large' }));

/** A remote instance's base URL: http or https, no credentials in it. */
export const instanceUrl = z.url({ protocol: /^https?$/, error: (issue) => `must be the instance's http:// or https:// address (got ${JSON.stringify(issue.input)})` })
  .refine((u) => !new URL(u).username && !new URL(u).password, { error: 'must not carry a user name or password; give the token with --token-file or CRIER_TOKEN' })
  .transform((u) => u.replace(/\/+$/, ''));

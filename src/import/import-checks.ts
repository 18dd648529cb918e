import type { ZodType } from 'zod';
import { normalizeAddress } from '../contacts/address';
import { describeIssues } from './import-report';
import type { ContactEntry, FailureTypeEntry } from './import-schema';

export type EntryProblem = { field: string; reason: string };
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: EntryProblem[] };

/**
 * Checks one entry: its shape with the schema, then what the schema cannot see (references to
 * other entries, repeats inside the entry). Every problem is collected, not just the first.
 */
export function checkEntry<T>(schema: ZodType<T>, raw: unknown, rules: (value: T) => EntryProblem[] = () => []): Checked<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const problems = rules(parsed.data);
  return problems.length ? { ok: false, problems } : { ok: true, value: parsed.data };
}

/** Responders must be known team members, each named once. */
export function failureTypeRules(teamKeys: ReadonlySet<string>) {
  return (entry: FailureTypeEntry): EntryProblem[] =>
    entry.responders.flatMap((key, i) => {
      if (!teamKeys.has(key)) return [{ field: `responders[${i}]`, reason: `names no team member with key "${key}"` }];
      const first = entry.responders.indexOf(key);
      return first < i ? [{ field: `responders[${i}]`, reason: `repeats responders[${first}]` }] : [];
    });
}

/** Addresses appear once per contact; subscriptions follow known components. */
export function contactRules(componentKeys: ReadonlySet<string>) {
  return (entry: ContactEntry): EntryProblem[] => {
    const problems: EntryProblem[] = [];
    const seen = new Map<string, number>();
    entry.addresses.forEach((a, i) => {
      const id = `${a.channel} ${normalizeAddress(a.channel, a.address)}`;
      const first = seen.get(id);
      if (first !== undefined) problems.push({ field: `addresses[${i}].address`, reason: `repeats addresses[${first}]` });
      else seen.set(id, i);
      a.subscription?.components.forEach((c, j) => {
        if (!componentKeys.has(c)) {
          problems.push({ field: `addresses[${i}].subscription.components[${j}]`, reason: `names no component with key "${c}"` });
        }
      });
    });
    return problems;
  };
}

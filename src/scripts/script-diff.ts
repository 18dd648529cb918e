import { diffWordsWithSpace, type Change } from 'diff';
import type { ScriptVersion } from './script-version';

/**
 * What an approver reviews: each part of the draft next to the version in force, word by word.
 * With nothing in force every part is new.
 */
export interface FieldDiff {
  field: string;
  changes: { value: string; added: boolean; removed: boolean }[];
  /** Words added and removed, for the audit log and a one-line summary. */
  added: number;
  removed: number;
}

export interface VersionDiff {
  fromVersion: number | null;
  toVersion: number;
  /** Only the parts that changed. */
  fields: FieldDiff[];
  summary: string;
}

type Diffable = Pick<ScriptVersion, 'version' | 'emailSubject' | 'emailBody' | 'sms' | 'slack' | 'x' | 'phone' | 'phoneQa' | 'reseller' | 'variables'>;

function parts(v: Diffable): [string, string][] {
  return [
    ['emailSubject', v.emailSubject], ['emailBody', v.emailBody], ['sms', v.sms], ['slack', v.slack], ['x', v.x],
    ['phone', v.phone], ['phoneQa', v.phoneQa.map((qa) => `Q: ${qa.question}\nA: ${qa.answer}`).join('\n\n')],
    ['reseller', v.reseller],
    ['variables', v.variables.map((d) => `${d.name}${d.required ? '' : ' (optional)'}: ${d.description} e.g. ${d.example}`).join('\n')],
  ];
}

const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

export function diffVersions(from: Diffable | undefined, to: Diffable): VersionDiff {
  const before = new Map(from ? parts(from) : []);
  const fields: FieldDiff[] = [];
  for (const [field, text] of parts(to)) {
    const old = before.get(field) ?? '';
    if (old === text) continue;
    const changes = diffWordsWithSpace(old, text).map((c: Change) => ({ value: c.value, added: c.added, removed: c.removed }));
    const added = changes.filter((c) => c.added).reduce((n, c) => n + words(c.value), 0);
    const removed = changes.filter((c) => c.removed).reduce((n, c) => n + words(c.value), 0);
    fields.push({ field, changes, added, removed });
  }
  const summary = fields.length === 0
    ? 'no changes'
    : fields.map((f) => `${f.field} +${f.added}/-${f.removed}`).join(', ');
  return { fromVersion: from?.version ?? null, toVersion: to.version, fields, summary };
}

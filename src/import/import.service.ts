import type { Kysely, Transaction } from 'kysely';
import type { ZodType } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import type { UpsertOutcome } from '../contacts/contact';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { applyComponent, applyFailureType, applyTeamMember } from './import-apply';
import { checkEntry, contactRules, failureTypeRules, type Checked, type EntryProblem } from './import-checks';
import { applyContact } from './import-contact';
import { count, describeIssues, emptyReport, hasRejections, WHOLE_ENTRY, type ImportReport } from './import-report';
import {
  componentEntry, contactEntry, directoryShape, failureTypeEntry, teamMemberEntry, type ImportSection,
} from './import-schema';

export interface ImportOptions {
  /** Who ran the import, for the audit log. */
  actor?: string;
}

/**
 * Imports a directory file (already JSON-parsed). A file whose outer shape is wrong is refused
 * whole with AppError('invalid_input'). Otherwise each entry is checked on its own: a bad one is
 * reported and skipped, a good one is upserted by key in a transaction of its own, so no entry
 * is ever half-written. Sections go in dependency order (team and components before the failure
 * types and contacts that name them), so a reference resolves against what is stored by then.
 */
export async function importDirectory(db: Kysely<Database>, data: unknown, options: ImportOptions = {}): Promise<ImportReport> {
  const shape = directoryShape.safeParse(data);
  if (!shape.success) {
    const details = describeIssues(shape.error.issues).map((p) => ({ field: p.field === WHOLE_ENTRY ? '(file)' : p.field, message: p.reason }));
    throw new AppError('invalid_input', 'The directory file must be a JSON object with the lists team, failureTypes, components and contacts.', details);
  }
  const file = shape.data;
  const report = emptyReport();
  const run = <T extends { key: string }>(section: ImportSection, schema: ZodType<T>, rules: (value: T) => EntryProblem[], apply: Apply<T>) =>
    importSection(db, report, section, file[section], (raw) => checkEntry(schema, raw, rules), apply);

  await run('team', teamMemberEntry, () => [], applyTeamMember);
  await run('components', componentEntry, () => [], applyComponent);
  await run('failureTypes', failureTypeEntry, failureTypeRules(await keysOf(db, 'team_members')), applyFailureType);
  await run('contacts', contactEntry, contactRules(await keysOf(db, 'components')), applyContact);

  const changed = Object.values(report.counts).some((c) => c.created + c.updated > 0);
  if (changed) {
    await recordAudit(db, {
      actor: options.actor ?? 'import', action: 'directory.imported', subject: 'directory',
      detail: { counts: report.counts, rejected: hasRejections(report) },
    });
  }
  return report;
}

type Apply<T> = (trx: Transaction<Database>, value: T) => Promise<UpsertOutcome>;

async function importSection<T extends { key: string }>(
  db: Kysely<Database>,
  report: ImportReport,
  section: ImportSection,
  entries: unknown[],
  check: (raw: unknown) => Checked<T>,
  apply: Apply<T>,
): Promise<void> {
  const firstIndexOfKey = new Map<string, number>();
  for (const [index, raw] of entries.entries()) {
    const reject = (problems: EntryProblem[]) => {
      count(report, section, 'rejected');
      for (const p of problems) report.problems.push({ section, index, ...p });
    };
    const checked = check(raw);
    if (!checked.ok) {
      reject(checked.problems);
      continue;
    }
    const first = firstIndexOfKey.get(checked.value.key);
    if (first !== undefined) {
      reject([{ field: 'key', reason: `repeats the key of ${section}[${first}]` }]);
      continue;
    }
    firstIndexOfKey.set(checked.value.key, index);
    try {
      count(report, section, await db.transaction().execute((trx) => apply(trx, checked.value)));
    } catch (error) {
      reject([{ field: WHOLE_ENTRY, reason: `could not be saved: ${error instanceof Error ? error.message : String(error)}` }]);
    }
  }
}

async function keysOf(db: Kysely<Database>, table: 'team_members' | 'components'): Promise<Set<string>> {
  const rows = await db.selectFrom(table).select('key').execute();
  return new Set(rows.map((r) => r.key));
}

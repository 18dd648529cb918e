import type { UpsertOutcome } from '../contacts/contact';
import { IMPORT_SECTIONS, type ImportSection } from './import-schema';

/** One rejected entry's problem: `contacts[3]` + `addresses[0].address` + why. */
export interface ImportProblem {
  section: ImportSection;
  index: number;
  /** Path inside the entry, such as `addresses[0].address`; `(entry)` for the entry as a whole. */
  field: string;
  reason: string;
}

export interface SectionCounts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportReport {
  counts: Record<ImportSection, SectionCounts>;
  problems: ImportProblem[];
}

export const WHOLE_ENTRY = '(entry)';

export function emptyReport(): ImportReport {
  const counts = Object.fromEntries(IMPORT_SECTIONS.map((s) => [s, { created: 0, updated: 0, unchanged: 0, rejected: 0 }]));
  return { counts: counts as Record<ImportSection, SectionCounts>, problems: [] };
}

export function count(report: ImportReport, section: ImportSection, outcome: UpsertOutcome | 'rejected'): void {
  report.counts[section][outcome] += 1;
}

export function hasRejections(report: ImportReport): boolean {
  return report.problems.length > 0;
}

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/** zod issues → (field, reason) pairs, with paths written as `a.b[0].c` and unknown keys named. */
export function describeIssues(issues: readonly Issue[]): { field: string; reason: string }[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((k) => ({ field: fieldPath([...issue.path, k]), reason: 'is not a known field (check the spelling)' }))
      : [{ field: fieldPath(issue.path), reason: issue.message }],
  );
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('') || WHOLE_ENTRY;
}

/** The report as people read it: one line per section, then one line per problem. */
export function formatImportReport(report: ImportReport): string {
  const lines = ['Imported directory:'];
  for (const section of IMPORT_SECTIONS) {
    const c = report.counts[section];
    lines.push(`  ${section.padEnd(13)} created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, rejected ${c.rejected}`);
  }
  if (report.problems.length === 0) return [...lines, 'No entries were rejected.'].join('\n');
  lines.push(`Rejected entries were skipped; fix these and import again (${report.problems.length} problem(s)):`);
  for (const p of report.problems) {
    const where = p.field === WHOLE_ENTRY ? `${p.section}[${p.index}]` : `${p.section}[${p.index}].${p.field}`;
    lines.push(`  ${where}: ${p.reason}`);
  }
  return lines.join('\n');
}

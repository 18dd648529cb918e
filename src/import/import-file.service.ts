import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { formatCsvImportReport, importContactsCsv } from './contacts-csv.service';
import { formatImportReport, hasRejections } from './import-report';
import { importDirectory } from './import.service';

export type ImportFormat = 'directory' | 'csv';

export interface FileImportOutcome {
  /** True when any entry or row was rejected (the rest were imported). */
  rejected: boolean;
  /** The report as the import command prints it. */
  report: string;
}

/** `.csv` is a contacts spreadsheet; anything else is a directory file (JSON). */
export function formatOf(fileName: string): ImportFormat {
  return fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'directory';
}

/**
 * Imports one file's text, as `npm run import` and `crier import` do. A file that is not JSON,
 * or not a directory at all, is refused whole (AppError, nothing imported); bad entries are
 * reported and skipped.
 */
export async function importFileText(
  db: Kysely<Database>,
  input: { name: string; text: string; format: ImportFormat },
  options: { defaultCountry: string; actor: string },
): Promise<FileImportOutcome> {
  if (input.format === 'csv') {
    const report = await importContactsCsv(db, input.text, options);
    return { rejected: report.rejected > 0, report: formatCsvImportReport(report) };
  }
  let data: unknown;
  try {
    data = JSON.parse(input.text) as unknown;
  } catch (error) {
    throw new AppError('invalid_input', `${input.name} is not valid JSON: ${(error as Error).message}.`, [{ field: 'file', message: 'not valid JSON' }]);
  }
  const report = await importDirectory(db, data, { actor: options.actor });
  return { rejected: hasRejections(report), report: formatImportReport(report) };
}

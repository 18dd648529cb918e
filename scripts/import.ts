/**
 * Imports a directory file (see contacts.example.json) or a contacts spreadsheet (see
 * contacts.example.csv) into the store the server uses:
 *   npm run import -- contacts.json
 *   npm run import -- contacts.csv
 * DATABASE_URL picks the store (sqlite:<file> or postgres://…); without it, ./data/crier.db.
 * Exit code: 0 when every entry was imported, 1 when any entry (or the whole file) was rejected,
 * 2 when the command itself was misused.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { AppError } from '../src/errors';
import { formatCsvImportReport, importContactsCsv } from '../src/import/contacts-csv.service';
import { formatImportReport, hasRejections } from '../src/import/import-report';
import { importDirectory } from '../src/import/import.service';
import { openStore, type StoreOptions } from '../src/store/dialect';
import { migrateToLatest } from '../src/store/migrate';

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    console.error('Usage: npm run import -- <directory.json | contacts.csv>');
    return 2;
  }
  const csv = file.toLowerCase().endsWith('.csv');
  const text = readText(file);
  if (text === undefined) return 1;
  const data = csv ? text : parseJson(file, text);
  if (data === undefined) return 1;

  const config = loadConfig(process.env);
  const options: StoreOptions = config.databaseKind === 'postgres'
    ? { kind: 'postgres', url: config.DATABASE_URL as string }
    : { kind: 'sqlite', file: config.sqliteFile };
  const store = openStore(options);
  try {
    await migrateToLatest(store);
    if (csv) {
      const report = await importContactsCsv(store.db, text, { defaultCountry: config.DEFAULT_PHONE_COUNTRY, actor: 'cli' });
      console.log(formatCsvImportReport(report));
      return report.rejected > 0 ? 1 : 0;
    }
    const report = await importDirectory(store.db, data, { actor: 'cli' });
    console.log(formatImportReport(report));
    return hasRejections(report) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(`${file}: ${error.message}`);
    for (const d of error.details) console.error(`  ${d.field}: ${d.message}`);
    console.error('Nothing was imported.');
    return 1;
  } finally {
    await store.close();
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    console.error(`${file} is not valid JSON: ${(error as Error).message}. Nothing was imported.`);
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

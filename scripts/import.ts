/**
 * Imports a directory file (see contacts.example.json) or a contacts spreadsheet (see
 * contacts.example.csv) into the store the server uses:
 *   npm run import -- contacts.json
 *   npm run import -- contacts.csv
 * DATABASE_URL picks the store (sqlite:<file> or postgres://…); without it, ./data/crier.db.
 * Exit code: 0 when every entry was imported, 1 when any entry (or the whole file) was rejected,
 * 2 when the command itself was misused. `npx crier import` does the same.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { AppError } from '../src/errors';
import { formatOf, importFileText } from '../src/import/import-file.service';
import { openStore, type StoreOptions } from '../src/store/dialect';
import { migrateToLatest } from '../src/store/migrate';

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    console.error('Usage: npm run import -- <directory.json | contacts.csv>');
    return 2;
  }
  const text = readText(file);
  if (text === undefined) return 1;

  const config = loadConfig(process.env);
  const options: StoreOptions = config.databaseKind === 'postgres'
    ? { kind: 'postgres', url: config.DATABASE_URL as string }
    : { kind: 'sqlite', file: config.sqliteFile };
  const store = openStore(options);
  try {
    await migrateToLatest(store);
    const outcome = await importFileText(store.db, { name: file, text, format: formatOf(file) }, { defaultCountry: config.DEFAULT_PHONE_COUNTRY, actor: 'cli' });
    console.log(outcome.report);
    return outcome.rejected ? 1 : 0;
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

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/dialect';
import { migrateToLatest } from '../../src/store/migrate';

/**
 * Every store test runs on each dialect. Postgres comes from TEST_DATABASE_URL (CI starts a
 * throwaway cluster with scripts/test-postgres.sh); each store gets a database of its own so
 * test files can run in parallel.
 *
 * TEST_STORE=postgres runs the whole suite on Postgres: DIALECTS is then Postgres only, and
 * DEFAULT_DIALECT, which every test that builds a store or a Crier without looping over DIALECTS
 * uses, is Postgres too. A test about SQLite itself (the SQLite driver, the embedded `npm start`)
 * names 'sqlite' and says why.
 */
export type DialectName = 'sqlite' | 'postgres';

const pgUrl = process.env.TEST_DATABASE_URL;
const testStore = process.env.TEST_STORE ?? 'sqlite';
if (testStore !== 'sqlite' && testStore !== 'postgres') throw new Error(`TEST_STORE must be sqlite or postgres (got ${JSON.stringify(testStore)})`);
if (!pgUrl && (process.env.CI === 'true' || testStore === 'postgres')) {
  throw new Error('The Postgres half of the suite needs TEST_DATABASE_URL (scripts/test-postgres.sh)');
}

export const DEFAULT_DIALECT: DialectName = testStore;
export const DIALECTS: DialectName[] = testStore === 'postgres' ? ['postgres'] : pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestStore extends Store {
  /** The URL or file another process can open the same store with. */
  location: string;
  dispose(): Promise<void>;
}

/** A fresh store, migrated to the latest version unless `migrate` is false (upgrade tests). */
export async function openTestStore(dialect: DialectName, { migrate = true }: { migrate?: boolean } = {}): Promise<TestStore> {
  const suffix = crypto.randomBytes(6).toString('hex');
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-test-'));
    const file = path.join(dir, `crier-${suffix}.db`);
    const store = openStore({ kind: 'sqlite', file });
    if (migrate) await migrateToLatest(store);
    return { ...store, location: `sqlite:${file}`, dispose: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `crier_t_${suffix}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl as string);
  url.pathname = `/${name}`;
  const store = openStore({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  if (migrate) await migrateToLatest(store);
  return {
    ...store,
    location: url.toString(),
    dispose: async () => {
      await store.close();
      const drop = new pg.Client({ connectionString: pgUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

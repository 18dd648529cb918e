import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { openSqliteDatabase } from './sqlite-driver';

/**
 * The one place where SQLite and Postgres differ. Code above the store asks for capabilities,
 * never for the dialect's name.
 */
export interface Capabilities {
  /** Postgres can lock claimed rows and skip those another instance holds. */
  skipLocked: boolean;
  /** Column type for an auto-incrementing primary key. */
  idType: 'integer' | 'serial';
  /** Column type for epoch milliseconds. */
  timeType: 'integer' | 'bigint';
}

export interface Store {
  db: Kysely<Database>;
  caps: Capabilities;
  kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; poolSize?: number; onIdleError?: (err: Error) => void };

// int8 (bigint) columns hold epoch milliseconds, which fit a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openStore(options: StoreOptions): Store {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client the server drops (restart, failover) must not crash the process; the pool
    // replaces it on the next query.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', caps: { skipLocked: true, idType: 'serial', timeType: 'bigint' }, close: () => db.destroy() };
  }
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqliteDatabase(options.file) }) });
  return { db, kind: 'sqlite', caps: { skipLocked: false, idType: 'integer', timeType: 'integer' }, close: () => db.destroy() };
}

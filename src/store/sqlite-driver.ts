import type { SqliteDatabase } from 'kysely';

/**
 * The SQLite engine under Kysely. better-sqlite3 12 (the last line that runs on Node 20) aborts
 * the process on Node 24 when a statement is garbage-collected (`RemoveEnvironmentCleanupHook:
 * (env) != nullptr`), so from Node 24 on Crier uses Node's own `node:sqlite`, and loads the
 * native addon only where it is needed. Both give Kysely the same synchronous interface.
 */
export function openSqliteDatabase(file: string): SqliteDatabase {
  return nodeMajor() >= 24 ? openBuiltin(file) : openAddon(file);
}

export function sqliteEngine(): 'node:sqlite' | 'better-sqlite3' {
  return nodeMajor() >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

function nodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 5000'];

function openAddon(file: string): SqliteDatabase {
  // Loaded lazily: requiring the addon is what Node 24 must not do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Addon = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Addon(file);
  for (const pragma of PRAGMAS) db.pragma(pragma);
  return db;
}

interface BuiltinStatement {
  columns(): unknown[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

interface BuiltinModule {
  DatabaseSync: new (file: string) => { exec(sql: string): void; prepare(sql: string): BuiltinStatement; close(): void };
}

function openBuiltin(file: string): SqliteDatabase {
  // Typed here because @types/node for Node 20 does not know the module.
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as BuiltinModule;
  const db = new DatabaseSync(file);
  for (const pragma of PRAGMAS) db.exec(`PRAGMA ${pragma}`);
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const stmt = db.prepare(sql);
      return {
        reader: stmt.columns().length > 0,
        all: (params: ReadonlyArray<unknown>) => stmt.all(...params),
        run: (params: ReadonlyArray<unknown>) => stmt.run(...params),
        iterate: (params: ReadonlyArray<unknown>) => stmt.iterate(...params),
      };
    },
  };
}

import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A fresh, seeded store for one benchmark run: SQLite in a temp dir (the default), or a new
 * database beside DATABASE_URL's for --store postgres. dispose() removes it.
 */
export type StoreKind = 'sqlite' | 'postgres';

export interface BenchStore {
  /** What Crier's DATABASE_URL is set to. */
  databaseUrl: string;
  scriptVersionId: number;
  dispose(): Promise<void>;
}

export async function createBenchStore(kind: StoreKind, options: { recipients: number; slackWebhookBase: string; postgresUrl?: string }): Promise<BenchStore> {
  const empty = kind === 'sqlite' ? emptySqlite() : await emptyPostgres(options.postgresUrl);
  try {
    const scriptVersionId = await seedInChild(empty.databaseUrl, options.recipients, options.slackWebhookBase);
    return { ...empty, scriptVersionId };
  } catch (err) {
    await empty.dispose();
    throw err;
  }
}

type EmptyStore = Omit<BenchStore, 'scriptVersionId'>;

function emptySqlite(): EmptyStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-bench-'));
  return { databaseUrl: `sqlite:${path.join(dir, 'crier.db')}`, dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function emptyPostgres(adminUrl: string | undefined): Promise<EmptyStore> {
  if (!adminUrl?.startsWith('postgres')) throw new Error('--store postgres needs DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db (a fresh database is made beside it)');
  const name = `crier_bench_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function seedInChild(databaseUrl: string, recipients: number, slackWebhookBase: string): Promise<number> {
  const child = fork(path.join(__dirname, 'bench-seed.ts'), [databaseUrl, String(recipients), slackWebhookBase], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let scriptVersionId: number | undefined;
  child.on('message', (m: { scriptVersionId: number }) => (scriptVersionId = m.scriptVersionId));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || scriptVersionId === undefined) throw new Error(`seeding failed (exit ${code}): ${stderr.trim()}`);
  return scriptVersionId;
}

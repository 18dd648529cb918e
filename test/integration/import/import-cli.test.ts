import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getContactByKey } from '../../../src/contacts/contact.repository';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const ROOT = path.join(__dirname, '../../..');
const run = promisify(execFile);

/** Runs the real CLI; resolves with its exit code and output whether it succeeds or not. */
async function importCli(file: string, databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/import.ts', file], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const directory = (smsAddress: string) => ({
  components: [{ key: 'checkout', name: 'Checkout' }],
  contacts: [
    { key: 'cust-good', kind: 'customer', name: 'Good Customer', addresses: [{ channel: 'email', address: 'good@example.com' }] },
    { key: 'cust-bad', kind: 'customer', name: 'Bad Number', addresses: [{ channel: 'sms', address: smsAddress }] },
  ],
});

describe.each(DIALECTS)('%s: npm run import', (dialect) => {
  let store: TestStore;
  let dir: string;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-import-'));
  });
  afterAll(async () => {
    await store.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[F5] when the file has a bad entry, then the CLI names it, imports the rest and exits 1', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(directory('555-0100')));
    const result = await importCli(file, store.location);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('contacts[1].addresses[0].address: must be an E.164 phone number');
    expect(result.stdout).toMatch(/contacts\s+created 1, updated 0, unchanged 0, rejected 1/);
    expect(await getContactByKey(store.db, 'cust-good')).toMatchObject({ name: 'Good Customer' });
    expect(await getContactByKey(store.db, 'cust-bad')).toBeUndefined();
  });

  it('[F5] when the file is good, then the CLI reports the counts and exits 0', async () => {
    const file = path.join(dir, 'good.json');
    fs.writeFileSync(file, JSON.stringify(directory('+15555550123')));
    const result = await importCli(file, store.location);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/contacts\s+created 1, updated 0, unchanged 1, rejected 0/);
    expect(result.stdout).toContain('No entries were rejected.');
  });

  it('[F5] when the file is not a directory, then the CLI prints one error, imports nothing and exits 1', async () => {
    const file = path.join(dir, 'shape.json');
    fs.writeFileSync(file, JSON.stringify({ contacts: 'everyone' }));
    const result = await importCli(file, store.location);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('contacts: must be a list');
    expect(result.stderr).toContain('Nothing was imported.');
  });

  it('[R1] when the example directory and then the example spreadsheet are imported, then both import cleanly', async () => {
    expect((await importCli(path.join(ROOT, 'contacts.example.json'), store.location)).code).toBe(0);
    const result = await importCli(path.join(ROOT, 'contacts.example.csv'), store.location);
    expect(result.stdout).toContain('No rows were rejected.');
    expect(result.code).toBe(0);
    expect(await getContactByKey(store.db, 'cust-ana-lopez')).toMatchObject({ name: 'Ana Lopez' });
  });

  it('[R1] when a CSV has a bad row, then the CLI names its row and column, imports the rest and exits 1', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'key,name,email,phone\ncsv-good,Good Row,good-row@example.com,\ncsv-bad,Bad Row,,555-12\n');
    const result = await importCli(file, store.location);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('created 1, updated 0, unchanged 0, rejected 1');
    expect(result.stdout).toContain('row 3, phone: "555-12" is not a valid phone number');
    expect(await getContactByKey(store.db, 'csv-good')).toMatchObject({ name: 'Good Row' });
  });
});

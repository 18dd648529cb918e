import fs from 'node:fs';
import path from 'node:path';
import { findAddresses, getAddress } from '../../../src/contacts/address.repository';
import { getContactByKey } from '../../../src/contacts/contact.repository';
import { optOutAddress } from '../../../src/contacts/opt-out.repository';
import { getSubscriptionForAddress } from '../../../src/contacts/subscription.repository';
import { listResponders } from '../../../src/roster/responder.repository';
import { getFailureTypeByKey } from '../../../src/roster/failure-type.repository';
import { importDirectory } from '../../../src/import/import.service';
import type { Database } from '../../../src/store/schema';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

interface ExampleFile {
  team: { key: string }[];
  components: { key: string; name: string }[];
  failureTypes: { key: string; responders: string[] }[];
  contacts: { key: string; addresses: { channel: string; address: string; subscription?: unknown }[] }[];
}
const EXAMPLE_PATH = path.join(__dirname, '../../../contacts.example.json');
const example = (): ExampleFile => JSON.parse(fs.readFileSync(EXAMPLE_PATH, 'utf8')) as ExampleFile;
function nth<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`contacts.example.json has no entry ${index}`);
  return item;
}

const TABLES = ['team_members', 'components', 'failure_types', 'responders', 'contacts', 'addresses', 'subscriptions'] as const;
async function rowCounts(store: TestStore): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { n } = await store.db.selectFrom(table as keyof Database).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(n);
  }
  return counts;
}

describe.each(DIALECTS)('%s: importDirectory', (dialect) => {
  let store: TestStore;
  beforeEach(async () => { store = await openTestStore(dialect); });
  afterEach(async () => { await store.dispose(); });

  it('[F5] when contacts.example.json is imported, then every entry is created and the rows match the file', async () => {
    const file = example();
    const report = await importDirectory(store.db, file);
    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual({
      team: { created: file.team.length, updated: 0, unchanged: 0, rejected: 0 },
      components: { created: file.components.length, updated: 0, unchanged: 0, rejected: 0 },
      failureTypes: { created: file.failureTypes.length, updated: 0, unchanged: 0, rejected: 0 },
      contacts: { created: file.contacts.length, updated: 0, unchanged: 0, rejected: 0 },
    });
    const addresses = file.contacts.flatMap((c) => c.addresses);
    expect(await rowCounts(store)).toEqual({
      team_members: file.team.length,
      components: file.components.length,
      failure_types: file.failureTypes.length,
      responders: file.failureTypes.reduce((n, f) => n + f.responders.length, 0),
      contacts: file.contacts.length,
      addresses: addresses.length,
      subscriptions: addresses.filter((a) => a.subscription).length,
    });
    const websiteDown = await getFailureTypeByKey(store.db, 'website-down');
    const responders = await listResponders(store.db, websiteDown?.id ?? 0);
    expect(responders.map((r) => [r.rank, r.member.key])).toEqual([[1, 'lena-fischer'], [2, 'tom-becker'], [3, 'maya-okafor']]);
  });

  it('[F5] when two entries are bad among good ones, then both are reported and only the good ones are imported', async () => {
    const file = example();
    nth(file.contacts, 3).addresses[0] = { channel: 'sms', address: '555-0100' };
    nth(file.failureTypes, 1).responders.push('night-baker');
    const report = await importDirectory(store.db, file);
    expect(report.problems).toEqual([
      { section: 'failureTypes', index: 1, field: 'responders[3]', reason: 'names no team member with key "night-baker"' },
      { section: 'contacts', index: 3, field: 'addresses[0].address', reason: 'must be an E.164 phone number, such as +15555550123' },
    ]);
    expect(report.counts.failureTypes).toEqual({ created: 4, updated: 0, unchanged: 0, rejected: 1 });
    expect(report.counts.contacts).toEqual({ created: file.contacts.length - 1, updated: 0, unchanged: 0, rejected: 1 });
    expect(await getFailureTypeByKey(store.db, nth(file.failureTypes, 1).key)).toBeUndefined();
    expect(await getContactByKey(store.db, nth(file.contacts, 3).key)).toBeUndefined();
    expect((await rowCounts(store)).contacts).toBe(file.contacts.length - 1);
  });

  it('[F5] when the same file is imported twice, then the second import changes nothing', async () => {
    await importDirectory(store.db, example());
    const before = await rowCounts(store);
    const again = await importDirectory(store.db, example());
    expect(again.problems).toEqual([]);
    for (const counts of Object.values(again.counts)) expect(counts).toMatchObject({ created: 0, updated: 0, rejected: 0 });
    expect(again.counts.contacts.unchanged).toBe(example().contacts.length);
    expect(await rowCounts(store)).toEqual(before);
  });

  it('[F5] when a file entry changes between imports, then only that entry counts as updated', async () => {
    await importDirectory(store.db, example());
    const file = example();
    nth(file.components, 0).name = 'Website and order tracking';
    const report = await importDirectory(store.db, file);
    expect(report.counts.components).toEqual({ created: 0, updated: 1, unchanged: 4, rejected: 0 });
  });

  it('[F5] when someone opted out after the first import, then re-importing does not subscribe them again', async () => {
    await importDirectory(store.db, example());
    await optOutAddress(store.db, 'email', 'ana.lopez@example.com', 'one-click unsubscribe', Date.UTC(2025, 5, 1));
    await importDirectory(store.db, example());
    const [address] = await findAddresses(store.db, 'email', 'ana.lopez@example.com');
    expect(await getAddress(store.db, address?.id ?? 0)).toMatchObject({ optOutReason: 'one-click unsubscribe' });
    expect(await getSubscriptionForAddress(store.db, address?.id ?? 0)).toMatchObject({ consent: 'unsubscribed' });
  });

  it('[F5] when the file is not an object of lists, then it is refused whole with one clear error', async () => {
    await expect(importDirectory(store.db, [])).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('JSON object') });
    await expect(importDirectory(store.db, { team: {}, contacts: [] })).rejects.toMatchObject({
      code: 'invalid_input',
      details: [{ field: 'team', message: 'must be a list' }],
    });
    expect(Object.values(await rowCounts(store)).every((n) => n === 0)).toBe(true);
  });
});

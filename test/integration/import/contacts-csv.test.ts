import { addAddress, listAddresses } from '../../../src/contacts/address.repository';
import { exportContactsCsv } from '../../../src/contacts/contact-export';
import { createContact, getContactByKey } from '../../../src/contacts/contact.repository';
import { createComponent } from '../../../src/components/component.repository';
import { createSubscription, listSubscriptions } from '../../../src/contacts/subscription.repository';
import { AppError } from '../../../src/errors';
import { importContactsCsv, type CsvProblem } from '../../../src/import/contacts-csv.service';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema';
import { buildContact, buildSubscription } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const HEADER = 'key,kind,name,organization,email,phone,slack,tags,components,consent,consent_source,consent_at';
const US = { defaultCountry: 'US' };

/** A cell as a spreadsheet writes it: quoted when it must be. */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (cells: string[]) => cells.map(cell).join(',');

interface Fixture {
  csv: string;
  good: number;
  bad: Omit<CsvProblem, 'reason'>[];
}

/**
 * 1,000 data rows (spreadsheet rows 2–1001), built the same way every run: good rows in mixed
 * spellings (upper-case emails, national and international phone formats, keys or none,
 * consent or none), and 17 bad rows, each wrong in exactly one way.
 */
function thousandRows(): Fixture {
  const bad = new Map<number, { field: string; kind: CsvProblem['kind']; cells: Partial<Record<string, string>> }>([
    [40, { field: 'phone', kind: 'invalid', cells: { phone: '555-12' } }],
    [95, { field: 'phone', kind: 'invalid', cells: { phone: '+1 201 555' } }],
    [180, { field: 'phone', kind: 'invalid', cells: { phone: 'call me' } }],
    [333, { field: 'phone', kind: 'invalid', cells: { phone: '+999 1234567' } }],
    [470, { field: 'phone', kind: 'invalid', cells: { phone: '(201) 555-0123 ext 7' } }],
    [12, { field: 'email', kind: 'invalid', cells: { email: 'not-an-email' } }],
    [220, { field: 'email', kind: 'invalid', cells: { email: 'a@b' } }],
    [512, { field: 'email', kind: 'invalid', cells: { email: 'x@@example.com' } }],
    [640, { field: 'email', kind: 'invalid', cells: { email: 'jo hn@example.com' } }],
    [777, { field: 'email', kind: 'invalid', cells: { email: 'person@example..com' } }],
    [301, { field: 'name', kind: 'invalid', cells: { name: '' } }],
    [602, { field: 'name', kind: 'invalid', cells: { name: '   ' } }],
    [903, { field: 'name', kind: 'invalid', cells: { name: '' } }],
    // Duplicates of earlier good rows: the same email, the same email in other capitals, the same
    // phone in another format, the same key.
    [150, { field: 'email', kind: 'duplicate', cells: { email: 'customer3@example.com', phone: '' } }],
    [450, { field: 'email', kind: 'duplicate', cells: { email: 'CUSTOMER10@EXAMPLE.COM', phone: '' } }],
    [700, { field: 'phone', kind: 'duplicate', cells: { phone: '+1 201-555-1006' } }],
    [850, { field: 'key', kind: 'duplicate', cells: { key: 'cust-8' } }],
  ]);
  const lines = [HEADER];
  for (let i = 0; i < 1000; i += 1) {
    const phone = i % 3 === 0 ? `(201) 555-${1000 + i}` : i % 3 === 1 ? `+1 202 555 ${1000 + i}` : '';
    const cells: Record<string, string> = {
      key: i % 4 === 0 ? `cust-${i}` : '',
      kind: i % 10 === 0 ? 'reseller' : i % 10 === 1 ? '' : 'customer',
      name: `Customer ${i}`,
      organization: i % 5 === 0 ? `Org ${i}, Ltd` : '',
      email: i % 7 === 0 ? `Customer${i}@Example.COM` : `customer${i}@example.com`,
      phone,
      slack: '',
      tags: i % 2 === 0 ? 'bulk; even' : 'bulk',
      components: '',
      consent: i % 2 === 0 ? 'confirmed' : '',
      consent_source: i % 2 === 0 ? 'checkout opt-in box' : '',
      consent_at: i % 2 === 0 ? '2025-01-14T09:30:00Z' : '',
      ...bad.get(i)?.cells,
    };
    lines.push(line(HEADER.split(',').map((c) => cells[c] ?? '')));
  }
  const expected = [...bad.entries()].map(([i, b]) => ({ row: i + 2, field: b.field, kind: b.kind })).sort((a, b) => a.row - b.row);
  return { csv: `${lines.join('\r\n')}\r\n`, good: 1000 - bad.size, bad: expected };
}

async function counts(db: Kysely<Database>) {
  const n = async (table: 'contacts' | 'addresses' | 'subscriptions') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { contacts: await n('contacts'), addresses: await n('addresses'), subscriptions: await n('subscriptions') };
}

describe.each(DIALECTS)('%s: contacts CSV import', (dialect) => {
  let store: TestStore;
  beforeEach(async () => { store = await openTestStore(dialect); });
  afterEach(async () => { await store.dispose(); });

  it('[R1] when a 1,000-row CSV has 17 bad rows, then the good rows import, every bad one is reported with row, field and reason, and importing it again adds nothing', async () => {
    const fixture = thousandRows();
    const first = await importContactsCsv(store.db, fixture.csv, US);

    expect(first).toMatchObject({ rows: 1000, created: fixture.good, updated: 0, unchanged: 0, rejected: 17 });
    expect(first.problems.map(({ row, field, kind }) => ({ row, field, kind }))).toEqual(fixture.bad);
    for (const p of first.problems) expect(p.reason.length).toBeGreaterThan(10);
    expect(first.problems.find((p) => p.row === 42)?.reason).toMatch(/^"555-12" is not a valid phone number/);
    expect(first.problems.find((p) => p.row === 472)?.reason).toMatch(/has an extension/);
    expect(first.problems.find((p) => p.row === 14)?.reason).toBe('"not-an-email" is not an email address, such as ops@example.com');
    expect(first.problems.find((p) => p.row === 303)?.reason).toBe('is required');
    expect(first.problems.find((p) => p.row === 152)?.reason).toBe('repeats the email customer3@example.com of row 5');
    expect(first.problems.find((p) => p.row === 452)?.reason).toBe('repeats the email customer10@example.com of row 12');
    expect(first.problems.find((p) => p.row === 702)?.reason).toBe('repeats the phone +12015551006 of row 8');
    expect(first.problems.find((p) => p.row === 852)?.reason).toBe('repeats the key of row 10');

    const stored = await counts(store.db);
    expect(stored.contacts).toBe(fixture.good);
    // Every good row has an email; two in three have a phone.
    const phones = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 !== 2 && ![40, 95, 180, 333, 470, 12, 220, 512, 640, 777, 301, 602, 903, 150, 450, 700, 850].includes(i)).length;
    expect(stored.addresses).toBe(fixture.good + phones);
    expect(await getContactByKey(store.db, 'cust-0')).toMatchObject({ kind: 'reseller', organization: 'Org 0, Ltd', tags: ['bulk', 'even'] });
    const seventh = (await store.db.selectFrom('addresses').select('contact_id').where('address', '=', 'customer7@example.com').executeTakeFirstOrThrow()).contact_id;
    expect((await listAddresses(store.db, seventh)).map((a) => a.address)).toEqual(['customer7@example.com', '+12025551007']);

    const second = await importContactsCsv(store.db, fixture.csv, US);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: fixture.good, rejected: 17 });
    expect(second.problems).toEqual(first.problems);
    expect(await counts(store.db)).toEqual(stored);
  }, 120_000);

  it('[R1] when a row without a key holds an address a stored contact has, then it merges into that contact', async () => {
    const ana = await createContact(store.db, buildContact({ key: 'cust-ana', name: 'Ana', tags: ['vip'] }));
    const email = await addAddress(store.db, ana.id, { channel: 'email', address: 'ana@example.com' });
    await createSubscription(store.db, buildSubscription(email.id, { consent: 'pending' }));
    const csv = [HEADER, ',,Ana Lopez,,ANA@Example.com,(201) 555-0131,,,,confirmed,phone call,2025-02-01'].join('\n');

    const report = await importContactsCsv(store.db, csv, US);

    expect(report).toMatchObject({ created: 0, updated: 1, rejected: 0 });
    expect(await counts(store.db)).toMatchObject({ contacts: 1, addresses: 2 });
    expect(await getContactByKey(store.db, 'cust-ana')).toMatchObject({ name: 'Ana Lopez', tags: ['vip'], kind: 'customer' });
    expect((await listAddresses(store.db, ana.id)).map((a) => a.address)).toEqual(['ana@example.com', '+12015550131']);
    // The stored email keeps its own consent state (the subscriber owns it); the new phone gets the row's.
    expect((await listSubscriptions(store.db, ana.id)).map((s) => [s.addressId === email.id ? 'email' : 'phone', s.consent])).toEqual([['email', 'pending'], ['phone', 'confirmed']]);
  });

  it('[R1] when two rows without keys match the same stored contact, then the second is a duplicate naming the first', async () => {
    const ana = await createContact(store.db, buildContact({ key: 'cust-ana' }));
    await addAddress(store.db, ana.id, { channel: 'email', address: 'ana@example.com' });
    await addAddress(store.db, ana.id, { channel: 'sms', address: '+12015550131' });
    const csv = [HEADER, ',,Ana,,ana@example.com,,,,,,,', ',,Ana L,,,201.555.0131,,,,,,'].join('\n');

    const report = await importContactsCsv(store.db, csv, US);

    expect(report.problems).toEqual([{ row: 3, field: 'phone', kind: 'duplicate', reason: 'names the same contact as row 2 (matched on phone +12015550131)' }]);
  });

  it('[R1] when DEFAULT_PHONE_COUNTRY is GB, then a national number is read as British', async () => {
    const csv = [HEADER, 'cust-uk,,Olivia,,,020 7946 0018,,,,,,'].join('\n');
    await importContactsCsv(store.db, csv, { defaultCountry: 'GB' });
    const contact = await getContactByKey(store.db, 'cust-uk');
    expect((await listAddresses(store.db, contact?.id ?? 0)).map((a) => a.address)).toEqual(['+442079460018']);
  });

  it('[R1] when a row has several problems, then each is reported with its column', async () => {
    await createComponent(store.db, { key: 'checkout', name: 'Checkout', description: '' });
    const csv = [HEADER, 'Bad Key,partner,,,nope,,,,checkout;ghost,confirmed,,2025-13-40'].join('\n');
    const report = await importContactsCsv(store.db, csv, US);
    expect(report.problems.map((p) => [p.field, p.reason])).toEqual([
      ['key', 'must be 1-64 lowercase letters, digits, ".", "_" or "-"'],
      ['kind', 'must be customer or reseller (or empty for customer)'],
      ['name', 'is required'],
      ['email', '"nope" is not an email address, such as ops@example.com'],
      ['components', 'names no component with key "ghost"'],
      ['consent_at', 'must be a date (2025-01-14) or an ISO 8601 date-time (2025-01-14T09:30:00Z)'],
    ]);
  });

  it('[R1] when the header names an unknown column or lacks name, then the whole file is refused naming it', async () => {
    const refusal = await importContactsCsv(store.db, 'nmae,email\nAna,ana@example.com\n', US).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).details).toEqual([
      { field: 'nmae', message: `is not a known column; the columns are ${HEADER.split(',').join(', ')}` },
      { field: 'name', message: 'is a required column' },
    ]);
    expect(await counts(store.db)).toMatchObject({ contacts: 0 });
  });

  it('[R1] when contacts are exported, then the CSV quotes per RFC 4180, defuses formulas, and imports again unchanged', async () => {
    const csv = [
      HEADER,
      'cust-evil,customer,"=HYPERLINK(""http://evil.example/"",""x"")","Smith, ""Jr"" & Co",evil@example.com,+1 201 555 0199,,@risk; -minus,,confirmed,form,2025-01-14T09:30:00Z',
      'cust-two,reseller,Two Emails,,a@example.com; b@example.com,,C0EXAMPLE7,,,,,',
    ].join('\n');
    expect((await importContactsCsv(store.db, csv, US)).created).toBe(2);

    const exported = await exportContactsCsv(store.db);

    expect(exported.split('\r\n')).toEqual([
      HEADER,
      `cust-evil,customer,"'=HYPERLINK(""http://evil.example/"",""x"")","Smith, ""Jr"" & Co",evil@example.com,'+12015550199,,'@risk; -minus,,confirmed,form,2025-01-14T09:30:00.000Z`,
      'cust-two,reseller,Two Emails,,a@example.com; b@example.com,,C0EXAMPLE7,,,,,',
      '',
    ]);
    const again = await importContactsCsv(store.db, exported, US);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(await getContactByKey(store.db, 'cust-evil')).toMatchObject({ name: '=HYPERLINK("http://evil.example/","x")', tags: ['@risk', '-minus'] });
  });
});

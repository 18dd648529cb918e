import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { UpsertOutcome } from '../contacts/contact';
import { getContactByKey, upsertContact } from '../contacts/contact.repository';
import type { Database } from '../store/schema';
import { checkCsvRow, readContactsCsv, type CsvContact } from './contacts-csv';
import { applyAddresses } from './import-contact';
import type { AddressEntry } from './import-schema';

/** One bad row: the row number as a spreadsheet shows it (header = 1), the column, and why. */
export interface CsvProblem {
  row: number;
  field: string;
  reason: string;
  /** invalid: a cell is wrong; duplicate: the row repeats an earlier one; unsaved: the store refused it. */
  kind: 'invalid' | 'duplicate' | 'unsaved';
}

export interface CsvImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: CsvProblem[];
}

export interface CsvImportOptions {
  /** Country of phone numbers written without +country code (DEFAULT_PHONE_COUNTRY). */
  defaultCountry: string;
  actor?: string;
}

type Trx = Transaction<Database>;
type AddressKey = { field: 'email' | 'phone' | 'slack'; channel: 'email' | 'sms' | 'slack'; address: string };

const addressesOf = (c: CsvContact): AddressKey[] => [
  ...c.email.map((address) => ({ field: 'email' as const, channel: 'email' as const, address })),
  ...c.phone.map((address) => ({ field: 'phone' as const, channel: 'sms' as const, address })),
  ...c.slack.map((address) => ({ field: 'slack' as const, channel: 'slack' as const, address })),
];

/**
 * Imports the contacts spreadsheet. A bad header refuses the whole file (AppError); otherwise
 * each row is checked on its own and a bad one reported and skipped. A row repeating an earlier
 * row's key or address is a duplicate and reported, naming that row (see docs/decisions.md). A
 * row without a key joins the stored contact that already holds one of its addresses, so
 * importing the same file again adds nothing. Each row is saved in a transaction of its own.
 */
export async function importContactsCsv(db: Kysely<Database>, text: string, options: CsvImportOptions): Promise<CsvImportReport> {
  const rows = readContactsCsv(text);
  const componentKeys = new Set((await db.selectFrom('components').select('key').execute()).map((r) => r.key));
  const report: CsvImportReport = { rows: rows.length, created: 0, updated: 0, unchanged: 0, rejected: 0, problems: [] };
  const reject = (row: number, kind: CsvProblem['kind'], problems: { field: string; reason: string }[]) => {
    report.rejected += 1;
    for (const p of problems) report.problems.push({ row, ...p, kind });
  };
  const rowOfKey = new Map<string, number>();
  const rowOfAddress = new Map<string, number>();

  for (const row of rows) {
    const checked = checkCsvRow(row, { defaultCountry: options.defaultCountry, componentKeys });
    if (!checked.ok) {
      reject(row.row, 'invalid', checked.problems);
      continue;
    }
    const contact = checked.contact;
    const addresses = addressesOf(contact);
    const repeats = [
      ...(contact.key !== undefined && rowOfKey.has(contact.key) ? [{ field: 'key', reason: `repeats the key of row ${rowOfKey.get(contact.key)}` }] : []),
      ...addresses.flatMap((a) => {
        const earlier = rowOfAddress.get(`${a.channel} ${a.address}`);
        return earlier === undefined ? [] : [{ field: a.field, reason: `repeats the ${a.field} ${a.address} of row ${earlier}` }];
      }),
    ];
    if (repeats.length > 0) {
      reject(row.row, 'duplicate', repeats);
      continue;
    }
    const match = contact.key === undefined ? await storedHolder(db, addresses) : undefined;
    const key = contact.key ?? match?.key ?? derivedKey(contact.name, addresses[0] as AddressKey);
    const sameContact = rowOfKey.get(key);
    if (sameContact !== undefined) {
      const on = match ? `${match.on.field} ${match.on.address}` : 'its address';
      reject(row.row, 'duplicate', [{ field: match?.on.field ?? 'key', reason: `names the same contact as row ${sameContact} (matched on ${on})` }]);
      continue;
    }
    rowOfKey.set(key, row.row);
    for (const a of addresses) rowOfAddress.set(`${a.channel} ${a.address}`, row.row);
    try {
      report[await db.transaction().execute((trx) => saveRow(trx, key, contact))] += 1;
    } catch (error) {
      reject(row.row, 'unsaved', [{ field: '(row)', reason: `could not be saved: ${error instanceof Error ? error.message : String(error)}` }]);
    }
  }
  if (report.created + report.updated > 0) {
    await recordAudit(db, {
      actor: options.actor ?? 'import', action: 'contacts.imported', subject: 'contacts',
      detail: { created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected },
    });
  }
  return report;
}

/** The stored contact already holding one of these addresses (email first, then phone, then Slack). */
async function storedHolder(db: Kysely<Database>, addresses: AddressKey[]): Promise<{ key: string; on: AddressKey } | undefined> {
  for (const a of addresses) {
    const row = await db
      .selectFrom('addresses')
      .innerJoin('contacts', 'contacts.id', 'addresses.contact_id')
      .select('contacts.key')
      .where('addresses.channel', '=', a.channel)
      .where('addresses.address', '=', a.address)
      .orderBy('contacts.id')
      .executeTakeFirst();
    if (row) return { key: row.key, on: a };
  }
  return undefined;
}

/** A stable key for a row without one: the name's slug and a hash of its first address. */
function derivedKey(name: string, first: AddressKey): string {
  const slug = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  const hash = crypto.createHash('sha256').update(`${first.channel} ${first.address}`).digest('hex').slice(0, 10);
  return `${slug || 'contact'}-${hash}`;
}

/**
 * Creates or updates the contact and adds the addresses it lacks. Cells left empty keep what is
 * stored (kind, organization, tags), so a thin spreadsheet merged into a richer record loses nothing.
 */
async function saveRow(trx: Trx, key: string, c: CsvContact): Promise<UpsertOutcome> {
  const existing = await getContactByKey(trx, key);
  const { contact, outcome } = await upsertContact(trx, {
    key, kind: c.kind ?? existing?.kind ?? 'customer', name: c.name, organization: c.organization, tags: c.tags.length ? c.tags : undefined,
  });
  const subscription = c.consent && {
    consent: c.consent.consent, source: c.consent.source, at: new Date(c.consent.at).toISOString(), components: c.components,
  };
  const entries = addressesOf(c).map((a) => ({ channel: a.channel, address: a.address, subscription }) as AddressEntry);
  const changed = await applyAddresses(trx, contact.id, entries);
  return outcome === 'unchanged' && changed ? 'updated' : outcome;
}

/** The report as people read it: the counts, then one line per problem with its row and column. */
export function formatCsvImportReport(report: CsvImportReport): string {
  const lines = [`Imported contacts: ${report.rows} row(s); created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected}`];
  if (report.problems.length === 0) return [...lines, 'No rows were rejected.'].join('\n');
  lines.push(`Rejected rows were skipped; fix these and import again (${report.problems.length} problem(s)):`);
  for (const p of report.problems) lines.push(`  row ${p.row}, ${p.field}: ${p.reason}${p.kind === 'duplicate' ? ' (duplicate)' : ''}`);
  return lines.join('\n');
}

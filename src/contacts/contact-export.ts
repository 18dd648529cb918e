import type { Kysely } from 'kysely';
import { CSV_COLUMNS, type CsvColumn } from '../import/contacts-csv';
import type { Database } from '../store/schema';
import { listContacts } from './contact.repository';
import { parseStringList } from './json-list';

/**
 * A spreadsheet cell that starts with = + - @ (or a tab or carriage return) is run as a formula
 * by Excel and LibreOffice, so a contact named "=HYPERLINK(…)" could attack whoever opens the
 * export. Such cells get a leading apostrophe, which spreadsheets show as text; the importer
 * strips it again.
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: string): string {
  const guarded = guardCell(value);
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

const PAGE = 500;

/**
 * Every contact as one row of the import's columns (addresses of a channel joined with "; "), so
 * the export can be edited and imported again. The consent columns are filled only when every
 * address of the contact has the same subscription; otherwise they stay empty, because writing
 * one address's consent onto the others on re-import would grant consent nobody gave.
 */
export async function exportContactsCsv(db: Kysely<Database>): Promise<string> {
  const lines = [CSV_COLUMNS.join(',')];
  for (let afterId: number | undefined, page; (page = await listContacts(db, { afterId, limit: PAGE })).length > 0; afterId = page.at(-1)?.id) {
    const ids = page.map((c) => c.id);
    const addresses = await db
      .selectFrom('addresses')
      .leftJoin('subscriptions', 'subscriptions.address_id', 'addresses.id')
      .select(['addresses.contact_id', 'addresses.channel', 'addresses.address', 'subscriptions.consent', 'subscriptions.consent_source', 'subscriptions.consent_at', 'subscriptions.components'])
      .where('addresses.contact_id', 'in', ids)
      .orderBy('addresses.id')
      .execute();
    for (const c of page) {
      const own = addresses.filter((a) => a.contact_id === c.id);
      const on = (channel: string) => own.filter((a) => a.channel === channel).map((a) => a.address).join('; ');
      const consents = new Set(own.map((a) => JSON.stringify([a.consent, a.consent_source, a.consent_at, a.components])));
      const first = own[0];
      const uniform = consents.size === 1 && first !== undefined && first.consent !== null ? first : undefined;
      const cells: Record<CsvColumn, string> = {
        key: c.key, kind: c.kind, name: c.name, organization: c.organization ?? '',
        email: on('email'), phone: on('sms'), slack: on('slack'), tags: c.tags.join('; '),
        components: uniform ? parseStringList(uniform.components ?? '[]').join('; ') : '',
        consent: uniform?.consent ?? '', consent_source: uniform?.consent_source ?? '',
        consent_at: uniform && uniform.consent_at !== null ? new Date(uniform.consent_at).toISOString() : '',
      };
      lines.push(CSV_COLUMNS.map((col) => csvField(cells[col])).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

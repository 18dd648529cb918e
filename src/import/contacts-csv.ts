import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { normalizeAddress } from '../contacts/address';
import { normalizePhone } from '../contacts/phone';
import { AppError } from '../errors';
import { describeIssues } from './import-report';
import { KEY_PATTERN } from './import-schema';

/**
 * The contacts spreadsheet (contacts.example.csv): one row per customer or reseller, a header
 * row naming the columns in any order (case and spaces ignored). Cells that hold lists (email,
 * phone, slack, tags, components) separate items with ";". Exports use the same columns, so a
 * file exported, edited and imported again means what it says.
 */
export const CSV_COLUMNS = [
  'key', 'kind', 'name', 'organization', 'email', 'phone', 'slack', 'tags', 'components', 'consent', 'consent_source', 'consent_at',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One good row, normalised: addresses in their stored spelling, phones in E.164. */
export interface CsvContact {
  key?: string;
  /** Left out when the cell is empty: a new contact is a customer, a stored one keeps its kind. */
  kind?: 'customer' | 'reseller';
  name: string;
  organization?: string;
  email: string[];
  phone: string[];
  slack: string[];
  tags: string[];
  components: string[];
  consent?: { consent: 'pending' | 'confirmed' | 'unsubscribed'; source: string; at: number };
}

export interface CsvRow {
  /** The row number a spreadsheet shows: the header is row 1. */
  row: number;
  cells: Partial<Record<CsvColumn, string>>;
  /** Set when the row has more cells than the header has columns. */
  extraCells?: number;
}

/** A cell an export guarded against formula injection ('=…, '+…) reads back as it was. */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Splits the file into rows keyed by column; refuses the whole file when the header is wrong. */
export function readContactsCsv(text: string): CsvRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  } catch (error) {
    throw new AppError('invalid_input', `The file is not valid CSV: ${(error as Error).message}`, [{ field: '(file)', message: (error as Error).message }]);
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase().replace(/[\s-]+/g, '_'));
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const problems = [
    ...unknown.map((h) => ({ field: h || '(empty header)', message: `is not a known column; the columns are ${CSV_COLUMNS.join(', ')}` })),
    ...header.filter((h, i) => header.indexOf(h) < i).map((h) => ({ field: h, message: 'appears twice in the header' })),
    ...(header.includes('name') ? [] : [{ field: 'name', message: 'is a required column' }]),
    ...(['email', 'phone', 'slack'].some((c) => header.includes(c)) ? [] : [{ field: 'email', message: 'the file needs an email, phone or slack column' }]),
  ];
  if (problems.length > 0) throw new AppError('invalid_input', 'The header row (row 1) must name the contact columns.', problems);

  const rows: CsvRow[] = [];
  records.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c === '')) return;
    const row: CsvRow = { row: i + 2, cells: {} };
    header.forEach((column, j) => { row.cells[column as CsvColumn] = unguard(cells[j] ?? ''); });
    if (cells.length > header.length && cells.slice(header.length).some((c) => c !== '')) row.extraCells = cells.length - header.length;
    rows.push(row);
  });
  return rows;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const list = (v: string | undefined) => (v ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '');
const emailCheck = z.email();
const SLACK_TARGET = /^([CDGUW][A-Z0-9]{8,}|https:\/\/\S+)$/;

function rowSchema(defaultCountry: string, componentKeys: ReadonlySet<string>) {
  return z.object({
    key: optional(z.string().regex(KEY_PATTERN, 'must be 1-64 lowercase letters, digits, ".", "_" or "-"')),
    kind: optional(z.enum(['customer', 'reseller'], { error: 'must be customer or reseller (or empty for customer)' })),
    name: z.preprocess(blankToUndefined, z.string({ error: 'is required' })),
    organization: optional(z.string()),
    email: z.string().optional().transform((v, ctx) => list(v).flatMap((e) => {
      if (emailCheck.safeParse(e.toLowerCase()).success) return [normalizeAddress('email', e)];
      ctx.addIssue({ code: 'custom', message: `"${e}" is not an email address, such as ops@example.com` });
      return [];
    })),
    phone: z.string().optional().transform((v, ctx) => list(v).flatMap((p) => {
      const checked = normalizePhone(p, defaultCountry);
      if (checked.ok) return [checked.e164];
      ctx.addIssue({ code: 'custom', message: checked.reason });
      return [];
    })),
    slack: z.string().optional().transform((v, ctx) => list(v).filter((s) => {
      if (SLACK_TARGET.test(s)) return true;
      ctx.addIssue({ code: 'custom', message: `"${s}" must be a Slack channel id such as C0EXAMPLE1 or an incoming-webhook URL (https://…)` });
      return false;
    })),
    tags: z.string().optional().transform((v) => list(v)),
    components: z.string().optional().transform((v, ctx) => list(v).filter((c) => {
      if (componentKeys.has(c)) return true;
      ctx.addIssue({ code: 'custom', message: `names no component with key "${c}"` });
      return false;
    })),
    consent: optional(z.enum(['pending', 'confirmed', 'unsubscribed'], { error: 'must be pending, confirmed or unsubscribed (or empty for no subscription)' })),
    consent_source: optional(z.string()),
    consent_at: optional(z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be a date (2025-01-14) or an ISO 8601 date-time (2025-01-14T09:30:00Z)' })),
  }).superRefine((r, ctx) => {
    if (r.consent && !r.consent_source) ctx.addIssue({ code: 'custom', path: ['consent_source'], message: 'is required with consent: where the consent came from' });
    if (r.consent && !r.consent_at) ctx.addIssue({ code: 'custom', path: ['consent_at'], message: 'is required with consent: when it was given' });
    if (!r.consent && (r.consent_source || r.consent_at || r.components.length)) {
      ctx.addIssue({ code: 'custom', path: ['consent'], message: 'is required when consent_source, consent_at or components is given (they describe the subscription)' });
    }
  });
}

export type RowCheck = { ok: true; contact: CsvContact } | { ok: false; problems: { field: string; reason: string }[] };

/** Checks one row; every problem is collected, each naming its column. */
export function checkCsvRow(row: CsvRow, options: { defaultCountry: string; componentKeys: ReadonlySet<string> }): RowCheck {
  const extra = row.extraCells ? [{ field: '(row)', reason: `has ${row.extraCells} more cell(s) than the header has columns` }] : [];
  if (!['email', 'phone', 'slack'].some((c) => list(row.cells[c as CsvColumn]).length > 0)) {
    extra.push({ field: 'email', reason: 'the row needs an email, phone or slack address' });
  }
  const parsed = rowSchema(options.defaultCountry, options.componentKeys).safeParse(row.cells);
  if (!parsed.success) return { ok: false, problems: [...describeIssues(parsed.error.issues), ...extra] };
  if (extra.length) return { ok: false, problems: extra };
  const r = parsed.data;
  return {
    ok: true,
    contact: {
      key: r.key, kind: r.kind, name: r.name, organization: r.organization, email: r.email, phone: r.phone, slack: r.slack,
      tags: r.tags, components: r.components,
      consent: r.consent && r.consent_source && r.consent_at ? { consent: r.consent, source: r.consent_source, at: Date.parse(r.consent_at) } : undefined,
    },
  };
}

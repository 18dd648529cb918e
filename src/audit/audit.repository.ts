import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { toAuditEntry, type AuditEntry, type NewAuditEntry } from './audit';

type Db = Kysely<Database> | Transaction<Database>;

/** Appends to the audit log; pass the transaction of the change so both commit or neither. */
export async function recordAudit(db: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  const row = await db
    .insertInto('audit_log')
    .values({
      at: entry.at ?? Date.now(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAuditEntry(row);
}

export interface AuditFilter {
  subject?: string;
  actor?: string;
  action?: string;
  /** Entries older than this id, for paging back through the log. */
  beforeId?: number;
  limit?: number;
}

/** Newest first. */
export async function listAudit(db: Db, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 100);
  if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return (await query.execute()).map(toAuditEntry);
}

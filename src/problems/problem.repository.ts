import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, RecurrenceAlertsTable } from '../store/schema';
import type { Problem, RecurrenceAlert } from './problem';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertProblem(db: Db, p: { category: string; contactId: number | null; note: string; loggedBy: string; now: number }): Promise<number> {
  const row = await db.insertInto('problems')
    .values({ category: p.category, contact_id: p.contactId, note: p.note, logged_by: p.loggedBy, created_at: p.now })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Newest first, with the customer's key and name. */
export async function listProblems(db: Db, options: { limit?: number } = {}): Promise<Problem[]> {
  const rows = await db.selectFrom('problems').leftJoin('contacts', 'contacts.id', 'problems.contact_id')
    .select(['problems.id', 'problems.category', 'problems.contact_id', 'problems.note', 'problems.logged_by', 'problems.created_at', 'contacts.key', 'contacts.name'])
    .orderBy('problems.created_at', 'desc').orderBy('problems.id', 'desc').limit(options.limit ?? 100).execute();
  return rows.map((r) => ({
    id: r.id, category: r.category, contactId: r.contact_id, customer: r.key && r.name ? { key: r.key, name: r.name } : null,
    note: r.note, loggedBy: r.logged_by, createdAt: r.created_at,
  }));
}

/**
 * Upserts the subject's watch row and returns the end of its last alert window. On Postgres the
 * upsert holds the row until commit, so a concurrent log of the same subject waits here and then
 * sees this one's problem; SQLite runs one writer at a time anyway.
 */
export async function lockSubject(db: Transaction<Database>, subject: string, now: number): Promise<number> {
  const row = await db.insertInto('recurrence_watch').values({ subject, touched_at: now })
    .onConflict((oc) => oc.column('subject').doUpdateSet({ touched_at: now }))
    .returning('window_end').executeTakeFirstOrThrow();
  return Number(row.window_end);
}

export async function setWindowEnd(db: Db, subject: string, windowEnd: number): Promise<void> {
  await db.updateTable('recurrence_watch').set({ window_end: windowEnd }).where('subject', '=', subject).execute();
}

/** The first two problems of a subject logged at or after `since`, oldest first. */
export async function firstProblemsSince(db: Db, by: { category: string } | { contactId: number }, since: number): Promise<{ id: number; created_at: number }[]> {
  let q = db.selectFrom('problems').select(['id', 'created_at']).where('created_at', '>=', since);
  q = 'category' in by ? q.where('category', '=', by.category) : q.where('contact_id', '=', by.contactId);
  return q.orderBy('created_at').orderBy('id').limit(2).execute();
}

/** Records the window's alert; undefined when the window already has one (the unique key says so). */
export async function insertAlertOnce(db: Db, a: { subject: string; windowStart: number; windowEnd: number; problemId: number; now: number }): Promise<number | undefined> {
  const row = await db.insertInto('recurrence_alerts')
    .values({ subject: a.subject, window_start: a.windowStart, window_end: a.windowEnd, problem_id: a.problemId, created_at: a.now })
    .onConflict((oc) => oc.columns(['subject', 'window_start']).doNothing())
    .returning('id').executeTakeFirst();
  return row?.id;
}

export async function settleAlerts(db: Db, ids: number[], outcome: { incidentId: number; notSent: string | null }): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('recurrence_alerts').set({ incident_id: outcome.incidentId, not_sent: outcome.notSent }).where('id', 'in', ids).execute();
}

function toAlert(r: Selectable<RecurrenceAlertsTable>): RecurrenceAlert {
  return {
    id: r.id, subject: r.subject, windowStart: r.window_start, windowEnd: r.window_end, problemId: r.problem_id,
    incidentId: r.incident_id, notSent: r.not_sent, createdAt: r.created_at,
  };
}

export async function listAlerts(db: Db, options: { since?: number; limit?: number } = {}): Promise<RecurrenceAlert[]> {
  let q = db.selectFrom('recurrence_alerts').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit ?? 50);
  if (options.since !== undefined) q = q.where('window_end', '>', options.since);
  return (await q.execute()).map(toAlert);
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { Commitment } from './commitment';

type Db = Kysely<Database> | Transaction<Database>;

function base(db: Db) {
  return db.selectFrom('commitments')
    .innerJoin('incidents', 'incidents.id', 'commitments.incident_id')
    .leftJoin('contacts', 'contacts.id', 'commitments.contact_id')
    .leftJoin('team_members', 'team_members.id', 'commitments.owner_id')
    .select([
      'commitments.id', 'commitments.incident_id', 'incidents.title', 'commitments.what', 'commitments.contact_id', 'commitments.to_name',
      'contacts.name as contact_name', 'commitments.owner_id', 'team_members.name as owner_name', 'commitments.due_at',
      'commitments.reminded_at', 'commitments.kept_at', 'commitments.kept_by',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toCommitment(r: Row): Commitment {
  return {
    id: r.id, incidentId: r.incident_id, incidentTitle: r.title, what: r.what, contactId: r.contact_id,
    to: r.contact_name ?? r.to_name ?? '(someone no longer in the directory)', ownerId: r.owner_id, ownerName: r.owner_name,
    dueAt: r.due_at, remindedAt: r.reminded_at, keptAt: r.kept_at, keptBy: r.kept_by,
  };
}

export interface NewCommitment { what: string; contactId: number | null; toName?: string; ownerId: number; dueAt: number }

export async function insertCommitment(db: Db, incidentId: number, input: NewCommitment, actor: string, now: number): Promise<number> {
  const row = await db.insertInto('commitments').values({
    incident_id: incidentId, what: input.what, contact_id: input.contactId, to_name: input.toName ?? null, owner_id: input.ownerId,
    due_at: input.dueAt, created_by: actor, created_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function getCommitment(db: Db, id: number): Promise<Commitment | undefined> {
  const row = await base(db).where('commitments.id', '=', id).executeTakeFirst();
  return row && toCommitment(row);
}

/** An incident's promises, soonest due first. */
export async function incidentCommitments(db: Db, incidentId: number): Promise<Commitment[]> {
  return (await base(db).where('commitments.incident_id', '=', incidentId).orderBy('commitments.due_at').orderBy('commitments.id').execute()).map(toCommitment);
}

/** Promises not yet kept, soonest due first; only those due by `dueBy` when given. */
export async function openCommitments(db: Db, options: { dueBy?: number; limit?: number } = {}): Promise<Commitment[]> {
  let q = base(db).where('commitments.kept_at', 'is', null).orderBy('commitments.due_at').orderBy('commitments.id').limit(options.limit ?? 200);
  if (options.dueBy !== undefined) q = q.where('commitments.due_at', '<=', options.dueBy);
  return (await q.execute()).map(toCommitment);
}

/** Due promises whose owner has not been reminded: what the reminder timer works through. */
export async function dueUnreminded(db: Db, now: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('commitments').select('id').where('kept_at', 'is', null).where('reminded_at', 'is', null)
    .where('due_at', '<=', now).orderBy('due_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * Claims one reminder: true only for the one caller whose update changed the row, so two
 * instances running the timer at once remind once. Postgres makes the second wait for the first
 * to commit and then finds reminded_at set.
 */
export async function claimReminder(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db.updateTable('commitments').set({ reminded_at: now })
    .where('id', '=', id).where('reminded_at', 'is', null).where('kept_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks it kept, once: false if it already was. */
export async function markKept(db: Db, id: number, actor: string, now: number): Promise<boolean> {
  const result = await db.updateTable('commitments').set({ kept_at: now, kept_by: actor }).where('id', '=', id).where('kept_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

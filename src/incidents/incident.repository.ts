import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, IncidentsTable, IncidentUpdatesTable } from '../store/schema';
import type { Impact, Incident, IncidentStatus, IncidentUpdate } from './incident';
import { isClosed } from './lifecycle';

type Db = Kysely<Database> | Transaction<Database>;

function toIncident(row: Selectable<IncidentsTable>): Incident {
  return {
    id: row.id, title: row.title, failureTypeId: row.failure_type_id, status: row.status as IncidentStatus,
    impact: row.impact as Impact, components: JSON.parse(row.components) as string[], startedAt: row.started_at,
    resolvedAt: row.resolved_at, xThreadId: row.x_thread_id, drill: row.drill === 1,
  };
}

function toUpdate(row: Selectable<IncidentUpdatesTable>): IncidentUpdate {
  return {
    id: row.id, incidentId: row.incident_id, status: row.status as IncidentStatus, scriptVersionId: row.script_version_id,
    variables: JSON.parse(row.variables) as Record<string, string>, rendered: JSON.parse(row.rendered) as unknown,
    createdBy: row.created_by, createdAt: row.created_at, internal: row.internal === 1,
  };
}

export async function createIncident(
  db: Db,
  input: { title: string; failureTypeId: number | null; status: IncidentStatus; impact: Impact; components: string[]; now: number; drill?: boolean },
): Promise<Incident> {
  const row = await db
    .insertInto('incidents')
    .values({
      title: input.title, failure_type_id: input.failureTypeId, status: input.status, impact: input.impact,
      components: JSON.stringify(input.components), started_at: input.now, created_at: input.now,
      resolved_at: isClosed(input.status) ? input.now : null, drill: input.drill ? 1 : 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toIncident(row);
}

export async function getIncident(db: Db, id: number): Promise<Incident | undefined> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toIncident(row);
}

export async function listIncidents(db: Db, options: { open?: boolean; limit?: number } = {}): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(options.limit ?? 50);
  if (options.open) q = q.where('resolved_at', 'is', null);
  return (await q.execute()).map(toIncident);
}

export async function setIncidentStatus(db: Db, id: number, status: IncidentStatus, now: number): Promise<void> {
  await db
    .updateTable('incidents')
    .set({ status, resolved_at: isClosed(status) ? now : null })
    .where('id', '=', id)
    .execute();
}

/** The first X post of an incident becomes the thread every later update replies to. */
export async function setXThreadIfUnset(db: Db, id: number, postId: string): Promise<void> {
  await db.updateTable('incidents').set({ x_thread_id: postId }).where('id', '=', id).where('x_thread_id', 'is', null).execute();
}

export async function insertUpdate(
  db: Db,
  input: { incidentId: number; status: IncidentStatus; scriptVersionId: number; variables: Record<string, string>; rendered: unknown; createdBy: string; now: number; internal?: boolean },
): Promise<IncidentUpdate> {
  const row = await db
    .insertInto('incident_updates')
    .values({
      incident_id: input.incidentId, status: input.status, script_version_id: input.scriptVersionId,
      variables: JSON.stringify(input.variables), rendered: JSON.stringify(input.rendered),
      created_by: input.createdBy, created_at: input.now, internal: input.internal ? 1 : 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUpdate(row);
}

/** The updates of an incident, oldest first; the team's internal alerts only when asked for. */
export async function listUpdates(db: Db, incidentId: number, options: { internal?: boolean } = {}): Promise<IncidentUpdate[]> {
  let query = db.selectFrom('incident_updates').selectAll().where('incident_id', '=', incidentId).orderBy('id');
  if (!options.internal) query = query.where('internal', '=', 0);
  return (await query.execute()).map(toUpdate);
}

export async function insertBroadcast(db: Db, input: { updateId: number; audiences: string[]; channels: string[]; now: number }): Promise<number> {
  const row = await db
    .insertInto('broadcasts')
    .values({ update_id: input.updateId, audiences: JSON.stringify(input.audiences), channels: JSON.stringify(input.channels), created_at: input.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

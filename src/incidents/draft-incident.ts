import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import type { Incident } from './incident';
import { getIncident, setIncidentStatus } from './incident.repository';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A draft incident is open but has no public update yet: a monitor or the recurrence watch
 * opened it and only the team has been told (an internal update). The status page leaves it out
 * until its first notice; the console home lists it with what to do next.
 */
export async function listDrafts(db: Db): Promise<Incident[]> {
  const rows = await db.selectFrom('incidents').select('id').where('resolved_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('incident_updates').select('incident_updates.id')
      .whereRef('incident_updates.incident_id', '=', 'incidents.id').where('incident_updates.internal', '=', 0))))
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(50).execute();
  const found = await Promise.all(rows.map((r) => getIncident(db, r.id)));
  return found.filter((i): i is Incident => i !== undefined);
}

/**
 * Closes a draft without telling customers (a false alarm, a blip that recovered, a recurrence
 * handled in-house). An incident customers have heard of is closed with a resolved update instead.
 */
export async function closeDraft(db: Kysely<Database>, id: number, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const incident = await getIncident(trx, id);
    if (!incident) throw new AppError('not_found', `No incident ${id}.`, [{ field: 'id', message: 'no incident with this id' }]);
    const told = await trx.selectFrom('incident_updates').select('id').where('incident_id', '=', id).where('internal', '=', 0).executeTakeFirst();
    if (told || incident.resolvedAt !== null) {
      throw new AppError('conflict', 'Only an open draft (no public update yet) can be closed without a notice; post a resolved update instead.', [{ field: 'id', message: 'not an open draft' }]);
    }
    await setIncidentStatus(trx, id, 'resolved', now);
    await recordAudit(trx, { at: now, actor, action: 'incident.draft_closed', subject: `incident:${id}`, detail: { title: incident.title } });
  });
}

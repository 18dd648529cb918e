import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';

type Db = Kysely<Database> | Transaction<Database>;

/** The incident's first post on `channel`, which later updates reply to; undefined before it. */
export async function threadOf(db: Db, incidentId: number, channel: string): Promise<string | undefined> {
  const row = await db.selectFrom('incident_threads').select('post_ref').where('incident_id', '=', incidentId).where('channel', '=', channel).executeTakeFirst();
  return row?.post_ref;
}

/** Records the first accepted post as the thread; a later one (a retry that raced it) changes nothing. */
export async function setThreadIfUnset(db: Db, incidentId: number, channel: string, postRef: string, now: number): Promise<void> {
  await db.insertInto('incident_threads').values({ incident_id: incidentId, channel, post_ref: postRef, created_at: now })
    .onConflict((oc) => oc.columns(['incident_id', 'channel']).doNothing()).execute();
}

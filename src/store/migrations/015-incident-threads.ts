import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * An incident's thread on each social platform after X (which keeps incidents.x_thread_id): the
 * first post's reference, which every later update of the incident replies to. One row per
 * incident and channel; the first accepted post wins.
 */
export function incidentThreads(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('incident_threads')
        .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('post_ref', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_threads_pk', ['incident_id', 'channel'])
        .execute();
    },
  };
}

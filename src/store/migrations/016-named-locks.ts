import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * A row per named lock (`named_locks`), upserted inside a transaction that must not run beside
 * another of its kind: on Postgres the upsert holds the row until commit, so the second waits
 * and then reads what the first wrote. SQLite runs one writer at a time anyway.
 */
export function namedLocks(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('named_locks')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('touched_at', caps.timeType, (c) => c.notNull())
        .execute();
    },
  };
}

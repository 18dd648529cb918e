import type { Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * Takes the named lock for the rest of the transaction: a concurrent transaction taking the same
 * name waits here (Postgres row lock on the upsert) until this one commits or rolls back, and
 * its next statement sees what this one committed. On SQLite the write serialises as well.
 */
export async function holdNamedLock(trx: Transaction<Database>, name: string, now: number): Promise<void> {
  await trx.insertInto('named_locks').values({ name, touched_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ touched_at: now }))
    .execute();
}

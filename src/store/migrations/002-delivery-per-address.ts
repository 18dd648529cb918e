import type { Kysely } from 'kysely';

/**
 * One delivery per address, channel and broadcast: an address shared by two contacts (a shared
 * support inbox, a family phone) gets the update once. Publishing inserts with ON CONFLICT DO
 * NOTHING against this index. It also serves the per-broadcast queries, so the older index goes.
 */
export const deliveryPerAddress = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('deliveries_by_broadcast').execute();
    await db.schema.createIndex('deliveries_one_per_address').on('deliveries').columns(['broadcast_id', 'channel', 'address']).unique().execute();
  },
};

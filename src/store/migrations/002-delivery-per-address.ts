import { sql, type Kysely } from 'kysely';

/**
 * One delivery per address, channel and broadcast: an address shared by two contacts (a shared
 * support inbox, a family phone) gets the update once. Publishing inserts with ON CONFLICT DO
 * NOTHING against this index. It also serves the per-broadcast queries, so the older index goes.
 */
export const deliveryPerAddress = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('deliveries_by_broadcast').execute();
    await db.schema.createIndex('deliveries_one_per_address').on('deliveries').columns(['broadcast_id', 'channel', 'address']).unique().execute();
    // Receipts look deliveries up by the provider's id, which only accepted ones have; a partial
    // index costs nothing when publishing.
    await db.schema.dropIndex('deliveries_by_provider_message').execute();
    await db.schema.createIndex('deliveries_by_provider_message').on('deliveries').column('provider_message_id').where(sql.ref('provider_message_id'), 'is not', null).execute();
  },
};

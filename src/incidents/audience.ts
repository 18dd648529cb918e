import { sql, type Transaction } from 'kysely';
import type { Channel } from '../channels/provider';
import type { NewDelivery } from '../delivery/delivery.repository';
import type { Database } from '../store/schema';
import { ADDRESS_CHANNEL, contactAudienceSql, contactKinds, ownDeliveries, skipReasonSql, type AudienceSpec } from './audience-sql';

export type { AudienceSpec } from './audience-sql';

/**
 * Write one delivery per channel × address that this broadcast reaches, inside the caller's
 * publish transaction. The team is reached on every channel it has; customers and resellers
 * only with confirmed consent, no opt-out and no quarantine: the others are written as skipped
 * with the reason. X and the business's own Slack channels are the public and team posts. An
 * address is written once per channel (the unique index drops repeats), so a shared address
 * hears the update once. previewAudience counts the same rows before publishing.
 */
export async function insertAudienceDeliveries(trx: Transaction<Database>, broadcastId: number, spec: AudienceSpec, now: number): Promise<void> {
  const own = await ownDeliveries(trx, spec);
  if (own.length > 0) {
    const rows: NewDelivery[] = own.map((o) => ({
      broadcast_id: broadcastId, channel: o.channel, contact_id: null, address: o.address, state: o.skipReason ? 'skipped' : 'pending',
      skip_reason: o.skipReason, attempts: 0, next_attempt_at: now, receipt_rank: 0, updated_at: now, created_at: now,
    }));
    await trx.insertInto('deliveries').values(rows).onConflict((oc) => oc.columns(['broadcast_id', 'channel', 'address']).doNothing()).execute();
  }
  const kinds = contactKinds(spec);
  if (kinds.length === 0) return;
  for (const channel of spec.channels) {
    const addressChannel = ADDRESS_CHANNEL[channel];
    if (!addressChannel) continue;
    const excluded = own.filter((o) => o.channel === channel).map((o) => o.address);
    await insertContactDeliveries(trx, { broadcastId, channel, now }, contactAudienceSql({ addressChannel, kinds, components: spec.components, excluded }));
  }
}

/**
 * One set-based INSERT … SELECT per channel: no row passes through JavaScript, so publishing to
 * 100,000 contacts takes one statement and no memory. Parameters are CAST so Postgres knows
 * their types in a SELECT list; SQLite accepts the same casts. `WHERE 1 = 1` keeps SQLite from
 * reading ON CONFLICT as a join constraint.
 */
async function insertContactDeliveries(
  trx: Transaction<Database>,
  q: { broadcastId: number; channel: Channel; now: number },
  audience: ReturnType<typeof contactAudienceSql>,
): Promise<void> {
  await sql`
    INSERT INTO deliveries (broadcast_id, channel, contact_id, address, state, skip_reason, attempts, next_attempt_at, receipt_rank, updated_at, created_at)
    SELECT CAST(${q.broadcastId} AS INTEGER), CAST(${q.channel} AS TEXT), t.contact_id, t.address,
      CASE WHEN t.outcome = 0 THEN 'pending' ELSE 'skipped' END, ${skipReasonSql(sql.ref('t.outcome'))},
      0, CAST(${q.now} AS BIGINT), 0, CAST(${q.now} AS BIGINT), CAST(${q.now} AS BIGINT)
    FROM (${audience}) t
    WHERE 1 = 1
    ON CONFLICT (broadcast_id, channel, address) DO NOTHING`.execute(trx);
}

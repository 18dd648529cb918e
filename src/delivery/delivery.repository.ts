import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Capabilities } from '../store/dialect';
import type { Database, DeliveriesTable, DeliveryState } from '../store/schema';

type Db = Kysely<Database> | Transaction<Database>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;

/** States from which a delivery will never be attempted again. */
export const TERMINAL_STATES: readonly DeliveryState[] = ['sent', 'delivered', 'failed', 'skipped', 'undelivered', 'bounced', 'dropped'];

// Keeps each INSERT well under SQLite's bound-parameter limit.
const INSERT_CHUNK = 500;

export async function insertDeliveries(db: Db, rows: NewDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db.insertInto('deliveries').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  }
}

/**
 * Claim up to `limit` due deliveries of one channel: mark them sending, count the attempt and
 * take a lease until `now + leaseMs`. A claim whose lease runs out (the process died) is
 * returned to pending by `releaseExpiredLeases` and claimed again.
 */
export async function claimDue(
  db: Db,
  caps: Capabilities,
  claim: { channel: string; now: number; leaseMs: number; owner: string; limit: number },
): Promise<DeliveryRow[]> {
  let due = db
    .selectFrom('deliveries')
    .select('id')
    .where('channel', '=', claim.channel)
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', claim.now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(claim.limit);
  if (caps.skipLocked) due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('deliveries')
    .set((eb) => ({
      state: 'sending',
      attempts: eb('attempts', '+', 1),
      lease_until: claim.now + claim.leaseMs,
      lease_owner: claim.owner,
      updated_at: claim.now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Extend the lease of deliveries this worker still holds (claimed, not yet settled), so only a
 * worker that is gone ever loses one: a request slower than the lease is not sent twice.
 */
export async function renewLeases(db: Db, ids: number[], owner: string, leaseUntil: number): Promise<number> {
  let renewed = 0;
  for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
    const result = await db
      .updateTable('deliveries')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
      .where('state', '=', 'sending')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    renewed += Number(result.numUpdatedRows);
  }
  return renewed;
}

/** Deliveries left in sending by a crashed worker become due again at once. */
export async function releaseExpiredLeases(db: Db, channel: string, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ state: 'pending', next_attempt_at: now, lease_owner: null, lease_until: null, updated_at: now })
    .where('channel', '=', channel)
    .where('state', '=', 'sending')
    .where('lease_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Record a provider's accept of these deliveries (one statement for a whole batch, so the accept
 * is durable as soon as possible). It is written even if the lease was lost meanwhile: the
 * message went out, and a sent delivery is never claimed again.
 */
export async function markSent(db: Db, ids: number[], sent: { provider: string; providerMessageId: string | null; now: number }): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({
      state: 'sent', provider: sent.provider, provider_message_id: sent.providerMessageId, sent_at: sent.now,
      updated_at: sent.now, lease_owner: null, lease_until: null, error_code: null,
    })
    .where('id', 'in', ids)
    .where('state', 'in', ['sending', 'pending'])
    .execute();
}

/** Failed attempts: due again at `nextAttemptAt`, unless another worker settled them first. */
export async function markRetry(db: Db, ids: number[], owner: string, retry: { provider: string; code: string | null; error: string; nextAttemptAt: number; now: number }): Promise<void> {
  for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
    await db
      .updateTable('deliveries')
      .set({
        state: 'pending', next_attempt_at: retry.nextAttemptAt, provider: retry.provider, error_code: retry.code,
        last_error: retry.error, updated_at: retry.now, lease_owner: null, lease_until: null,
      })
      .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
      .where('state', '=', 'sending')
      .where('lease_owner', '=', owner)
      .execute();
  }
}

export async function markFailed(db: Db, ids: number[], owner: string, failure: { provider: string; code: string | null; error: string; now: number }): Promise<void> {
  for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
    await db
      .updateTable('deliveries')
      .set({
        state: 'failed', provider: failure.provider, error_code: failure.code, last_error: failure.error,
        updated_at: failure.now, lease_owner: null, lease_until: null,
      })
      .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
      .where('state', '=', 'sending')
      .where('lease_owner', '=', owner)
      .execute();
  }
}

/** The earliest time a pending delivery of this channel becomes due, if any. */
export async function nextDueAt(db: Db, channel: string): Promise<number | null> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('channel', '=', channel)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

export async function countByState(db: Db, where: { broadcastId?: number; channel?: string } = {}): Promise<Record<string, number>> {
  let q = db.selectFrom('deliveries').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state');
  if (where.broadcastId !== undefined) q = q.where('broadcast_id', '=', where.broadcastId);
  if (where.channel !== undefined) q = q.where('channel', '=', where.channel);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/** Deliveries by channel and state, and how many pending ones are due now: the lanes' queue depth. */
export async function laneCounts(db: Db, now: number): Promise<{ byState: { channel: string; state: string; n: number }[]; due: { channel: string; n: number }[] }> {
  const byState = await db.selectFrom('deliveries').select(['channel', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['channel', 'state']).execute();
  const due = await db.selectFrom('deliveries').select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '=', 'pending').where('next_attempt_at', '<=', now).groupBy('channel').execute();
  return { byState: byState.map((r) => ({ ...r, n: Number(r.n) })), due: due.map((r) => ({ ...r, n: Number(r.n) })) };
}

/** A broadcast's deliveries counted by channel and state: what a progress display shows. */
export async function countByChannel(db: Db, broadcastId: number): Promise<Record<string, Record<string, number>>> {
  const rows = await db.selectFrom('deliveries').select(['channel', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('broadcast_id', '=', broadcastId).groupBy(['channel', 'state']).execute();
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.channel] ??= {})[r.state] = Number(r.n);
  return out;
}

/** Deliveries of any broadcast that a lane would work on now: due and pending, or being sent. */
export async function countDueNow(db: Db, now: number): Promise<number> {
  const row = await db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('state', '=', 'sending'), eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)])]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getDelivery(db: Db, id: number): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

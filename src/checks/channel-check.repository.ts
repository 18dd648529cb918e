import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { CheckResult } from './channel-check';

type Db = Kysely<Database> | Transaction<Database>;

/** Keeps the newest result per provider. */
export async function saveCheckResult(db: Db, r: CheckResult): Promise<void> {
  const values = { channel: r.channel, ok: r.ok ? 1 : 0, detail: r.detail, latency_ms: r.latencyMs, checked_at: r.checkedAt };
  await db.insertInto('channel_checks').values({ provider: r.provider, ...values })
    .onConflict((oc) => oc.column('provider').doUpdateSet(values)).execute();
}

export async function listCheckResults(db: Db): Promise<CheckResult[]> {
  const rows = await db.selectFrom('channel_checks').selectAll().where('checked_at', 'is not', null).orderBy('channel').orderBy('provider').execute();
  return rows.map((r) => ({ provider: r.provider, channel: r.channel, ok: r.ok === 1, detail: r.detail, latencyMs: r.latency_ms ?? 0, checkedAt: r.checked_at as number }));
}

/**
 * Claims the provider's periodic check when it is due, as a compare-and-set on due_at: of two
 * instances ticking at once, one moves due_at on and runs the check, the other changes no row
 * and skips it.
 */
export async function claimDueCheck(db: Db, provider: string, channel: string, now: number, intervalMs: number): Promise<boolean> {
  await db.insertInto('channel_checks').values({ provider, channel, due_at: 0 }).onConflict((oc) => oc.column('provider').doNothing()).execute();
  const row = await db.selectFrom('channel_checks').select('due_at').where('provider', '=', provider).executeTakeFirstOrThrow();
  if (row.due_at > now) return false;
  const claimed = await db.updateTable('channel_checks').set({ due_at: now + intervalMs })
    .where('provider', '=', provider).where('due_at', '=', row.due_at).executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** An on-demand run counts as the periodic one: the next is due an interval later. */
export async function postponeCheck(db: Db, provider: string, channel: string, dueAt: number): Promise<void> {
  await db.insertInto('channel_checks').values({ provider, channel, due_at: dueAt })
    .onConflict((oc) => oc.column('provider').doUpdateSet({ due_at: dueAt })).execute();
}

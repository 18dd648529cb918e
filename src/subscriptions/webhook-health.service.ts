import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { Settled } from '../delivery/settle';
import type { Database } from '../store/schema';
import { recordDisableNotice, type NoticeContext } from './webhook-disable-notice';

/** Consecutive failed deliveries, across broadcasts, after which a webhook subscriber is disabled. */
export const WEBHOOK_DISABLE_AFTER = 5;

type Db = Kysely<Database>;

const holders = (db: Db, url: string) => db.selectFrom('addresses').select('id').where('channel', '=', 'webhook').where('address', '=', url);

/**
 * Keeps count of each webhook subscriber's consecutive failed deliveries: a delivery sent resets
 * it, one that ended failed (permanent refusal or retries used up) adds one. At the limit the
 * subscriber is disabled: the conditional UPDATE decides once, even with several instances, and
 * the same transaction skips its queued deliveries and records the notice to the owners.
 */
export async function recordWebhookOutcomes(db: Db, settled: Settled, ctx: Omit<NoticeContext, 'now'>): Promise<number> {
  for (const s of settled.sent) {
    if (s.row.channel !== 'webhook') continue;
    await db.updateTable('subscriptions').set({ webhook_failures: 0 }).where('address_id', 'in', holders(db, s.row.address)).where('webhook_failures', '>', 0).execute();
  }
  let disabled = 0;
  for (const f of settled.failures) {
    if (f.row.channel !== 'webhook') continue;
    await db.updateTable('subscriptions').set((eb) => ({ webhook_failures: eb('webhook_failures', '+', 1) }))
      .where('address_id', 'in', holders(db, f.row.address)).where('disabled_at', 'is', null).execute();
    const due = await db.selectFrom('subscriptions').select(['id', 'contact_email']).where('address_id', 'in', holders(db, f.row.address))
      .where('disabled_at', 'is', null).where('webhook_failures', '>=', WEBHOOK_DISABLE_AFTER).execute();
    for (const sub of due) if (await disable(db, sub, f, ctx)) disabled += 1;
  }
  return disabled;
}

async function disable(db: Db, sub: { id: number; contact_email: string | null }, f: Settled['failures'][number], ctx: Omit<NoticeContext, 'now'>): Promise<boolean> {
  const now = Date.now();
  return db.transaction().execute(async (trx) => {
    const claimed = await trx.updateTable('subscriptions').set({ disabled_at: now, disabled_reason: f.reason })
      .where('id', '=', sub.id).where('disabled_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    await trx.updateTable('deliveries').set({ state: 'skipped', skip_reason: 'disabled', updated_at: now })
      .where('channel', '=', 'webhook').where('address', '=', f.row.address).where('state', '=', 'pending').execute();
    const broadcastId = await recordDisableNotice(trx, { broadcastId: f.row.broadcast_id, url: f.row.address, reason: f.reason, contactEmail: sub.contact_email }, { ...ctx, now });
    await recordAudit(trx, { actor: 'system:webhook-health', action: 'subscription.disabled', subject: `subscription:${sub.id}`, detail: { after: WEBHOOK_DISABLE_AFTER, reason: f.reason, noticeBroadcastId: broadcastId }, at: now });
    return true;
  });
}

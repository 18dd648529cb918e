import type { Kysely } from 'kysely';
import type { RoutedOutcome } from '../channels/failover';
import type { Database } from '../store/schema';
import { markFailed, markRetry, markSent, type DeliveryRow } from './delivery.repository';
import { nextAttemptAt, type RetryPolicy } from './retry-policy';

/** What settling a batch reports back to the lane (for its hooks and stats). */
export interface Settled {
  sent: { row: DeliveryRow; providerId: string; providerMessageId: string | null }[];
  retried: number;
  failed: number;
  optOuts: { channel: string; address: string; reason: string }[];
}

/**
 * Write every outcome of one provider request in one transaction: accepted → sent (at once, so
 * it is never sent again), transient → pending at the policy's next time, permanent → failed
 * with the provider's code and message.
 */
export async function settleBatch(
  db: Kysely<Database>,
  rows: DeliveryRow[],
  outcomes: RoutedOutcome[],
  ctx: { owner: string; policy: RetryPolicy; now: number },
): Promise<Settled> {
  const settled: Settled = { sent: [], retried: 0, failed: 0, optOuts: [] };
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i] as DeliveryRow;
      const routed = outcomes[i];
      if (!routed) continue;
      const { providerId, outcome } = routed;
      if (outcome.ok) {
        const providerMessageId = outcome.providerMessageId ?? null;
        await markSent(trx, row.id, { provider: providerId, providerMessageId, now: ctx.now });
        settled.sent.push({ row, providerId, providerMessageId });
        continue;
      }
      const error = outcome.error;
      const code = error.code ?? null;
      const message = error.message.slice(0, 500);
      const at = nextAttemptAt(row.attempts, error, ctx.now, row.created_at, ctx.policy);
      if (at === null) {
        await markFailed(trx, row.id, ctx.owner, { provider: providerId, code, error: message, now: ctx.now });
        settled.failed += 1;
      } else {
        await markRetry(trx, row.id, ctx.owner, { provider: providerId, code, error: message, nextAttemptAt: at, now: ctx.now });
        settled.retried += 1;
      }
      if (error.optOut) settled.optOuts.push({ channel: row.channel, address: row.address, reason: `${providerId} ${code ?? ''}`.trim() });
    }
  });
  return settled;
}

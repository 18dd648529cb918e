import type { Kysely } from 'kysely';
import type { RoutedOutcome } from '../channels/failover';
import type { DeliveryError } from '../channels/provider';
import type { Database } from '../store/schema';
import { markFailed, markRetry, markSent, type DeliveryRow } from './delivery.repository';
import { nextAttemptAt, type RetryPolicy } from './retry-policy';

/** What settling a batch reports back to the lane (for its hooks and stats). */
export interface Settled {
  sent: { row: DeliveryRow; providerId: string; providerMessageId: string | null }[];
  retried: number;
  failed: number;
  optOuts: { channel: string; address: string; reason: string }[];
  /** Addresses a provider refused for good as the recipient's fault (invalid number, hard bounce). */
  quarantines: { channel: string; address: string; reason: string }[];
  /** Deliveries that ended failed in this batch, with the provider's reason. */
  failures: { row: DeliveryRow; reason: string }[];
}

/**
 * Write every outcome of one provider request in one transaction: accepted → sent (at once, so
 * it is never sent again), transient → pending at the policy's next time, permanent → failed
 * with the provider's code and message. A permanent refusal that is the recipient's fault (the
 * address itself is bad) is reported for quarantine; one that is their wish (STOP) for opt-out.
 */
export async function settleBatch(
  db: Kysely<Database>,
  rows: DeliveryRow[],
  outcomes: RoutedOutcome[],
  ctx: { owner: string; policy: RetryPolicy; now: number },
): Promise<Settled> {
  const settled: Settled = { sent: [], retried: 0, failed: 0, optOuts: [], quarantines: [], failures: [] };
  // Accepts sharing a provider and message id (one SendGrid request) are written in one statement.
  const accepted = new Map<string, { provider: string; providerMessageId: string | null; ids: number[] }>();
  const refused: { row: DeliveryRow; providerId: string; error: DeliveryError }[] = [];
  rows.forEach((row, i) => {
    const routed = outcomes[i];
    if (!routed) return;
    const { providerId, outcome } = routed;
    if (!outcome.ok) {
      refused.push({ row, providerId, error: outcome.error });
      return;
    }
    const providerMessageId = outcome.providerMessageId ?? null;
    const key = `${providerId}\u0000${providerMessageId ?? ''}`;
    const group = accepted.get(key) ?? { provider: providerId, providerMessageId, ids: [] };
    group.ids.push(row.id);
    accepted.set(key, group);
    settled.sent.push({ row, providerId, providerMessageId });
  });
  await db.transaction().execute(async (trx) => {
    for (const group of accepted.values()) await markSent(trx, group.ids, { ...group, now: ctx.now });
    for (const { row, providerId, error } of refused) {
      const code = error.code ?? null;
      const message = error.message.slice(0, 500);
      const at = nextAttemptAt(row.attempts, error, ctx.now, row.created_at, ctx.policy);
      if (at === null) {
        await markFailed(trx, row.id, ctx.owner, { provider: providerId, code, error: message, now: ctx.now });
        settled.failed += 1;
        settled.failures.push({ row, reason: `${providerId} ${code ?? ''}: ${message}`.slice(0, 200) });
        if (error.recipientFault && !error.optOut) {
          settled.quarantines.push({ channel: row.channel, address: row.address, reason: `${providerId} ${code ?? ''}: ${message}`.slice(0, 200) });
        }
      } else {
        await markRetry(trx, row.id, ctx.owner, { provider: providerId, code, error: message, nextAttemptAt: at, now: ctx.now });
        settled.retried += 1;
      }
      if (error.optOut) settled.optOuts.push({ channel: row.channel, address: row.address, reason: `${providerId} ${code ?? ''}`.trim() });
    }
  });
  return settled;
}

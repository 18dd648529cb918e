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
  // Rows refused alike (one failed batch request) are written in one statement each way, and a
  // batch retries together; single-message requests keep their own jitter.
  const retries = new Map<string, { ids: number[]; provider: string; code: string | null; error: string; nextAttemptAt: number }>();
  const failures = new Map<string, { ids: number[]; provider: string; code: string | null; error: string }>();
  const nextAt = new Map<DeliveryError, Map<number, number | null>>();
  for (const { row, providerId, error } of refused) {
    const code = error.code ?? null;
    const message = error.message.slice(0, 500);
    const byAttempts = nextAt.get(error) ?? new Map<number, number | null>();
    nextAt.set(error, byAttempts);
    if (!byAttempts.has(row.attempts)) byAttempts.set(row.attempts, nextAttemptAt(row.attempts, error, ctx.now, row.created_at, ctx.policy));
    const at = byAttempts.get(row.attempts) ?? null;
    const key = [providerId, code ?? '', message, at ?? 'failed'].join('\u0000');
    if (at === null) {
      const group = failures.get(key) ?? { ids: [], provider: providerId, code, error: message };
      group.ids.push(row.id);
      failures.set(key, group);
      settled.failed += 1;
      settled.failures.push({ row, reason: `${providerId} ${code ?? ''}: ${message}`.slice(0, 200) });
      if (error.recipientFault && !error.optOut) {
        settled.quarantines.push({ channel: row.channel, address: row.address, reason: `${providerId} ${code ?? ''}: ${message}`.slice(0, 200) });
      }
    } else {
      const group = retries.get(key) ?? { ids: [], provider: providerId, code, error: message, nextAttemptAt: at };
      group.ids.push(row.id);
      retries.set(key, group);
      settled.retried += 1;
    }
    if (error.optOut) settled.optOuts.push({ channel: row.channel, address: row.address, reason: `${providerId} ${code ?? ''}`.trim() });
  }
  await db.transaction().execute(async (trx) => {
    for (const group of accepted.values()) await markSent(trx, group.ids, { ...group, now: ctx.now });
    for (const { ids, ...failure } of failures.values()) await markFailed(trx, ids, ctx.owner, { ...failure, now: ctx.now });
    for (const { ids, ...retry } of retries.values()) await markRetry(trx, ids, ctx.owner, { ...retry, now: ctx.now });
  });
  return settled;
}

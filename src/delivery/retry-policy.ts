import type { DeliveryError } from '../channels/provider';

/** When a failed attempt is tried again, decided in this one place. */
export interface RetryPolicy {
  maxAttempts: number;
  /** First backoff; doubles each attempt up to maxDelayMs. */
  baseMs: number;
  maxDelayMs: number;
  /** A crisis update older than this is stale: stop retrying it. */
  deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseMs: 2_000,
  maxDelayMs: 5 * 60_000,
  deadlineMs: 6 * 60 * 60_000,
};

/**
 * The time of the next attempt, or null when the delivery should fail now: the error is
 * permanent, the attempts are used up, or the next try would land past the deadline.
 * Backoff is exponential with equal jitter, and never earlier than the provider asked
 * (Retry-After, x-rate-limit-reset).
 */
export function nextAttemptAt(
  attempt: number,
  error: Pick<DeliveryError, 'retryable' | 'retryAfterMs'>,
  now: number,
  createdAt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (!error.retryable || attempt >= policy.maxAttempts) return null;
  const backoff = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  const at = now + Math.ceil(Math.max(jittered, error.retryAfterMs ?? 0));
  return at > createdAt + policy.deadlineMs ? null : at;
}

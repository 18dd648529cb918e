import { DEFAULT_RETRY_POLICY, nextAttemptAt, type RetryPolicy } from '../../../src/delivery/retry-policy';

const policy: RetryPolicy = { maxAttempts: 5, baseMs: 1000, maxDelayMs: 10_000, deadlineMs: 60 * 60_000 };
const transient = { retryable: true };
const now = 1_000_000;

describe('nextAttemptAt', () => {
  it('when the error is permanent, then there is no next attempt', () => {
    expect(nextAttemptAt(1, { retryable: false }, now, now, policy)).toBeNull();
  });

  it('when attempts are used up, then there is no next attempt', () => {
    expect(nextAttemptAt(5, transient, now, now, policy)).toBeNull();
  });

  it('when attempts repeat, then the backoff doubles within equal jitter bounds and caps at maxDelayMs', () => {
    const low = (a: number) => nextAttemptAt(a, transient, now, now, policy, () => 0) as number;
    const high = (a: number) => nextAttemptAt(a, transient, now, now, policy, () => 1) as number;
    expect([1, 2, 3, 4].map((a) => low(a) - now)).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => high(a) - now)).toEqual([1000, 2000, 4000, 8000]);
    const capped = nextAttemptAt(4, transient, now, now, { ...policy, maxDelayMs: 3000 }, () => 1) as number;
    expect(capped - now).toBe(3000);
  });

  it('when the provider asks to wait longer than the backoff (Retry-After), then the wait is honoured', () => {
    expect(nextAttemptAt(1, { retryable: true, retryAfterMs: 30_000 }, now, now, policy, () => 0)).toBe(now + 30_000);
  });

  it('when the next try would land past the deadline, then the delivery fails now', () => {
    const createdAt = now - policy.deadlineMs + 100;
    expect(nextAttemptAt(1, transient, now, createdAt, policy, () => 1)).toBeNull();
  });

  it('when using the defaults, then a crisis update is retried for hours, not days', () => {
    expect(DEFAULT_RETRY_POLICY.deadlineMs).toBeLessThanOrEqual(24 * 60 * 60_000);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(3);
  });
});

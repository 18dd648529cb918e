/**
 * A breaker per provider: after `threshold` consecutive provider-side failures it opens for
 * `cooldownMs`, so a dead platform is skipped (the chain fails over at once) instead of costing
 * every message a timeout. After the cooldown one trial request is let through (half-open).
 */
export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(private readonly options: BreakerOptions, private readonly now: () => number = Date.now) {}

  state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** Milliseconds until a trial is allowed; 0 when a request may go now. */
  waitMs(): number {
    const state = this.state();
    if (state === 'closed') return 0;
    if (state === 'half-open') return this.trialInFlight ? this.options.cooldownMs : 0;
    return this.options.cooldownMs - (this.now() - (this.openedAt as number));
  }

  /** Reserve the right to send; false when the breaker is open or its trial is taken. */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.openedAt !== null || this.failures >= this.options.threshold) this.openedAt = this.now();
  }
}

/**
 * A token bucket for one lane: at most `perSecond` requests a second, with bursts up to
 * `burst`. Each lane owns its own, so a slow platform's pacing never touches another lane.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly perSecond: number | undefined, private readonly burst = perSecond ?? 1, private readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a request may go. */
  async take(): Promise<void> {
    const perSecond = this.perSecond;
    if (perSecond === undefined) return;
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * perSecond);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / perSecond) * 1000)));
    }
  }
}

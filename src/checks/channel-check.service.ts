import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { runCheck, type ChannelCheck, type CheckResult } from './channel-check';
import { claimDueCheck, listCheckResults, postponeCheck, saveCheckResult } from './channel-check.repository';

export const ON_DEMAND_GAP_MS = 30_000;

export interface ChannelChecksOptions {
  /** Each check's own timeout. */
  timeoutMs: number;
  /** How often each provider is checked by the timer (CHANNEL_CHECK_MINUTES). */
  intervalMs: number;
}

/**
 * Runs the providers' credentials checks on demand (the console) and when due (a timer), and
 * keeps the last result of each in the store, where /readyz and the console read it: readiness
 * probes never call a provider. Checks run side by side, each bounded by its own timeout, so
 * one hung provider delays no other's result.
 */
export class ChannelChecks {
  constructor(private readonly db: Kysely<Database>, private readonly checks: readonly ChannelCheck[], private readonly options: ChannelChecksOptions) {}

  /**
   * Every provider, now; but not again within ON_DEMAND_GAP_MS of the last run, which answers
   * instead: a button pressed repeatedly must not spend a provider's rate limit (X allows a few
   * dozen users/me calls per 15 minutes).
   */
  async runAll(now: number = Date.now()): Promise<CheckResult[]> {
    const last = await this.latest();
    if (last.length >= this.checks.length && last.every((r) => r.checkedAt > now - ON_DEMAND_GAP_MS)) return last;
    return Promise.all(this.checks.map(async (check) => {
      await postponeCheck(this.db, check.provider, check.channel, now + this.options.intervalMs);
      return this.runOne(check);
    }));
  }

  /** The providers whose periodic check is due and this instance claimed. */
  async runDue(now: number): Promise<CheckResult[]> {
    const claimed: ChannelCheck[] = [];
    for (const check of this.checks) if (await claimDueCheck(this.db, check.provider, check.channel, now, this.options.intervalMs)) claimed.push(check);
    return Promise.all(claimed.map((check) => this.runOne(check)));
  }

  latest(): Promise<CheckResult[]> {
    return listCheckResults(this.db);
  }

  private async runOne(check: ChannelCheck): Promise<CheckResult> {
    const result = await runCheck(check, this.options.timeoutMs);
    await saveCheckResult(this.db, result);
    return result;
  }
}

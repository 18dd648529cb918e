import type PgBoss from 'pg-boss';
import { ensureQueue } from '../store/pg-boss';
import type { TimerLog, TimerTask, Timers } from './timers';

interface Entry {
  name: string;
  intervalMs: number;
  task: TimerTask;
  ticker?: NodeJS.Timeout;
  worker?: string;
}

/**
 * The clustered adapter: each timer is a pg-boss queue, and each interval is one slot of it.
 * Every instance offers a job in the middle of each slot with `singletonSeconds` = the interval,
 * so pg-boss's unique index on (queue, slot) keeps one job per slot whoever offers first, and
 * the slot is computed from the database's clock, not the instances'. Whichever instance
 * fetches the job runs the task, so a tick fires once per interval per cluster. pg-boss cron is
 * minute-grained, which is why the slots are offered here rather than scheduled there.
 *
 * A tick that dies with its instance is not retried: the next slot comes soon, and the task
 * claims its own work with conditional updates, so a rare double run is harmless too.
 */
export class PgBossTimers implements Timers {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Set<Promise<void>>();
  private started = false;

  constructor(private readonly boss: PgBoss, private readonly log: TimerLog, private readonly now: () => number = Date.now) {}

  every(name: string, intervalMs: number, task: TimerTask): void {
    if (this.entries.has(name)) throw new Error(`timer ${name} is already registered`);
    // Slots are whole seconds (pg-boss's singletonSeconds).
    const entry: Entry = { name, intervalMs: Math.max(1, Math.round(intervalMs / 1000)) * 1000, task };
    this.entries.set(name, entry);
    if (this.started) this.begin(entry).catch((err: unknown) => this.log.error({ err, timer: name }, 'starting a timer failed'));
  }

  async start(): Promise<void> {
    this.started = true;
    for (const entry of this.entries.values()) await this.begin(entry);
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.ticker);
      if (entry.worker) await this.boss.offWork({ id: entry.worker });
      entry.worker = undefined;
    }
    await Promise.allSettled([...this.running]);
  }

  private async begin(entry: Entry): Promise<void> {
    const queue = timerQueue(entry.name);
    await ensureQueue(this.boss, { name: queue, retryLimit: 0, expireInSeconds: Math.max(60, (entry.intervalMs / 1000) * 2), retentionMinutes: 60 });
    entry.worker = await this.boss.work(queue, { pollingIntervalSeconds: 0.5, batchSize: 1 }, () => this.run(entry));
    this.offerNext(entry);
  }

  /** Offer the job of the slot after this one, half a slot in, so clock skew below that is harmless. */
  private offerNext(entry: Entry): void {
    const now = this.now();
    const slotStart = Math.floor(now / entry.intervalMs) * entry.intervalMs;
    const mid = slotStart + entry.intervalMs / 2;
    const wait = mid > now ? mid - now : mid + entry.intervalMs - now;
    entry.ticker = setTimeout(() => {
      if (!this.started) return;
      this.track(this.boss.sendThrottled(timerQueue(entry.name), {}, {}, entry.intervalMs / 1000, entry.name)
        .then(() => undefined, (err: unknown) => this.log.error({ err, timer: entry.name }, 'offering a timer tick failed; the next slot offers again'))
        .finally(() => { if (this.started) this.offerNext(entry); }));
    }, wait);
  }

  private async run(entry: Entry): Promise<void> {
    await this.track(entry.task(this.now())
      .catch((err: unknown) => this.log.error({ err, timer: entry.name }, 'timer task failed; it runs again at the next tick')));
  }

  /** Offers and runs in flight, which stop() waits for before pg-boss closes its pool. */
  private async track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  }
}

export function timerQueue(name: string): string {
  return `crier-timer-${name.replace(/[^\w-]/g, '-')}`;
}

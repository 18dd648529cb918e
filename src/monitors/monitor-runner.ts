import type { Kysely } from 'kysely';
import { CHANNELS } from '../channels/provider';
import type { PublishContext } from '../incidents/publish.service';
import { HISTORY_DAYS } from '../status/snapshot';
import type { Database } from '../store/schema';
import { checkUrl } from './http-check';
import type { Monitor } from './monitor';
import { claimCheck, dueMonitors, moveState, pruneChecks, recordCheck } from './monitor.repository';
import { markRecovered, openOutage, sendFirstNotice } from './outage.service';

export interface MonitorRunnerDeps {
  db: Kysely<Database>;
  publishContext(actor: string, now: number): PublishContext;
  /** Wakes the lanes after a commit that wrote deliveries. */
  published(channels: string[]): void;
  log: { warn(obj: object, msg: string): void };
}

const BATCH = 4;
// An automatic first notice goes out on every channel its script offers.
const WAKE: string[] = [...CHANNELS];

/**
 * Runs the checks that are due, on the `monitor-checks` timer. Each check is claimed by moving
 * the monitor's next-check time with a conditional update, so across instances a monitor is
 * checked once per interval; its result, the failure count and any move to down or up are
 * committed together.
 */
export class MonitorRunner {
  constructor(private readonly deps: MonitorRunnerDeps) {}

  async runDue(now: number): Promise<number> {
    const due = await dueMonitors(this.deps.db, now, 50);
    let ran = 0;
    // A few at a time: one slow site must not hold the others back by a whole timeout each.
    for (let i = 0; i < due.length; i += BATCH) {
      const done = await Promise.all(due.slice(i, i + BATCH).map((m) => this.runOne(m, now).catch((err: unknown) => {
        // One monitor's trouble (deleted mid-check, a store hiccup) must not skip the others; it is due again next interval.
        this.deps.log.warn({ err, monitor: m.id }, 'monitor check not recorded');
        return false;
      })));
      ran += done.filter(Boolean).length;
    }
    if (due.length > 0) await pruneChecks(this.deps.db, now - (HISTORY_DAYS + 1) * 86_400_000);
    return ran;
  }

  private async runOne(monitor: Monitor, now: number): Promise<boolean> {
    if (!(await claimCheck(this.deps.db, monitor.id, monitor.nextCheckAt, now + monitor.intervalSeconds * 1000))) return false;
    const result = await checkUrl(monitor.url, { timeoutMs: monitor.timeoutMs, expectedStatus: monitor.expectedStatus });
    const ctx = this.deps.publishContext(`monitor:${monitor.id}`, now);
    const moved = await this.deps.db.transaction().execute(async (trx) => {
      const failures = await recordCheck(trx, monitor.id, result, now);
      if (result.ok) {
        const recovered = await moveState(trx, monitor.id, 'up', 'down');
        if (recovered) await markRecovered(trx, monitor, ctx);
        else await moveState(trx, monitor.id, 'up');
        return { recovered };
      }
      if (failures < monitor.failuresToDown || !(await moveState(trx, monitor.id, 'down'))) return {};
      return { opened: await openOutage(trx, monitor, ctx) };
    });
    const opened = moved.opened;
    if (opened || moved.recovered) this.deps.published(WAKE);
    if (opened && monitor.autoNotice) {
      // The draft is committed first: if this send is refused, the draft and the reason stay on the console.
      await sendFirstNotice(this.deps.db, opened.outageId, ctx).then(
        (r) => this.deps.published(r.deliveries.map((d) => d.channel)),
        (err: unknown) => this.deps.log.warn({ err, monitor: monitor.id }, 'first notice not sent automatically; the draft waits on the console'),
      );
    }
    return true;
  }
}

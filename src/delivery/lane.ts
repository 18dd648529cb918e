import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { FailoverChain } from '../channels/failover';
import type { Channel, OutboundMessage } from '../channels/provider';
import type { Store } from '../store/dialect';
import { claimDue, markFailed, nextDueAt, releaseExpiredLeases, renewLeases, type DeliveryRow } from './delivery.repository';
import type { RateLimiter } from './rate-limiter';
import type { RetryPolicy } from './retry-policy';
import { settleBatch, type Settled } from './settle';
import { Slots } from './slots';

/** Turns claimed rows into the messages the providers get (same order, same length). */
export interface MessageSource {
  build(rows: DeliveryRow[]): Promise<OutboundMessage[]>;
}

export interface LaneHooks {
  /** After a batch is settled: mirror opt-outs, thread X posts, count. */
  afterSettle?(settled: Settled): Promise<void>;
}

export interface LaneOptions {
  channel: Channel;
  store: Store;
  chain: FailoverChain;
  source: MessageSource;
  concurrency: number;
  limiter: RateLimiter;
  policy: RetryPolicy;
  leaseMs: number;
  /** Longest idle sleep between checks for due work (wake() cuts it short). */
  idleMs?: number;
  hooks?: LaneHooks;
  logger: Logger;
  now?: () => number;
}

export interface LaneStats {
  requests: number;
  sent: number;
  retried: number;
  failed: number;
  firstRequestAt: number | null;
  lastSettledAt: number | null;
}

/**
 * One channel's worker: claim due deliveries with a lease, send them through the channel's
 * provider chain with its own concurrency and rate limit, settle each outcome. Nothing here is
 * shared with another lane, so a hung or throttled platform slows only its own lane.
 */
export class Lane {
  readonly stats: LaneStats = { requests: 0, sent: 0, retried: 0, failed: 0, firstRequestAt: null, lastSettledAt: null };
  private readonly slots: Slots;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed and not yet settled: their leases are renewed until they are. */
  private readonly held = new Set<number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private renewing = false;
  private readonly owner = crypto.randomUUID();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly now: () => number;

  constructor(private readonly o: LaneOptions) {
    this.slots = new Slots(o.concurrency);
    this.now = o.now ?? Date.now;
  }

  get channel(): Channel {
    return this.o.channel;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    // Renew three times per lease, so a stalled event loop of up to two thirds of it costs nothing.
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.o.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Stop claiming, then wait for every request in flight to settle. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** New work was published: look now instead of at the next idle check. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      await renewLeases(this.o.store.db, [...this.held], this.owner, this.now() + this.o.leaseMs);
    } catch (err) {
      this.o.logger.warn({ err, channel: this.o.channel }, 'renewing leases failed; trying again at the next beat');
    } finally {
      this.renewing = false;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const claimed = await this.claim();
        if (claimed === 0) await this.sleep(await this.idleFor());
      } catch (err) {
        this.o.logger.error({ err, channel: this.o.channel }, 'lane loop error; retrying shortly');
        await this.sleep(1000);
      }
    }
  }

  private async claim(): Promise<number> {
    const { store, chain, channel, leaseMs } = this.o;
    this.woken = false;
    // Every provider's breaker is open: claiming now would only reschedule deliveries and spend
    // CPU and store time the other lanes need. Wait for the breaker to allow a trial.
    const blocked = chain.waitMs();
    if (blocked > 0) {
      await this.sleep(blocked);
      return 1;
    }
    await this.slots.acquire();
    const now = this.now();
    await releaseExpiredLeases(store.db, channel, now);
    // Batched providers take one batch per claim, so a 1,000-row claim never holds the store
    // while other lanes wait to start; single-message providers fill every free slot at once.
    const limit = chain.maxBatch > 1 ? chain.maxBatch : this.slots.free + 1;
    const rows = await claimDue(store.db, store.caps, { channel, now, leaseMs, owner: this.owner, limit });
    if (rows.length === 0) {
      this.slots.release();
      return 0;
    }
    for (const row of rows) this.held.add(row.id);
    const batches = groupBatches(rows, chain.maxBatch);
    let i = 0;
    try {
      for (; i < batches.length; i += 1) {
        if (i > 0) await this.slots.acquire();
        await this.o.limiter.take();
        this.dispatch(batches[i] as DeliveryRow[]);
      }
    } finally {
      // Batches that never went out are let go: their leases run out and they are claimed again.
      for (const batch of batches.slice(i)) for (const row of batch) this.held.delete(row.id);
    }
    return rows.length;
  }

  private dispatch(rows: DeliveryRow[]): void {
    const task = this.send(rows)
      .catch((err) => this.o.logger.error({ err, channel: this.o.channel }, 'settling a batch failed; its lease will expire and it will be retried'))
      .finally(() => {
        for (const row of rows) this.held.delete(row.id);
        this.slots.release();
        this.inFlight.delete(task);
        this.wake();
      });
    this.inFlight.add(task);
  }

  private async send(rows: DeliveryRow[]): Promise<void> {
    const { store, chain, source, policy, hooks } = this.o;
    let messages: OutboundMessage[];
    try {
      messages = await source.build(rows);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await markFailed(store.db, rows.map((r) => r.id), this.owner, { provider: 'render', code: 'render', error, now: this.now() });
      return;
    }
    this.stats.firstRequestAt ??= this.now();
    // One provider request carries one content: a broadcast's messages differ only where the
    // recipient's version does (a reseller's email), so each content goes out on its own.
    const groups = new Map<string, number[]>();
    messages.forEach((m, i) => groups.set(m.contentKey, [...(groups.get(m.contentKey) ?? []), i]));
    const outcomes: Awaited<ReturnType<typeof chain.send>> = new Array(messages.length);
    for (const indexes of groups.values()) {
      this.stats.requests += 1;
      const sent = await chain.send(indexes.map((i) => messages[i] as OutboundMessage));
      indexes.forEach((i, k) => { outcomes[i] = sent[k] as (typeof outcomes)[number]; });
    }
    const settled = await settleBatch(store.db, rows, outcomes, { owner: this.owner, policy, now: this.now() });
    this.stats.sent += settled.sent.length;
    this.stats.retried += settled.retried;
    this.stats.failed += settled.failed;
    this.stats.lastSettledAt = this.now();
    await hooks?.afterSettle?.(settled);
  }

  private async idleFor(): Promise<number> {
    const idle = this.o.idleMs ?? 1000;
    const due = await nextDueAt(this.o.store.db, this.o.channel);
    return due === null ? idle : Math.max(0, Math.min(idle, due - this.now()));
  }

  private async sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
  }
}

/** Batches of up to maxBatch rows that share one update (and so one rendered content). */
function groupBatches(rows: DeliveryRow[], maxBatch: number): DeliveryRow[][] {
  const byBroadcast = new Map<number, DeliveryRow[]>();
  for (const row of rows) {
    const list = byBroadcast.get(row.broadcast_id) ?? [];
    list.push(row);
    byBroadcast.set(row.broadcast_id, list);
  }
  const batches: DeliveryRow[][] = [];
  for (const list of byBroadcast.values()) {
    for (let i = 0; i < list.length; i += maxBatch) batches.push(list.slice(i, i + maxBatch));
  }
  return batches;
}

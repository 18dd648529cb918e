import type { Logger } from 'pino';
import type { FailoverChain } from '../channels/failover';
import type { Channel } from '../channels/provider';
import type { Store } from '../store/dialect';
import { Lane, type LaneHooks, type MessageSource } from './lane';
import { RateLimiter } from './rate-limiter';
import type { RetryPolicy } from './retry-policy';

export interface LaneConfig {
  chain: FailoverChain;
  concurrency: number;
  /** Requests per second; absent means only the concurrency bounds the lane. */
  ratePerSecond?: number;
}

export interface DispatcherOptions {
  store: Store;
  lanes: Partial<Record<Channel, LaneConfig>>;
  source: MessageSource;
  policy: RetryPolicy;
  leaseMs: number;
  idleMs?: number;
  hooks?: LaneHooks;
  logger: Logger;
}

/**
 * Owns one lane per configured channel. It only starts, stops and wakes them: lanes never
 * wait on each other, so there is no Promise.all across channels on the sending path.
 */
export class Dispatcher {
  readonly lanes = new Map<Channel, Lane>();

  constructor(private readonly o: DispatcherOptions) {
    for (const [channel, cfg] of Object.entries(o.lanes) as [Channel, LaneConfig][]) {
      this.lanes.set(channel, new Lane({
        channel,
        store: o.store,
        chain: cfg.chain,
        source: o.source,
        concurrency: cfg.concurrency,
        limiter: new RateLimiter(cfg.ratePerSecond),
        policy: o.policy,
        leaseMs: o.leaseMs,
        idleMs: o.idleMs,
        hooks: o.hooks,
        logger: o.logger.child({ lane: channel }),
      }));
    }
  }

  start(): void {
    for (const lane of this.lanes.values()) lane.start();
  }

  /** Stops every lane; each waits for its own requests in flight (bounded by their timeouts). */
  async stop(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.stop()));
  }

  wake(channels: Iterable<string> = this.lanes.keys()): void {
    for (const channel of channels) this.lanes.get(channel as Channel)?.wake();
  }

  /** Each channel's providers and their breaker states, for /readyz and the console. */
  health(): Record<string, { providers: Record<string, string> }> {
    const out: Record<string, { providers: Record<string, string> }> = {};
    for (const [channel, cfg] of Object.entries(this.o.lanes) as [Channel, LaneConfig][]) {
      out[channel] = { providers: Object.fromEntries(cfg.chain.providers.map((p) => [p.id, cfg.chain.breakerState(p.id)])) };
    }
    return out;
  }
}

import pino from 'pino';
import { CHANNELS, type Channel } from '../../src/channels/provider';
import { loadConfig } from '../../src/config';
import type { LaneStats } from '../../src/delivery/lane';
import { publishUpdate } from '../../src/incidents/publish.service';
import { buildCrier, type Crier } from '../../src/main';
import type { Timers } from '../../src/timers/timers';
import { SCRIPT_VARIABLES } from './seed';

/** The channels the benchmark publishes to and reports; the other lanes stay idle. */
export const BENCH_CHANNELS = ['email', 'sms', 'slack', 'x'] as const satisfies readonly Channel[];
export type BenchChannel = (typeof BENCH_CHANNELS)[number];

/**
 * One Crier under measurement, whether it runs in the bench's process (the embedded run) or in a
 * child of its own (each of --instances N): it publishes, and reports its lanes' counters, its
 * peak RSS and the CPU it spent since `mark()`.
 */
export interface InstanceStats {
  lanes: Record<Channel, LaneStats>;
  rssBeforeMb: number;
  peakRssMb: number;
  cpuUs: number;
}

export interface Published {
  t0: number;
  publishMs: number;
  deliveries: { channel: string; pending: number }[];
}

export interface BenchInstance {
  /** Starts counting CPU and RSS from now (just before the publish). */
  mark(): Promise<void>;
  publish(scriptVersionId: number, nextUpdate: string): Promise<Published>;
  stats(): Promise<InstanceStats>;
  stop(): Promise<void>;
}

/**
 * A measured Crier runs no periodic work: the channel checks would ask every fake who its
 * credentials belong to, and those requests would count as sends (an SMS lane of 300
 * deliveries showed 301 requests), and a monitor tick would spend CPU the lanes are measured on.
 */
const NO_TIMERS: Timers = { every: () => undefined, start: async () => undefined, stop: async () => undefined };

export async function startCrier(env: Record<string, string>): Promise<Crier> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: 'b'.repeat(32), ...env });
  const crier = await buildCrier(config, pino({ level: 'silent' }), { announce: () => undefined, timers: NO_TIMERS });
  await crier.start();
  return crier;
}

/** The measuring side of one Crier in this process. */
export class LocalInstance implements BenchInstance {
  private rss = new RssSampler();
  private rssBefore = 0;
  private cpuBefore = process.cpuUsage();

  constructor(readonly crier: Crier) {}

  async mark(): Promise<void> {
    this.rss.stop();
    this.rss = new RssSampler();
    this.rssBefore = this.rss.sample();
    this.cpuBefore = process.cpuUsage();
  }

  async publish(scriptVersionId: number, nextUpdate: string): Promise<Published> {
    const { crier } = this;
    const t0 = Date.now();
    const published = await publishUpdate(crier.store.db, {
      incident: { title: 'Checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId,
      variables: { ...SCRIPT_VARIABLES, next_update: nextUpdate }, audiences: ['customers'], channels: [...BENCH_CHANNELS],
    }, {
      actor: 'bench', brandName: crier.config.BRAND_NAME, statusPageUrl: `${crier.url()}/status`, teamSlackChannels: [], now: t0,
      enqueue: (trx, channels) => crier.queue.enqueue(trx, channels),
    });
    const publishMs = Date.now() - t0;
    crier.dispatcher.wake(BENCH_CHANNELS);
    this.rss.sample();
    return { t0, publishMs, deliveries: published.deliveries };
  }

  async stats(): Promise<InstanceStats> {
    const cpu = process.cpuUsage(this.cpuBefore);
    const lanes = Object.fromEntries(CHANNELS.map((ch) => [ch, { ...(this.crier.dispatcher.lanes.get(ch)?.stats ?? EMPTY) }])) as Record<Channel, LaneStats>;
    return { lanes, rssBeforeMb: mb(this.rssBefore), peakRssMb: mb(Math.max(this.rss.peak, this.rss.sample())), cpuUs: cpu.user + cpu.system };
  }

  async stop(): Promise<void> {
    this.rss.stop();
    await this.crier.stop();
  }
}

const EMPTY: LaneStats = { requests: 0, sent: 0, retried: 0, failed: 0, firstRequestAt: null, lastSettledAt: null };

/** RSS every 25 ms; a synchronous stretch (SQLite) delays a sample, so callers also sample at its edges. */
class RssSampler {
  peak = 0;
  private readonly timer = setInterval(() => this.sample(), 25);

  sample(): number {
    const rss = process.memoryUsage.rss();
    this.peak = Math.max(this.peak, rss);
    return rss;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

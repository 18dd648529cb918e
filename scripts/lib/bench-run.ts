import pino from 'pino';
import type { Channel } from '../../src/channels/provider';
import { loadConfig } from '../../src/config';
import { publishUpdate } from '../../src/incidents/publish.service';
import { buildCrier, type Crier } from '../../src/main';
import type { FakeHost } from './bench-fakes';
import type { BenchStore } from './bench-store';
import { SCRIPT_VARIABLES } from './seed';

/** The channels the benchmark measures (its report's shape); the later social and Teams lanes idle. */
export const BENCH_CHANNELS = ['email', 'sms', 'slack', 'x'] as const satisfies readonly Channel[];
export type BenchChannel = (typeof BENCH_CHANNELS)[number];

/**
 * One measured broadcast: Crier built in this process with every fake configured as a live
 * provider (as the crash test's child is), one update published to every recipient on every
 * channel, and the lanes watched until the channels in `waitFor` are done.
 */
export interface LaneResult {
  /** Deliveries the provider accepted. */
  deliveries: number;
  /** Requests the provider's fake received. */
  requests: number;
  /** Requests the lane counted (its own stats), to compare with the fake's count. */
  laneRequests: number;
  failed: number;
  /** Attempts that failed and were rescheduled. */
  retried: number;
  /** From just before publishUpdate to the lane's last settle. */
  seconds: number;
  perSecond: number;
  done: boolean;
}

export interface RunResult {
  publishMs: number;
  firstRequestMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  cpuUs: number;
  deliveries: number;
  lanes: Record<BenchChannel, LaneResult>;
  timedOut: boolean;
}

export interface RunOptions {
  fakes: FakeHost;
  store: BenchStore;
  /** Config on top of the live-provider settings (lane concurrency, timeouts). */
  env: Record<string, string>;
  hangSms: boolean;
  /** The channels whose completion ends the measurement. */
  waitFor: readonly Channel[];
  timeoutMs: number;
  /** Varies the text per run: the X fake, like X, refuses a post identical to an earlier one. */
  nextUpdate: string;
}

export function liveProviderEnv(fakes: FakeHost): Record<string, string> {
  const { urls, twilio } = fakes.ready;
  return {
    SENDGRID_API_URL: urls.sendgrid, SENDGRID_API_KEY: 'SG.bench', SMTP_URL: urls.smtp,
    TWILIO_API_URL: urls.twilio, TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_FROM: '+15005550006',
    SLACK_API_URL: urls.slack, SLACK_BOT_TOKEN: 'xoxb-bench',
    X_API_URL: urls.x, X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 's',
    // Not measured and never sent to; set as live so the measured process starts no sandbox.
    MASTODON_URL: urls.x, MASTODON_ACCESS_TOKEN: 'bench', BLUESKY_SERVICE: urls.x, BLUESKY_IDENTIFIER: 'bench', BLUESKY_APP_PASSWORD: 'bench', TEAMS_WEBHOOKS_LIVE: 'true',
  };
}

export async function runBroadcast(o: RunOptions): Promise<RunResult> {
  const config = loadConfig({
    HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: 'b'.repeat(32), DATABASE_URL: o.store.databaseUrl,
    ...liveProviderEnv(o.fakes), ...o.env,
  });
  const crier = await buildCrier(config, pino({ level: 'silent' }), { announce: () => undefined });
  let stopped = false;
  try {
    await crier.start();
    if (o.hangSms) await o.fakes.hangSms();
    await o.fakes.clear();
    // Let the lanes finish their first (empty) claim and go idle, as a waiting server's would.
    await sleep(250);
    const result = await measure(crier, o);
    await crier.stop();
    stopped = true;
    return result;
  } finally {
    if (!stopped) await crier.stop();
    if (o.hangSms) await o.fakes.unhangSms();
  }
}

async function measure(crier: Crier, o: RunOptions): Promise<RunResult> {
  const rss = new RssSampler();
  const rssBefore = rss.sample();
  const cpuBefore = process.cpuUsage();
  const t0 = Date.now();
  const published = await publishUpdate(crier.store.db, {
    incident: { title: 'Checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId: o.store.scriptVersionId,
    variables: { ...SCRIPT_VARIABLES, next_update: o.nextUpdate }, audiences: ['customers'], channels: [...BENCH_CHANNELS],
  }, { actor: 'bench', brandName: crier.config.BRAND_NAME, statusPageUrl: `${crier.url()}/status`, teamSlackChannels: [], now: t0 });
  const publishMs = Date.now() - t0;
  crier.dispatcher.wake(BENCH_CHANNELS);
  rss.sample();

  const lane = (ch: Channel) => crier.dispatcher.lanes.get(ch)?.stats;
  const expected = (ch: Channel) => published.deliveries.find((d) => d.channel === ch)?.pending ?? 0;
  const isDone = (ch: Channel) => (lane(ch)?.sent ?? 0) + (lane(ch)?.failed ?? 0) >= expected(ch);
  const finished = await until(() => o.waitFor.every(isDone), o.timeoutMs);
  const cpu = process.cpuUsage(cpuBefore);
  rss.stop();
  const counts = await o.fakes.counts();

  const requests: Record<BenchChannel, number> = { email: counts.sendgrid + counts.smtp, sms: counts.twilio, slack: counts.slack, x: counts.x };
  const lanes = Object.fromEntries(BENCH_CHANNELS.map((ch) => {
    const stats = lane(ch);
    const seconds = stats?.lastSettledAt ? (stats.lastSettledAt - t0) / 1000 : 0;
    const deliveries = stats?.sent ?? 0;
    return [ch, {
      deliveries, requests: requests[ch], laneRequests: stats?.requests ?? 0, failed: stats?.failed ?? 0, retried: stats?.retried ?? 0,
      seconds, perSecond: seconds > 0 ? deliveries / seconds : 0, done: isDone(ch),
    }];
  })) as Record<BenchChannel, LaneResult>;
  const firstAt = Math.min(...BENCH_CHANNELS.map((ch) => lane(ch)?.firstRequestAt ?? Infinity));
  const deliveries = BENCH_CHANNELS.reduce((n, ch) => n + lanes[ch].deliveries, 0);
  return {
    publishMs, firstRequestMs: firstAt - t0, rssBeforeMb: mb(rssBefore), peakRssMb: mb(rss.peak),
    cpuUs: cpu.user + cpu.system, deliveries, lanes, timedOut: !finished,
  };
}

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

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

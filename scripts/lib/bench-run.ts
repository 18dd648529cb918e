import type { Channel } from '../../src/channels/provider';
import { ChildInstance } from './bench-cluster';
import type { FakeHost } from './bench-fakes';
import { BENCH_CHANNELS, LocalInstance, startCrier, type BenchChannel, type BenchInstance, type InstanceStats } from './bench-instance';
import type { BenchStore } from './bench-store';

export { BENCH_CHANNELS, type BenchChannel };

/**
 * One measured broadcast: Crier built in this process (or N Criers, each in a child process, on
 * one Postgres) with every fake configured as a live provider (as the crash test's child is), one
 * update published to every recipient on every channel, and the lanes watched until the channels
 * in `waitFor` are done.
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
  /** 1: Crier in this process (the embedded run); more: each in a child process of its own. */
  instances: number;
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
  const env = { DATABASE_URL: o.store.databaseUrl, ...liveProviderEnv(o.fakes), ...o.env };
  const instances: BenchInstance[] = [];
  try {
    if (o.instances === 1) instances.push(new LocalInstance(await startCrier(env)));
    else instances.push(...await Promise.all(Array.from({ length: o.instances }, () => ChildInstance.start(env))));
    if (o.hangSms) await o.fakes.hangSms();
    await o.fakes.clear();
    // Let the lanes finish their first (empty) claim and go idle, as a waiting server's would.
    await sleep(250);
    return await measure(instances, o);
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    if (o.hangSms) await o.fakes.unhangSms();
  }
}

/**
 * The first instance publishes; every instance's lanes count. Across instances, a lane's
 * deliveries and requests add up, its time runs to the last settle anywhere, CPU adds up and
 * RSS is the largest instance's (each would be a host of its own).
 */
async function measure(instances: BenchInstance[], o: RunOptions): Promise<RunResult> {
  await Promise.all(instances.map((i) => i.mark()));
  const published = await (instances[0] as BenchInstance).publish(o.store.scriptVersionId, o.nextUpdate);
  const { t0 } = published;
  let stats: InstanceStats[] = [];
  const total = (ch: Channel, key: 'sent' | 'failed' | 'retried' | 'requests') => stats.reduce((n, s) => n + s.lanes[ch][key], 0);
  const expected = (ch: Channel) => published.deliveries.find((d) => d.channel === ch)?.pending ?? 0;
  const isDone = (ch: Channel) => total(ch, 'sent') + total(ch, 'failed') >= expected(ch);
  const finished = await until(async () => {
    stats = await Promise.all(instances.map((i) => i.stats()));
    return o.waitFor.every(isDone);
  }, o.timeoutMs);
  const counts = await o.fakes.counts();

  const requests: Record<BenchChannel, number> = { email: counts.sendgrid + counts.smtp, sms: counts.twilio, slack: counts.slack, x: counts.x };
  const times = (ch: Channel, key: 'firstRequestAt' | 'lastSettledAt') => stats.map((s) => s.lanes[ch][key]).filter((t): t is number => t !== null);
  const lanes = Object.fromEntries(BENCH_CHANNELS.map((ch) => {
    const last = times(ch, 'lastSettledAt');
    const seconds = last.length > 0 ? (Math.max(...last) - t0) / 1000 : 0;
    const deliveries = total(ch, 'sent');
    return [ch, {
      deliveries, requests: requests[ch], laneRequests: total(ch, 'requests'), failed: total(ch, 'failed'), retried: total(ch, 'retried'),
      seconds, perSecond: seconds > 0 ? deliveries / seconds : 0, done: isDone(ch),
    }];
  })) as Record<BenchChannel, LaneResult>;
  const firstAt = Math.min(...BENCH_CHANNELS.flatMap((ch) => times(ch, 'firstRequestAt')));
  const deliveries = BENCH_CHANNELS.reduce((n, ch) => n + lanes[ch].deliveries, 0);
  return {
    publishMs: published.publishMs, firstRequestMs: firstAt - t0,
    rssBeforeMb: Math.max(...stats.map((s) => s.rssBeforeMb)), peakRssMb: Math.max(...stats.map((s) => s.peakRssMb)),
    cpuUs: stats.reduce((n, s) => n + s.cpuUs, 0), deliveries, lanes, timedOut: !finished,
  };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

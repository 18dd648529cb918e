import type { SmsLimit } from './bench-limit';
import { BENCH_CHANNELS, type BenchChannel, type RunResult } from './bench-run';

/**
 * The bench's result as one JSON object (the D6 fields, then extras) and as a table with each
 * target marked met or not met.
 */
export interface BenchSetup {
  recipients: number;
  latencyMs: number;
  store: string;
  instances: number;
  smsConcurrency: number;
  hungTimeoutMs: number;
  warmupRecipients: number;
}

const OTHERS = ['email', 'slack', 'x'] as const;

export function benchReport(setup: BenchSetup, baseline: RunResult, limit: SmsLimit, hung: RunResult): BenchReport {
  const measured = measuredFields(setup, baseline, limit, hung);
  return { ...measured, targets: targets(measured) };
}

type Measured = ReturnType<typeof measuredFields>;
export type BenchReport = Measured & { targets: Target[] };

function measuredFields(setup: BenchSetup, baseline: RunResult, limit: SmsLimit, hung: RunResult) {
  const ratios = Object.fromEntries(OTHERS.map((ch) => [ch, round(hung.lanes[ch].seconds / baseline.lanes[ch].seconds, 3)])) as Record<(typeof OTHERS)[number], number>;
  return {
    recipients: setup.recipients,
    firstRequestMs: baseline.firstRequestMs,
    peakRssMb: round(baseline.peakRssMb, 1),
    cpuUsPerDelivery: round(baseline.cpuUs / baseline.deliveries, 1),
    lanes: Object.fromEntries(BENCH_CHANNELS.map((ch) => {
      const l = baseline.lanes[ch];
      return [ch, { deliveries: l.deliveries, requests: l.requests, seconds: round(l.seconds, 3), perSecond: round(l.perSecond, 1), laneRequests: l.laneRequests, failed: l.failed, retried: l.retried }];
    })) as Record<BenchChannel, { deliveries: number; requests: number; seconds: number; perSecond: number; laneRequests: number; failed: number; retried: number }>,
    limit: { sms: { perSecond: round(limit.perSecond, 1), seconds: round(limit.seconds, 3), requests: limit.requests, concurrency: limit.concurrency } },
    isolation: {
      hungLane: 'sms' as const,
      othersSecondsRatio: Math.max(...Object.values(ratios)),
      ratios,
      seconds: Object.fromEntries(OTHERS.map((ch) => [ch, round(hung.lanes[ch].seconds, 3)])),
      // What the hung lane did meanwhile: requests that reached the fake, deliveries given up or rescheduled.
      sms: { requests: hung.lanes.sms.requests, failed: hung.lanes.sms.failed, retried: hung.lanes.sms.retried },
      providerTimeoutMs: setup.hungTimeoutMs,
      publishMs: hung.publishMs,
    },
    publishMs: baseline.publishMs,
    rssBeforeMb: round(baseline.rssBeforeMb, 1),
    latencyMs: setup.latencyMs,
    store: setup.store,
    instances: setup.instances,
    smsConcurrency: setup.smsConcurrency,
    warmupRecipients: setup.warmupRecipients,
    complete: !baseline.timedOut && !hung.timedOut,
  };
}

interface Target {
  name: string;
  value: number;
  goal: string;
  met: boolean;
}

function targets(r: Measured): Target[] {
  const emailMax = Math.ceil(r.recipients / 1000);
  const at100k = r.recipients === 100_000 ? '' : ' (set for 100,000)';
  return [
    { name: 'firstRequestMs', value: r.firstRequestMs, goal: '<= 100', met: r.firstRequestMs <= 100 },
    { name: 'sms perSecond', value: r.lanes.sms.perSecond, goal: `>= 0.8 × limit = ${round(0.8 * r.limit.sms.perSecond, 1)}`, met: r.lanes.sms.perSecond >= 0.8 * r.limit.sms.perSecond },
    { name: 'email requests', value: r.lanes.email.requests, goal: `<= ${emailMax} (100 per 100,000)`, met: r.lanes.email.requests <= emailMax },
    { name: 'peakRssMb', value: r.peakRssMb, goal: `<= 300${at100k}`, met: r.peakRssMb <= 300 },
    { name: 'othersSecondsRatio', value: r.isolation.othersSecondsRatio, goal: '<= 1.1', met: r.isolation.othersSecondsRatio <= 1.1 },
  ];
}

export function formatReport(r: BenchReport): string {
  const n = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const lines = [
    `Crier bench: ${n(r.recipients)} recipients × (email + SMS + Slack webhook) + 1 X post; provider latency ${r.latencyMs} ms; store ${r.store}${r.instances > 1 ? `, ${r.instances} instances` : ''}`,
    '',
    `publish (one transaction)     ${n(r.publishMs)} ms`,
    `first provider request        ${n(r.firstRequestMs)} ms after publish began`,
    `RSS before publish / peak     ${n(r.rssBeforeMb, 1)} / ${n(r.peakRssMb, 1)} MB`,
    `CPU per delivery              ${n(r.cpuUsPerDelivery, 1)} µs`,
    '',
    `${'lane'.padEnd(6)}${'deliveries'.padStart(12)}${'requests'.padStart(10)}${'seconds'.padStart(10)}${'per second'.padStart(12)}`,
    ...BENCH_CHANNELS.map((ch) => {
      const l = r.lanes[ch];
      return `${ch.padEnd(6)}${n(l.deliveries).padStart(12)}${n(l.requests).padStart(10)}${n(l.seconds, 3).padStart(10)}${n(l.perSecond, 1).padStart(12)}${l.failed ? `  (${n(l.failed)} failed)` : ''}${l.retried ? `  (${n(l.retried)} retried)` : ''}`;
    }),
    '',
    `SMS limit: a bare SDK loop at concurrency ${r.limit.sms.concurrency} sent ${n(r.limit.sms.requests)} in ${n(r.limit.sms.seconds, 3)} s = ${n(r.limit.sms.perSecond, 1)}/s`,
    `Isolation, SMS hung (timeout ${r.isolation.providerTimeoutMs} ms): lane seconds hung ÷ baseline = ` +
      `email ${r.isolation.ratios.email}, slack ${r.isolation.ratios.slack}, x ${r.isolation.ratios.x} → ${r.isolation.othersSecondsRatio}`,
    `  meanwhile the SMS lane made ${n(r.isolation.sms.requests)} requests; ${n(r.isolation.sms.retried)} attempts rescheduled, ${n(r.isolation.sms.failed)} deliveries failed`,
    ...(r.complete ? [] : ['', 'INCOMPLETE: a run hit its time limit; the figures cover what finished.']),
    '',
    'Targets',
    ...r.targets.map((t) => `  ${(t.met ? 'met' : 'NOT MET').padEnd(9)}${t.name.padEnd(20)}${String(t.value).padStart(10)}   ${t.goal}`),
  ];
  return lines.join('\n');
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

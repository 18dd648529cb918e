import { spawnInRepo } from '../../support/process';

/**
 * [D6] The benchmark as a user runs it, small: it must stop by itself and print one JSON object
 * with every required field. No timing is asserted; machines are too noisy for that.
 */
const RECIPIENTS = 300;
const LANES = ['email', 'sms', 'slack', 'x'] as const;

interface LaneJson {
  deliveries: number;
  requests: number;
  seconds: number;
  perSecond: number;
  /** Attempts that failed for a while and were tried again (a timeout on a loaded machine). */
  retried: number;
}

interface BenchJson {
  recipients: number;
  firstRequestMs: number;
  peakRssMb: number;
  cpuUsPerDelivery: number;
  lanes: Record<(typeof LANES)[number], LaneJson>;
  limit: { sms: { perSecond: number } };
  isolation: { hungLane: string; othersSecondsRatio: number };
  publishMs: number;
  rssBeforeMb: number;
}

/** Runs the bench as a user would and returns the one JSON object it printed. */
async function bench(args: string[], env: Record<string, string> = {}): Promise<BenchJson> {
  const run = spawnInRepo('node', ['--import', 'tsx', 'scripts/bench.ts', '--recipients', String(RECIPIENTS), '--latency-ms', '2', '--json', ...args], env);
  let stdout = '';
  run.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await run.exited;
  expect({ code, output: code === 0 ? '' : run.output() }).toEqual({ code: 0, output: '' });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as BenchJson;
}

/** Every key path of a JSON value, so two reports can be compared field for field. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k)).sort();
}

let embedded: BenchJson | undefined;

describe('[D6] benchmark', () => {
  it('[D6] when the bench runs with --json on a small audience, then it exits by itself and prints one object with every required field', async () => {
    const r = await bench([]);
    embedded = r;
    expect(r.recipients).toBe(RECIPIENTS);
    for (const value of [r.firstRequestMs, r.peakRssMb, r.cpuUsPerDelivery, r.limit.sms.perSecond, r.isolation.othersSecondsRatio, r.publishMs, r.rssBeforeMb]) {
      expect(Number.isFinite(value) && value > 0).toBe(true);
    }
    expect(r.peakRssMb).toBeGreaterThanOrEqual(r.rssBeforeMb);
    for (const lane of LANES) {
      const l = r.lanes[lane];
      expect(l.seconds > 0 && l.perSecond > 0).toBe(true);
      // Both figures are printed rounded (rate to 0.1/s, seconds to 1 ms): allow for that, no more.
      expect(Math.abs(l.perSecond - l.deliveries / l.seconds)).toBeLessThanOrEqual(0.05 + (l.deliveries / l.seconds) * (0.0005 / l.seconds) + 1e-9);
    }
    expect(r.lanes.email).toMatchObject({ deliveries: RECIPIENTS, requests: Math.ceil(RECIPIENTS / 1000) });
    // Every delivery once. A request is repeated only when the lane recorded a retry (a request
    // that timed out on a loaded machine: at-least-once), so every extra request is accounted for.
    for (const lane of [r.lanes.sms, r.lanes.slack]) {
      expect(lane.deliveries).toBe(RECIPIENTS);
      expect(lane.requests).toBeGreaterThanOrEqual(RECIPIENTS);
      expect(lane.requests).toBeLessThanOrEqual(RECIPIENTS + lane.retried);
    }
    expect(r.lanes.x).toMatchObject({ deliveries: 1, requests: 1 });
    expect(r.isolation.hungLane).toBe('sms');
  }, 180_000);

  const pgUrl = process.env.TEST_DATABASE_URL;
  (pgUrl ? it : it.skip)('[X5] when the bench runs with --store postgres --instances 2 --json, then it prints the same figures as the embedded run, every delivery sent once', async () => {
    // Beside the suite's own databases; the bench makes and drops a fresh one next to this URL.
    const r = await bench(['--store', 'postgres', '--instances', '2'], { DATABASE_URL: pgUrl as string });
    embedded ??= await bench([]);
    expect(keyPaths(r)).toEqual(keyPaths(embedded));
    expect(r).toMatchObject({ store: 'postgres', instances: 2, recipients: RECIPIENTS });
    expect(r.lanes.email).toMatchObject({ deliveries: RECIPIENTS });
    // Every delivery once. A request is repeated only when the lane recorded a retry (a request
    // that timed out on a loaded machine: at-least-once), so every extra request is accounted for.
    for (const lane of [r.lanes.sms, r.lanes.slack]) {
      expect(lane.deliveries).toBe(RECIPIENTS);
      expect(lane.requests).toBeGreaterThanOrEqual(RECIPIENTS);
      expect(lane.requests).toBeLessThanOrEqual(RECIPIENTS + lane.retried);
    }
    console.log(`[X5] sms ${r.lanes.sms.requests} requests (${r.lanes.sms.retried} retried), slack ${r.lanes.slack.requests} (${r.lanes.slack.retried} retried) for ${RECIPIENTS} deliveries each`);
    expect(r.lanes.x).toMatchObject({ deliveries: 1, requests: 1 });
    for (const value of [r.firstRequestMs, r.peakRssMb, r.cpuUsPerDelivery, r.limit.sms.perSecond, r.isolation.othersSecondsRatio, r.publishMs]) {
      expect(Number.isFinite(value) && value > 0).toBe(true);
    }
  }, 240_000);
});

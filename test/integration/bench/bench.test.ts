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

describe('[D6] benchmark', () => {
  it('[D6] when the bench runs with --json on a small audience, then it exits by itself and prints one object with every required field', async () => {
    const run = spawnInRepo('node', ['--import', 'tsx', 'scripts/bench.ts', '--recipients', String(RECIPIENTS), '--latency-ms', '2', '--json'], {});
    let stdout = '';
    run.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await run.exited;
    expect({ code, output: code === 0 ? '' : run.output() }).toEqual({ code: 0, output: '' });

    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0] as string) as BenchJson;
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
    expect(r.lanes.sms).toMatchObject({ deliveries: RECIPIENTS, requests: RECIPIENTS });
    expect(r.lanes.slack).toMatchObject({ deliveries: RECIPIENTS, requests: RECIPIENTS });
    expect(r.lanes.x).toMatchObject({ deliveries: 1, requests: 1 });
    expect(r.isolation.hungLane).toBe('sms');
  }, 180_000);
});

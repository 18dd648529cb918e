/**
 * D6: how fast one broadcast leaves, per lane, against the loopback provider fakes.
 *   npm run bench -- [--recipients 10000] [--latency-ms 20] [--store sqlite|postgres] [--instances N] [--json] [--timeout-s N]
 * Three measured phases, all on 127.0.0.1 with the fakes in a child process, after an unmeasured
 * warm-up broadcast (so both broadcasts compared in 3 run on equally warm code):
 *   1. baseline: a fresh store with N customers (email, SMS, Slack webhook each) + the X post;
 *   2. limit: as many SMS as the lane sent, by a bare SDK loop at the lane's concurrency;
 *   3. isolation: the same broadcast on a fresh store with the SMS fake hung.
 * Lane settings come from the environment as in production (LANE_SMS_CONCURRENCY, …).
 * --instances N (Postgres only) runs N Criers, each in a process of its own, on one database; the
 * first publishes and all of them send. Without DATABASE_URL, --store postgres starts a throwaway
 * cluster with scripts/test-postgres.sh and stops it at the end.
 * With --json, stdout carries exactly one JSON object; use `npm run -s bench` or node directly.
 * Exit code 0, or 1 when a run hit its time limit or the bench failed, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { FakeHost } from './lib/bench-fakes';
import { measureSmsLimit } from './lib/bench-limit';
import { benchReport, formatReport } from './lib/bench-report';
import { BENCH_CHANNELS, runBroadcast, type RunOptions, type RunResult } from './lib/bench-run';
import { startThrowawayPostgres } from './lib/bench-postgres';
import { createBenchStore, type StoreKind } from './lib/bench-store';

const HUNG_TIMEOUT_MS = '3000';
const WARMUP_RECIPIENTS = 500;
const PASSED_THROUGH = /^(LANE_|MAX_ATTEMPTS$|LEASE_MS$|PROVIDER_TIMEOUT_MS$|SMS_VALIDITY_SECONDS$)/;

interface Args {
  recipients: number;
  latencyMs: number;
  store: StoreKind;
  instances: number;
  json: boolean;
  timeoutMs: number;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipients: { type: 'string', default: '10000' },
      'latency-ms': { type: 'string', default: '20' },
      store: { type: 'string', default: 'sqlite' },
      instances: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      'timeout-s': { type: 'string' },
    },
  });
  const recipients = Number(values.recipients);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(recipients) || recipients < 1) throw new Error('--recipients must be a positive whole number');
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency-ms must be a number >= 0');
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 8) throw new Error('--instances must be a whole number from 1 to 8');
  if (instances > 1 && values.store !== 'postgres') throw new Error('--instances above 1 needs --store postgres: instances share work through Postgres');
  // Generous: every lane at the defaults finishes far sooner; this only guarantees the bench ends.
  const timeoutS = values['timeout-s'] === undefined ? 120 + recipients / 50 : Number(values['timeout-s']);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new Error('--timeout-s must be a positive number');
  return { recipients, latencyMs, store: values.store, instances, json: values.json, timeoutMs: timeoutS * 1000 };
}

async function main(args: Args): Promise<number> {
  const laneEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => PASSED_THROUGH.test(e[0]) && e[1] !== undefined));
  const config = loadConfig(laneEnv);
  const progress = (text: string) => process.stderr.write(args.json ? '' : `${text}\n`);
  const ownPostgres = args.store === 'postgres' && !process.env.DATABASE_URL ? startThrowawayPostgres() : undefined;
  const postgresUrl = ownPostgres?.url ?? process.env.DATABASE_URL;
  const fakes = await FakeHost.start(args.latencyMs).catch((err: unknown) => {
    ownPostgres?.stop();
    throw err;
  });
  try {
    const run = async (options: Omit<RunOptions, 'fakes' | 'store' | 'timeoutMs' | 'instances'>, recipients = args.recipients): Promise<RunResult> => {
      progress(`seeding ${recipients} recipients into a fresh ${args.store} store…`);
      const store = await createBenchStore(args.store, { recipients, slackWebhookBase: fakes.urls.slack, postgresUrl });
      try {
        progress(options.hangSms ? 'broadcasting with the SMS fake hung…' : `broadcasting to ${recipients}…`);
        return await runBroadcast({ ...options, fakes, store, timeoutMs: args.timeoutMs, instances: args.instances });
      } finally {
        await store.dispose();
      }
    };
    await run({ env: laneEnv, hangSms: false, waitFor: BENCH_CHANNELS, nextUpdate: '14:00 UTC' }, Math.min(WARMUP_RECIPIENTS, args.recipients));
    const baseline = await run({ env: laneEnv, hangSms: false, waitFor: BENCH_CHANNELS, nextUpdate: '14:30 UTC' });
    progress(`SMS limit: ${baseline.lanes.sms.requests} messages by a bare SDK loop…`);
    const limit = await measureSmsLimit(fakes, { messages: baseline.lanes.sms.requests, concurrency: config.LANE_SMS_CONCURRENCY, validitySeconds: config.SMS_VALIDITY_SECONDS });
    const hung = await run({ env: { ...laneEnv, PROVIDER_TIMEOUT_MS: HUNG_TIMEOUT_MS }, hangSms: true, waitFor: ['email', 'slack', 'x'], nextUpdate: '15:00 UTC' });
    const report = benchReport(
      { recipients: args.recipients, latencyMs: args.latencyMs, store: args.store, instances: args.instances, smsConcurrency: config.LANE_SMS_CONCURRENCY,
        hungTimeoutMs: Number(HUNG_TIMEOUT_MS), warmupRecipients: Math.min(WARMUP_RECIPIENTS, args.recipients) },
      baseline, limit, hung,
    );
    console.log(args.json ? JSON.stringify(report) : formatReport(report));
    return report.complete ? 0 : 1;
  } finally {
    await fakes.stop();
    ownPostgres?.stop();
  }
}

let args: Args;
try {
  args = parse(process.argv.slice(2));
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\nUsage: npm run bench -- [--recipients N] [--latency-ms MS] [--store sqlite|postgres] [--instances N] [--json] [--timeout-s S]`);
  process.exit(2);
}
main(args).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);

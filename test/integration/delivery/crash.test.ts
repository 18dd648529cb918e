import { countByState } from '../../../src/delivery/delivery.repository';
import { Sandbox } from '../../../src/channels/sandbox';
import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { slackWebhookPosts } from '../../../src/channels/sandbox/slack.fake';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';
import { freePort, spawnInRepo, waitFor, type Spawned } from '../../support/process';

/**
 * [D3] A real Crier process sending a 2,000-recipient broadcast is killed with SIGKILL midway and
 * started again. Every recipient gets each message at least once; none whose accept was recorded
 * before the kill gets it twice; duplicates are at most what was in flight.
 */
const RECIPIENTS = 2000;
const TOKEN = 'crash-test-token-0123456789';
const CONCURRENCY = { sms: 10, slack: 4, email: 2 };

function childEnv(store: TestStore, sandbox: Sandbox, port: number): Record<string, string> {
  return {
    DATABASE_URL: store.location, PORT: String(port), LOG_LEVEL: 'warn', SECRET_KEY: 's'.repeat(32), API_TOKEN: TOKEN,
    LEASE_MS: '1500', PROVIDER_TIMEOUT_MS: '2000',
    LANE_SMS_CONCURRENCY: String(CONCURRENCY.sms), LANE_SLACK_CONCURRENCY: String(CONCURRENCY.slack), LANE_EMAIL_CONCURRENCY: String(CONCURRENCY.email),
    // The child treats the parent's fakes as live providers.
    SENDGRID_API_URL: sandbox.sendgrid.url, SENDGRID_API_KEY: 'SG.crash', SMTP_URL: sandbox.smtp.url,
    TWILIO_API_URL: sandbox.twilio.url, TWILIO_ACCOUNT_SID: sandbox.twilio.accountSid, TWILIO_AUTH_TOKEN: sandbox.twilio.authToken, TWILIO_FROM: '+15005550006',
    SLACK_API_URL: sandbox.slack.url, SLACK_BOT_TOKEN: 'xoxb-crash',
    X_API_URL: sandbox.x.url, X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 's',
  };
}

async function startChild(env: Record<string, string>): Promise<Spawned> {
  const child = spawnInRepo('node', ['--import', 'tsx', 'src/main.ts'], env);
  const up = await waitFor(async () => (await fetch(`http://127.0.0.1:${env.PORT}/healthz`).catch(() => null))?.status === 200, 15_000, 50);
  if (!up) throw new Error(`child did not start:\n${child.output()}`);
  return child;
}

function counts(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

describe.each(DIALECTS)('[D3] crash and restart on %s', (dialect) => {
  let store: TestStore;
  let sandbox: Sandbox;
  const children: Spawned[] = [];

  beforeAll(async () => {
    store = await openTestStore(dialect);
    // A little provider latency so the kill lands while requests are in flight.
    sandbox = await new Sandbox({ latencyMs: 3 }).start();
  });

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await c.exited;
    }
    await sandbox.stop();
    await store.dispose();
  });

  it('[D3] when the sender is SIGKILLed midway and restarted, then every recipient gets the update at least once and no recorded accept is resent', async () => {
    const audience = await seedCustomers(store.db, RECIPIENTS, { slackWebhooks: true, slackWebhookBase: sandbox.slack.url });
    const scriptVersionId = await seedApprovedScript(store.db);
    const port = await freePort();
    const env = childEnv(store, sandbox, port);
    const first = await startChild(env);
    children.push(first);

    const res = await fetch(`http://127.0.0.1:${port}/api/updates`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ incident: { title: 'Checkout failing' }, status: 'investigating', scriptVersionId, variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms', 'slack', 'x'] }),
    });
    expect(res.status).toBe(201);
    const { broadcastId } = (await res.json()) as { broadcastId: number };

    // Kill once a good part, but not all, of the SMS lane has gone out.
    expect(await waitFor(() => sandbox.twilio.requestCount >= RECIPIENTS * 0.3, 20_000, 5)).toBe(true);
    first.kill('SIGKILL');
    await first.exited;
    const atKill = { sms: sandbox.twilio.requestCount, slack: slackWebhookPosts(sandbox.slack).length };
    const recorded = await store.db.selectFrom('deliveries').select(['channel', 'address']).where('broadcast_id', '=', broadcastId).where('state', '=', 'sent').execute();
    expect(recorded.length).toBeGreaterThan(0);
    expect(atKill.sms).toBeLessThan(RECIPIENTS);

    const second = await startChild({ ...env, PORT: String(await freePort()) });
    children.push(second);
    const done = await waitFor(async () => {
      const s = await countByState(store.db, { broadcastId });
      return !s.pending && !s.sending;
    }, 60_000, 100);
    expect(done).toBe(true);
    expect(await countByState(store.db, { broadcastId })).toEqual({ sent: RECIPIENTS * 3 + 1 });

    const received = {
      sms: counts(sandbox.twilio.messages().map((m) => m.to)),
      email: counts(sendgridRecipients(sandbox.sendgrid).flatMap((r) => r.to)),
      slack: counts(slackWebhookPosts(sandbox.slack).map((p) => p.path)),
    };
    const slackPath = (url: string) => new URL(url).pathname;
    const expected = { sms: audience.sms, email: audience.email, slack: audience.slack.map(slackPath) };
    let duplicates = 0;
    for (const channel of ['sms', 'email', 'slack'] as const) {
      for (const address of expected[channel]) expect(received[channel].get(address) ?? 0).toBeGreaterThanOrEqual(1);
      for (const r of recorded.filter((d) => d.channel === channel)) {
        const key = channel === 'slack' ? slackPath(r.address) : r.address;
        expect({ address: key, times: received[channel].get(key) }).toEqual({ address: key, times: 1 });
      }
      const dup = [...received[channel].values()].filter((n) => n > 1).length;
      duplicates += dup;
      // At most what was in flight when the process died: the lane's requests × their batch size.
      expect(dup).toBeLessThanOrEqual(CONCURRENCY[channel] * (channel === 'email' ? 1000 : 1));
      console.log(`[D3] ${dialect} ${channel}: ${received[channel].size} recipients reached, ${dup} got it twice (lane concurrency ${CONCURRENCY[channel]})`);
    }
    expect(sandbox.x.posts()).toHaveLength(1);
    console.log(`[D3] ${dialect}: killed after ${atKill.sms} SMS requests with ${recorded.length} accepts recorded; duplicates in total: ${duplicates}`);
  }, 120_000);
});

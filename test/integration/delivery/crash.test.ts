import { countByState } from '../../../src/delivery/delivery.repository';
import { Sandbox } from '../../../src/channels/sandbox';
import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { slackWebhookPosts } from '../../../src/channels/sandbox/slack.fake';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';
import { instanceEnv, publishThrough, startInstance, tally } from '../../support/instances';
import { waitFor, type Spawned } from '../../support/process';

/**
 * [D3] A real Crier process sending a 2,000-recipient broadcast is killed with SIGKILL midway and
 * started again. Every recipient gets each message at least once; none whose accept was recorded
 * before the kill gets it twice; duplicates are at most what was in flight.
 */
const RECIPIENTS = 2000;
const CONCURRENCY = { sms: 10, slack: 4, email: 2 };

function childEnv(store: TestStore, sandbox: Sandbox): Record<string, string> {
  return instanceEnv(store.location, sandbox, {
    LEASE_MS: '1500',
    LANE_SMS_CONCURRENCY: String(CONCURRENCY.sms), LANE_SLACK_CONCURRENCY: String(CONCURRENCY.slack), LANE_EMAIL_CONCURRENCY: String(CONCURRENCY.email),
  });
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
    const env = childEnv(store, sandbox);
    const first = await startInstance(env);
    children.push(first);

    const { broadcastId } = await publishThrough(first, {
      incident: { title: 'Checkout failing' }, status: 'investigating', scriptVersionId, variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms', 'slack', 'x'],
    });

    // Kill once a good part, but not all, of the SMS lane has gone out.
    expect(await waitFor(() => sandbox.twilio.requestCount >= RECIPIENTS * 0.3, 20_000, 5)).toBe(true);
    first.kill('SIGKILL');
    await first.exited;
    const atKill = { sms: sandbox.twilio.requestCount, slack: slackWebhookPosts(sandbox.slack).length };
    const recorded = await store.db.selectFrom('deliveries').select(['channel', 'address']).where('broadcast_id', '=', broadcastId).where('state', '=', 'sent').execute();
    expect(recorded.length).toBeGreaterThan(0);
    expect(atKill.sms).toBeLessThan(RECIPIENTS);

    const second = await startInstance(env);
    children.push(second);
    const done = await waitFor(async () => {
      const s = await countByState(store.db, { broadcastId });
      return !s.pending && !s.sending;
    }, 60_000, 100);
    expect(done).toBe(true);
    expect(await countByState(store.db, { broadcastId })).toEqual({ sent: RECIPIENTS * 3 + 1 });

    const received = {
      sms: tally(sandbox.twilio.messages().map((m) => m.to)),
      email: tally(sendgridRecipients(sandbox.sendgrid).flatMap((r) => r.to)),
      slack: tally(slackWebhookPosts(sandbox.slack).map((p) => p.path)),
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

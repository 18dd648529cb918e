import { Sandbox } from '../../../src/channels/sandbox';
import { SENDGRID_SEND_PATH, sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { slackWebhookPosts } from '../../../src/channels/sandbox/slack.fake';
import type { FakeServer } from '../../../src/channels/sandbox/fake-server';
import { countByState } from '../../../src/delivery/delivery.repository';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES, type SeededAudience } from '../../../scripts/lib/seed';
import { instanceEnv, publishThrough, startInstance, tally, type Instance } from '../../support/instances';
import { waitFor } from '../../support/process';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

/**
 * [X1] [X2] Two Crier processes share one Postgres and a 5,000-recipient broadcast. The fakes
 * run here, so what each instance sent is counted where it arrives: each instance has its own
 * SMS sender number and email From address.
 */
const RECIPIENTS = 5000;
const CONCURRENCY = { sms: 10, slack: 4, email: 2 };
const SENDERS = [{ sms: '+15005550001', email: 'a@crier.invalid' }, { sms: '+15005550002', email: 'b@crier.invalid' }] as const;
const describePostgres = DIALECTS.includes('postgres') ? describe : describe.skip;

/** Email recipients per From address, from the SendGrid requests the fake received. */
function emailsByFrom(fake: FakeServer): Map<string, number> {
  const out = new Map<string, number>();
  for (const req of fake.received.filter((r) => r.method === 'POST' && r.path === SENDGRID_SEND_PATH)) {
    const mail = JSON.parse(req.rawBody) as { from: { email: string }; personalizations: unknown[] };
    out.set(mail.from.email, (out.get(mail.from.email) ?? 0) + mail.personalizations.length);
  }
  return out;
}

describePostgres('scale-out: two instances on one Postgres', () => {
  let store: TestStore;
  let sandbox: Sandbox;
  let audience: SeededAudience;
  let scriptVersionId: number;
  let instances: Instance[] = [];

  beforeEach(async () => {
    store = await openTestStore('postgres');
    sandbox = await new Sandbox({ latencyMs: 3 }).start();
    audience = await seedCustomers(store.db, RECIPIENTS, { slackWebhooks: true, slackWebhookBase: sandbox.slack.url });
    scriptVersionId = await seedApprovedScript(store.db);
  }, 60_000);

  afterEach(async () => {
    for (const i of instances) {
      i.kill('SIGTERM');
      await i.exited;
    }
    instances = [];
    await sandbox.stop();
    await store.dispose();
  }, 30_000);

  async function startTwo(leaseMs: string): Promise<Instance[]> {
    instances = await Promise.all(SENDERS.map((s) => startInstance(instanceEnv(store.location, sandbox, {
      LEASE_MS: leaseMs, TWILIO_FROM: s.sms, EMAIL_FROM: s.email,
      LANE_SMS_CONCURRENCY: String(CONCURRENCY.sms), LANE_SLACK_CONCURRENCY: String(CONCURRENCY.slack), LANE_EMAIL_CONCURRENCY: String(CONCURRENCY.email),
    }))));
    return instances;
  }

  const publish = (instance: Instance) => publishThrough(instance, {
    incident: { title: 'Checkout failing' }, status: 'investigating', scriptVersionId, variables: SCRIPT_VARIABLES,
    audiences: ['customers'], channels: ['email', 'sms', 'slack', 'x'],
  });

  const settled = (broadcastId: number, timeoutMs: number) => waitFor(async () => {
    const s = await countByState(store.db, { broadcastId });
    return !s.pending && !s.sending;
  }, timeoutMs, 100);

  function received() {
    const slackPath = (url: string) => new URL(url).pathname;
    return {
      got: {
        sms: tally(sandbox.twilio.messages().map((m) => m.to)),
        email: tally(sendgridRecipients(sandbox.sendgrid).flatMap((r) => r.to)),
        slack: tally(slackWebhookPosts(sandbox.slack).map((p) => p.path)),
      },
      expected: { sms: audience.sms, email: audience.email, slack: audience.slack.map(slackPath) },
      key: (channel: string, address: string) => (channel === 'slack' ? slackPath(address) : address),
    };
  }

  it('[X1] when two instances send a 5,000-recipient broadcast, then each sends more than 20% of it and no recorded accept is sent twice', async () => {
    const [a] = await startTwo('30000');
    const { broadcastId } = await publish(a as Instance);
    expect(await settled(broadcastId, 120_000)).toBe(true);
    expect(await countByState(store.db, { broadcastId })).toEqual({ sent: RECIPIENTS * 3 + 1 });

    const sms = tally(sandbox.twilio.messages().map((m) => m.from));
    const email = emailsByFrom(sandbox.sendgrid);
    for (const s of SENDERS) {
      const share = ((sms.get(s.sms) ?? 0) + (email.get(s.email) ?? 0)) / (RECIPIENTS * 2);
      console.log(`[X1] instance ${s.sms}: ${sms.get(s.sms) ?? 0} SMS, ${email.get(s.email) ?? 0} emails (${(share * 100).toFixed(1)}% of SMS + email)`);
      expect(sms.get(s.sms) ?? 0).toBeGreaterThan(RECIPIENTS * 0.2);
      expect(share).toBeGreaterThan(0.2);
    }
    // Every delivery has a recorded accept, so every recipient got each message exactly once.
    const { got, expected } = received();
    for (const channel of ['sms', 'email', 'slack'] as const) {
      expect(got[channel].size).toBe(RECIPIENTS);
      expect([...got[channel].entries()].filter(([, n]) => n !== 1)).toEqual([]);
      for (const address of expected[channel]) expect(got[channel].get(address)).toBe(1);
    }
    expect(sandbox.x.posts()).toHaveLength(1);
  }, 240_000);

  it('[X2] when one of two instances is SIGKILLed midway, then the other finishes every delivery within 2 minutes and resends at most what the killed one had in flight', async () => {
    // A short lease, so the survivor takes over soon after the kill. Leases are renewed three
    // times per lease, so only a process stalled for over two thirds of it (3.3 s) loses one
    // while alive; on this shared machine 1.5 s was not enough margin.
    const [a] = await startTwo('5000');
    const killed = a as Instance;
    const { broadcastId } = await publish(killed);
    expect(await waitFor(() => sandbox.twilio.requestCount >= RECIPIENTS * 0.3, 60_000, 5)).toBe(true);
    killed.kill('SIGKILL');
    await killed.exited;
    const killedAt = Date.now();
    const killedSent = sandbox.twilio.messages().filter((m) => m.from === SENDERS[0].sms).length;
    const recorded = await store.db.selectFrom('deliveries').select(['channel', 'address']).where('broadcast_id', '=', broadcastId).where('state', '=', 'sent').execute();
    expect(killedSent).toBeGreaterThan(0);
    expect(sandbox.twilio.requestCount).toBeLessThan(RECIPIENTS);

    expect(await settled(broadcastId, 120_000)).toBe(true);
    const finishedIn = Date.now() - killedAt;
    expect(finishedIn).toBeLessThan(120_000);
    expect(await countByState(store.db, { broadcastId })).toEqual({ sent: RECIPIENTS * 3 + 1 });

    const { got, expected, key } = received();
    let duplicates = 0;
    for (const channel of ['sms', 'email', 'slack'] as const) {
      for (const address of expected[channel]) expect(got[channel].get(address) ?? 0).toBeGreaterThanOrEqual(1);
      for (const r of recorded.filter((d) => d.channel === channel)) {
        expect({ address: key(channel, r.address), times: got[channel].get(key(channel, r.address)) }).toEqual({ address: key(channel, r.address), times: 1 });
      }
      const dup = [...got[channel].values()].filter((n) => n > 1).length;
      duplicates += dup;
      // At most what the killed instance had in flight: its lane's requests × their batch size.
      expect(dup).toBeLessThanOrEqual(CONCURRENCY[channel] * (channel === 'email' ? 1000 : 1));
      console.log(`[X2] ${channel}: ${got[channel].size} recipients reached, ${dup} got it twice (killed instance's lane concurrency ${CONCURRENCY[channel]})`);
    }
    // A resent SMS is one the killed instance had sent without its accept being recorded.
    const dupSms = [...got.sms.entries()].filter(([, n]) => n > 1).map(([to]) => to);
    const fromKilled = new Set(sandbox.twilio.messages().filter((m) => m.from === SENDERS[0].sms).map((m) => m.to));
    expect(dupSms.filter((to) => !fromKilled.has(to))).toEqual([]);
    expect(sandbox.x.posts()).toHaveLength(1);
    console.log(`[X2] killed after ${killedSent} SMS from it (${recorded.length} accepts recorded); the survivor finished in ${(finishedIn / 1000).toFixed(1)} s; duplicates in total: ${duplicates}`);
  }, 240_000);
});

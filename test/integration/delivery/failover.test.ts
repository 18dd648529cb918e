import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { DEFAULT_DIALECT, DIALECTS } from '../../support/stores';
import { startTestCrier, type TestCrier } from '../../support/crier';

describe.each(DIALECTS)('email failover on %s', (dialect) => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('[D2] when SendGrid answers 503, then email goes out through SMTP and each delivery records the provider', async () => {
    t = await startTestCrier(dialect, { recipients: 20 });
    await t.sandbox.sendgrid.setFault({ status: 503, body: { errors: [{ message: 'unavailable' }] } });
    const { broadcastId } = await t.publish({ channels: ['email'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);

    const rows = await t.store.db.selectFrom('deliveries').select(['address', 'state', 'provider']).where('broadcast_id', '=', broadcastId).execute();
    expect(rows).toHaveLength(20);
    for (const r of rows) expect(r).toMatchObject({ state: 'sent', provider: 'email-smtp' });
    // At-least-once: a send that outlives its timeout is retried, so compare who was reached.
    expect([...new Set(t.sandbox.smtp.received.flatMap((m) => m.to))].sort()).toEqual([...t.audience.email].sort());
    expect(t.sandbox.sendgrid.requestCount).toBeGreaterThanOrEqual(1);
  });

  it('[D2] when SendGrid is healthy, then it carries the whole batch in one request and records itself', async () => {
    t = await startTestCrier(dialect, { recipients: 20 });
    const { broadcastId } = await t.publish({ channels: ['email'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    const providers = await t.store.db.selectFrom('deliveries').select('provider').distinct().where('broadcast_id', '=', broadcastId).execute();
    expect(providers).toEqual([{ provider: 'email-sendgrid' }]);
    expect(t.sandbox.sendgrid.requestCount).toBe(1);
    expect(t.sandbox.smtp.received).toHaveLength(0);
  });
});

describe('one-click unsubscribe in the email that went out', () => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('[D5] when an email is sent, then it carries List-Unsubscribe headers and its own link, which unsubscribes on POST only', async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 3 });
    const { broadcastId } = await t.publish({ channels: ['email'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    const [first] = sendgridRecipients(t.sandbox.sendgrid);
    const header = first?.headers['List-Unsubscribe'] ?? '';
    expect(first?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /^<(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+)>$/.exec(header)?.[1] as string;
    expect(url).toBeDefined();
    expect(first?.text).toContain(url);
    expect(first?.html).toContain(url);

    const address = first?.to[0] as string;
    const optedOut = async () => (await t.store.db.selectFrom('addresses').select('opted_out_at').where('address', '=', address).executeTakeFirstOrThrow()).opted_out_at;
    expect((await fetch(url)).status).toBe(200);
    expect(await optedOut()).toBeNull();
    const post = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(post.status).toBe(200);
    expect(await optedOut()).not.toBeNull();

    const forged = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(forged, { method: 'POST' })).status).toBe(404);

    const next = await t.publish({ channels: ['email'], incident: undefined, incidentId: 1, status: 'identified' });
    const skipped = await t.store.db.selectFrom('deliveries').select(['state', 'skip_reason']).where('broadcast_id', '=', next.broadcastId).where('address', '=', address).executeTakeFirstOrThrow();
    expect(skipped).toEqual({ state: 'skipped', skip_reason: 'opted out' });
  });
});

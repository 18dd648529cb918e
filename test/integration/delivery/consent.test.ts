import { signTwilio } from '../../../src/channels/webhook-signatures';
import { DEFAULT_DIALECT, DIALECTS } from '../../support/stores';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { waitFor } from '../../support/process';

describe.each(DIALECTS)('consent across broadcasts on %s', (dialect) => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('[D4] when a number texts STOP, then the next broadcast skips it and the others still get it', async () => {
    t = await startTestCrier(dialect, { recipients: 5 });
    const first = await t.publish({ channels: ['sms'] });
    expect(await t.settled(first.broadcastId, 15_000)).toBe(true);

    const stopper = t.audience.sms[2] as string;
    const url = `${t.crier.url()}/webhooks/twilio/inbound`;
    const params = { From: stopper, To: '+15005550006', Body: 'STOP', MessageSid: 'SM' + 'a'.repeat(32), AccountSid: t.sandbox.twilio.accountSid };
    const forged = await fetch(url, { method: 'POST', body: new URLSearchParams(params), headers: { 'x-twilio-signature': 'forged' } });
    expect(forged.status).toBe(403);
    const signed = await fetch(url, { method: 'POST', body: new URLSearchParams(params), headers: { 'x-twilio-signature': signTwilio(t.sandbox.twilio.authToken, url, params) } });
    expect(signed.status).toBe(200);

    const second = await t.publish({ channels: ['sms'], incident: undefined, incidentId: first.incidentId, status: 'identified' });
    expect(await t.settled(second.broadcastId, 15_000)).toBe(true);
    const rows = await t.store.db.selectFrom('deliveries').select(['address', 'state', 'skip_reason']).where('broadcast_id', '=', second.broadcastId).execute();
    expect(rows.find((r) => r.address === stopper)).toEqual({ address: stopper, state: 'skipped', skip_reason: 'opted out' });
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(4);
    const secondTexts = t.sandbox.twilio.messages().slice(5).map((m) => m.to);
    expect(secondTexts).not.toContain(stopper);
  });

  it('[D4] when Twilio refuses a number with 21610, then the number is opted out and skipped next time', async () => {
    t = await startTestCrier(dialect, { recipients: 3 });
    const blocked = t.audience.sms[0] as string;
    t.sandbox.twilio.optedOut.add(blocked);
    const first = await t.publish({ channels: ['sms'] });
    expect(await t.settled(first.broadcastId, 15_000)).toBe(true);
    const failed = await t.store.db.selectFrom('deliveries').select(['state', 'error_code']).where('broadcast_id', '=', first.broadcastId).where('address', '=', blocked).executeTakeFirstOrThrow();
    expect(failed).toEqual({ state: 'failed', error_code: '21610' });

    const second = await t.publish({ channels: ['sms'], incident: undefined, incidentId: first.incidentId, status: 'monitoring' });
    const skipped = await t.store.db.selectFrom('deliveries').select(['state', 'skip_reason']).where('broadcast_id', '=', second.broadcastId).where('address', '=', blocked).executeTakeFirstOrThrow();
    expect(skipped).toEqual({ state: 'skipped', skip_reason: 'opted out' });
  });

  it('[R4] when Twilio refuses a number as invalid (21211), then the number is quarantined and skipped as quarantined next time', async () => {
    t = await startTestCrier(dialect, { recipients: 3 });
    const invalid = t.audience.sms[1] as string;
    t.sandbox.twilio.invalidNumbers.add(invalid);
    const first = await t.publish({ channels: ['sms'] });
    expect(await t.settled(first.broadcastId, 15_000)).toBe(true);
    const failed = await t.store.db.selectFrom('deliveries').select(['state', 'error_code']).where('broadcast_id', '=', first.broadcastId).where('address', '=', invalid).executeTakeFirstOrThrow();
    expect(failed).toEqual({ state: 'failed', error_code: '21211' });
    // The quarantine is written by the lane's after-settle hook, just after the failure is.
    const quarantined = async () => t.store.db.selectFrom('addresses').select(['quarantine_reason', 'opted_out_at']).where('address', '=', invalid).executeTakeFirstOrThrow();
    expect(await waitFor(async () => (await quarantined()).quarantine_reason !== null, 5_000, 25)).toBe(true);
    expect(await quarantined()).toEqual({ quarantine_reason: expect.stringMatching(/^sms-twilio 21211: /) as string, opted_out_at: null });

    const second = await t.publish({ channels: ['sms'], incident: undefined, incidentId: first.incidentId, status: 'monitoring' });
    expect(await t.settled(second.broadcastId, 15_000)).toBe(true);
    const rows = await t.store.db.selectFrom('deliveries').select(['address', 'state', 'skip_reason']).where('broadcast_id', '=', second.broadcastId).execute();
    expect(rows.find((r) => r.address === invalid)).toEqual({ address: invalid, state: 'skipped', skip_reason: 'quarantined' });
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(2);
  });
});

describe('X thread', () => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('when an incident gets a second update, then its X post replies to the first', async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    const first = await t.publish({ channels: ['x'] });
    expect(await t.settled(first.broadcastId, 15_000)).toBe(true);
    const second = await t.publish({ channels: ['x'], incident: undefined, incidentId: first.incidentId, status: 'resolved', variables: { service: 'Checkout', summary: 'payments work again', next_update: 'none needed' } });
    expect(await t.settled(second.broadcastId, 15_000)).toBe(true);
    const posts = t.sandbox.x.posts();
    const thread = await t.store.db.selectFrom('incidents').select('x_thread_id').where('id', '=', first.incidentId).executeTakeFirstOrThrow();
    expect(posts).toHaveLength(2);
    expect(posts[0]?.replyTo).toBeUndefined();
    expect(posts[1]?.replyTo).toBe(thread.x_thread_id);
  });
});

import { DIALECTS } from '../../support/stores';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { tally } from '../../support/instances';

/**
 * [D3] A lease only runs out when its holder is gone. A request slower than the lease (a loaded
 * machine, a slow provider) keeps its lease renewed, so neither this lane nor another instance
 * takes the delivery back and sends it a second time.
 */
describe.each(DIALECTS)('lease renewal on %s', (dialect) => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('[D3] when a provider takes three times the lease to answer, then each recipient gets the text once and each delivery took one attempt', async () => {
    t = await startTestCrier(dialect, { recipients: 4, env: { LEASE_MS: '500', PROVIDER_TIMEOUT_MS: '8000' } });
    t.sandbox.twilio.latencyMs = 1500;
    const { broadcastId } = await t.publish({ channels: ['sms'] });
    expect(await t.settled(broadcastId, 20_000)).toBe(true);

    const got = tally(t.sandbox.twilio.messages().map((m) => m.to));
    expect([...got.keys()].sort()).toEqual([...t.audience.sms].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    const rows = await t.store.db.selectFrom('deliveries').select(['state', 'attempts']).where('broadcast_id', '=', broadcastId).execute();
    expect(rows).toEqual(t.audience.sms.map(() => ({ state: 'sent', attempts: 1 })));
  });
});

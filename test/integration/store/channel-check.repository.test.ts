import type { ChannelCheck } from '../../../src/checks/channel-check';
import { ChannelChecks } from '../../../src/checks/channel-check.service';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const INTERVAL = 5 * 60_000;

describe.each(DIALECTS)('%s: periodic channel checks across instances', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  /** An inline check that counts its runs; the claim, not the check, is under test. */
  const counting = (provider: string, runs: Map<string, number>, fail = false): ChannelCheck => ({
    provider, channel: 'email',
    async run() {
      runs.set(provider, (runs.get(provider) ?? 0) + 1);
      if (fail) throw new Error('401: Unauthorized');
      return 'fine';
    },
  });

  it('[B4] when two instances tick at the same moment, then each provider is checked once, and again only an interval later', async () => {
    const runs = new Map<string, number>();
    const checks = [counting('email-a', runs), counting('email-b', runs, true)];
    const one = new ChannelChecks(store.db, checks, { timeoutMs: 1000, intervalMs: INTERVAL });
    const two = new ChannelChecks(store.db, checks, { timeoutMs: 1000, intervalMs: INTERVAL });
    const now = Date.UTC(2026, 0, 5, 9);
    const [a, b] = await Promise.all([one.runDue(now), two.runDue(now)]);
    expect(a.length + b.length).toBe(2);
    expect(Object.fromEntries(runs)).toEqual({ 'email-a': 1, 'email-b': 1 });
    await Promise.all([one.runDue(now + INTERVAL - 1), two.runDue(now + INTERVAL - 1)]);
    expect(Object.fromEntries(runs)).toEqual({ 'email-a': 1, 'email-b': 1 });
    await Promise.all([one.runDue(now + INTERVAL), two.runDue(now + INTERVAL)]);
    expect(Object.fromEntries(runs)).toEqual({ 'email-a': 2, 'email-b': 2 });
    expect((await one.latest()).map((r) => [r.provider, r.ok, r.detail])).toEqual([['email-a', true, 'fine'], ['email-b', false, '401: Unauthorized']]);
  });
});

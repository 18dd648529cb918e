import pino from 'pino';
import { Sandbox } from '../../../src/channels/sandbox';
import { loadConfig } from '../../../src/config';
import { buildCrier, type Crier } from '../../../src/main';
import { PgBossTimers } from '../../../src/timers/pg-boss-timers';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';
import { testHasher } from '../../support/session';

/**
 * [X3] Two Crier instances on one Postgres each register the same periodic check; the cluster
 * runs it once per interval, whichever instance takes the tick.
 */
const INTERVAL_MS = 2000;
const INTERVALS = 5;
const describePostgres = DIALECTS.includes('postgres') ? describe : describe.skip;

describePostgres('clustered timers on Postgres', () => {
  let store: TestStore;
  let sandbox: Sandbox;
  let criers: Crier[] = [];

  beforeEach(async () => {
    store = await openTestStore('postgres');
    sandbox = await new Sandbox().start();
  });

  afterEach(async () => {
    for (const c of criers) await c.stop();
    criers = [];
    await sandbox.stop();
    await store.dispose();
  });

  async function instance(): Promise<Crier> {
    const config = loadConfig({ DATABASE_URL: store.location, PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: 'k'.repeat(32) });
    const crier = await buildCrier(config, pino({ level: 'silent' }), { sandbox, hasher: testHasher, announce: () => undefined });
    criers.push(crier);
    return crier;
  }

  it('[X3] when two instances register the same scheduled check, then it fires once per interval across the cluster', async () => {
    const runs: { instance: number; at: number }[] = [];
    const [a, b] = [await instance(), await instance()];
    for (const [n, crier] of [a, b].entries()) {
      expect(crier.timers).toBeInstanceOf(PgBossTimers);
      crier.timers.every('monitor-check', INTERVAL_MS, async (now) => { runs.push({ instance: n, at: now }); });
    }
    await Promise.all([a.start(), b.start()]);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, INTERVAL_MS * INTERVALS + INTERVAL_MS / 2));
    const elapsedSlots = Math.floor((Date.now() - started) / INTERVAL_MS);

    const perSlot = new Map<number, number>();
    for (const r of runs) perSlot.set(Math.floor(r.at / INTERVAL_MS), (perSlot.get(Math.floor(r.at / INTERVAL_MS)) ?? 0) + 1);
    console.log(`[X3] ${runs.length} runs in ${elapsedSlots} intervals of ${INTERVAL_MS} ms, by instance: ${runs.map((r) => r.instance).join(',')}`);
    expect([...perSlot.values()].filter((n) => n > 1)).toEqual([]);
    expect(runs.length).toBeGreaterThanOrEqual(elapsedSlots - 1);
    expect(runs.length).toBeLessThanOrEqual(elapsedSlots + 1);
  }, 60_000);

  it('when an instance stops while its tick runs, then stop waits for the run to finish', async () => {
    const crier = await instance();
    let finished = false;
    let began!: () => void;
    const running = new Promise<void>((resolve) => { began = resolve; });
    crier.timers.every('slow-check', 1000, async () => {
      began();
      await new Promise((r) => setTimeout(r, 700));
      finished = true;
    });
    await crier.start();
    await running;
    await crier.stop();
    criers = [];
    expect(finished).toBe(true);
  }, 30_000);
});

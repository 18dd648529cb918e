import { sql } from 'kysely';
import pino from 'pino';
import type PgBoss from 'pg-boss';
import { PgBossQueue, queueName } from '../../../src/delivery/pg-boss-queue';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { createBoss } from '../../../src/store/pg-boss';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { waitFor } from '../../support/process';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

/**
 * The pg-boss delivery queue: a lane's wake-up is a job written in the caller's transaction, so
 * it exists exactly when the deliveries do, and another instance's worker receives it.
 */
const describePostgres = DIALECTS.includes('postgres') ? describe : describe.skip;
const CHANNELS = ['email', 'sms', 'slack', 'x'];

describePostgres('PgBossQueue', () => {
  let store: TestStore;
  let bosses: PgBoss[];
  let publisher: PgBossQueue;
  let other: PgBossQueue;
  const woken: string[] = [];

  beforeEach(async () => {
    store = await openTestStore('postgres');
    const log = pino({ level: 'silent' });
    bosses = [createBoss(store.location, log), createBoss(store.location, log)];
    for (const boss of bosses) await boss.start();
    woken.length = 0;
    publisher = new PgBossQueue(bosses[0] as PgBoss, CHANNELS);
    other = new PgBossQueue(bosses[1] as PgBoss, CHANNELS);
    // The publishing instance takes no wake-ups (as if it died right after its commit), so the
    // other instance's worker is the one that must receive them.
    await other.start((channel) => woken.push(channel));
  });

  afterEach(async () => {
    await other.stop();
    for (const boss of bosses) await boss.stop({ graceful: true, wait: true });
    await store.dispose();
  });

  /** Every job ever written to a lane's queue, whatever its state. */
  const jobs = async (channel: string) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM pgboss.job WHERE name = ${queueName(channel)}`.execute(store.db)).rows[0]?.n);

  it('when a publish commits, then one wake-up per lane is written with it and another instance wakes those lanes', async () => {
    await seedCustomers(store.db, 3, { slackWebhooks: false });
    const scriptVersionId = await seedApprovedScript(store.db);
    await publishUpdate(store.db, {
      incident: { title: 'Checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId,
      variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms'],
    }, { actor: 'test', brandName: 'Crier', statusPageUrl: 'http://127.0.0.1/status', teamSlackChannels: [], now: Date.now(), enqueue: (trx, chs) => publisher.enqueue(trx, chs) });
    expect(await waitFor(() => woken.includes('email') && woken.includes('sms'), 10_000)).toBe(true);
    expect(woken.filter((c) => c === 'slack' || c === 'x')).toEqual([]);
    expect([await jobs('email'), await jobs('sms'), await jobs('slack')]).toEqual([1, 1, 0]);
  }, 30_000);

  it('when the transaction rolls back, then no wake-up is left behind', async () => {
    await expect(store.db.transaction().execute(async (trx) => {
      await publisher.enqueue(trx, ['sms']);
      throw new Error('publish refused');
    })).rejects.toThrow('publish refused');
    expect(await jobs('sms')).toBe(0);
    await new Promise((r) => setTimeout(r, 1200));
    expect(woken).toEqual([]);
  }, 30_000);
});

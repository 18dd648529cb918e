import pino from 'pino';
import { Sandbox } from '../../../src/channels/sandbox';
import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { loadConfig } from '../../../src/config';
import { commitmentInput } from '../../../src/followup/commitment';
import { makePromise } from '../../../src/followup/commitment.service';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { buildCrier, type Crier } from '../../../src/main';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import type { TimerTask, Timers } from '../../../src/timers/timers';
import { seedApprovedScript, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { buildTeamMember } from '../../support/factories';
import { waitFor } from '../../support/process';
import { testHasher } from '../../support/session';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

/** Keeps the tasks a Crier registers, so the test decides when a tick happens. */
class RecordingTimers implements Timers {
  readonly tasks = new Map<string, TimerTask>();
  every(name: string, _intervalMs: number, task: TimerTask): void { this.tasks.set(name, task); }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  tick(name: string): Promise<void> { return (this.tasks.get(name) as TimerTask)(Date.now()); }
}

describe.each(DIALECTS)('%s: the promise reminder timer', (dialect) => {
  let store: TestStore;
  let sandbox: Sandbox;
  const criers: Crier[] = [];
  const OWNER = { email: 'olive@example.com', phone: '+15555550401' };

  const start = async (timers: Timers) => {
    const config = loadConfig({ DATABASE_URL: store.location, PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: 'k'.repeat(32), PROVIDER_TIMEOUT_MS: '2000' });
    const crier = await buildCrier(config, pino({ level: 'silent' }), { sandbox, hasher: testHasher, announce: () => undefined, idleMs: 50, timers });
    criers.push(crier);
    await crier.start();
    return crier;
  };
  const toOwner = () => ({
    sms: sandbox.twilio.messages().filter((m) => m.to === OWNER.phone && m.body.startsWith('Due ')).length,
    email: sendgridRecipients(sandbox.sendgrid).filter((m) => m.to.includes(OWNER.email) && m.subject?.startsWith('Due now:')).length,
  });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    sandbox = await new Sandbox().start();
    await ensureStarterLibrary(store.db);
    const reminder = await store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id').select('script_versions.id').where('scripts.key', '=', 'promise-reminder').executeTakeFirstOrThrow();
    await approve(store.db, reminder.id, 'user:1', DEFAULT_SCRIPT_RULES);
    const owner = await createTeamMember(store.db, buildTeamMember({ name: 'Olive', role: 'technical responder', ...OWNER }));
    const versionId = await seedApprovedScript(store.db);
    const { incidentId } = await publishUpdate(store.db, {
      incident: { title: 'Card payments failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId: versionId,
      variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email'],
    }, { actor: 'user:1', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now: Date.now() });
    await makePromise(store.db, incidentId, commitmentInput.parse({ what: 'Refund the March invoice', toName: 'Ann', ownerId: owner.id, dueAt: new Date(Date.now() - 1000).toISOString() }), 'user:1', Date.now());
  });
  afterAll(async () => {
    for (const c of criers) await c.stop().catch(() => undefined);
    await sandbox.stop();
    await store.dispose();
  });

  it('[P2] when the registered reminder timer ticks, then the owner\'s reminder goes out through the lanes once, and ticks after a restart do not send it again', async () => {
    const first = new RecordingTimers();
    const crier = await start(first);
    expect([...first.tasks.keys()]).toContain('promise-reminders');
    await Promise.all([first.tick('promise-reminders'), first.tick('promise-reminders')]);
    expect(await waitFor(async () => toOwner().sms === 1 && toOwner().email === 1, 10_000, 25)).toBe(true);
    await crier.stop();

    const second = new RecordingTimers();
    const restarted = await start(second);
    await second.tick('promise-reminders');
    await second.tick('promise-reminders');
    const pending = await restarted.store.db.selectFrom('deliveries').select('id').where('state', 'in', ['pending', 'sending']).execute();
    expect(pending).toEqual([]);
    const reminded = await restarted.store.db.selectFrom('audit_log').select('id').where('action', '=', 'promise.reminded').execute();
    expect(reminded).toHaveLength(1);
    expect(toOwner()).toEqual({ sms: 1, email: 1 });
  });
});

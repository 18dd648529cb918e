import { createContact } from '../../../src/contacts/contact.repository';
import { logProblem, type RecurrenceContext } from '../../../src/problems/recurrence.service';
import { listAlerts } from '../../../src/problems/problem.repository';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import { loadSnapshot } from '../../../src/status/snapshot';
import { buildContact, buildProblem, buildTeamMember } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0);

describe.each(DIALECTS)('%s: recurrence watch', (dialect) => {
  let store: TestStore;
  const ctx = (now: number): RecurrenceContext => ({
    actor: 'user:1', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now, windowDays: 3,
  });
  const ownerDeliveries = async (incidentId: number) => store.db.selectFrom('deliveries')
    .innerJoin('broadcasts', 'broadcasts.id', 'deliveries.broadcast_id').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
    .select(['deliveries.channel', 'deliveries.address', 'deliveries.state']).where('incident_updates.incident_id', '=', incidentId).orderBy('deliveries.id').execute();

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await ensureStarterLibrary(store.db);
    const internal = await store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'internal-team-alert').executeTakeFirstOrThrow();
    await approve(store.db, internal.id, 'user:1', DEFAULT_SCRIPT_RULES);
    await createTeamMember(store.db, buildTeamMember({ key: 'olive', role: 'owner', email: 'olive@example.com', phone: '+15555550201', altEmail: 'olive@home.example.com', slack: 'U0OLIVE' }));
    await createTeamMember(store.db, buildTeamMember({ key: 'casey', role: 'comms lead', email: 'casey@example.com', phone: '+15555550202' }));
  });
  afterAll(async () => { await store.dispose(); });

  it('[P3] when two problems of one category are logged within 3 days, then one emergency alert reaches the owners by SMS and email, and a third in the window raises nothing', async () => {
    const first = await logProblem(store.db, buildProblem({ category: 'billing' }), ctx(T0));
    expect(first.alerts).toEqual([]);
    const second = await logProblem(store.db, buildProblem({ category: 'billing', note: 'Invoice emailed twice' }), ctx(T0 + 50 * HOUR));
    expect(second.alerts.map((a) => a.subject)).toEqual(['category:billing']);
    expect(second.notSent).toBeUndefined();
    const deliveries = await ownerDeliveries(second.incidentId as number);
    expect(deliveries.map((d) => `${d.channel}:${d.address}:${d.state}`).sort()).toEqual([
      'email:olive@example.com:pending', 'email:olive@home.example.com:pending', 'sms:+15555550201:pending',
    ]);
    const update = await store.db.selectFrom('incident_updates').select(['rendered', 'internal']).where('incident_id', '=', second.incidentId as number).executeTakeFirstOrThrow();
    expect(update.internal).toBe(1);
    expect((JSON.parse(update.rendered) as { sms: { text: string } }).sms.text).toMatch(/^INCIDENT: EMERGENCY\. Recurring problem: second "billing" problem within 3 days\. Latest: Invoice emailed twice/);

    const third = await logProblem(store.db, buildProblem({ category: 'billing' }), ctx(T0 + 60 * HOUR));
    expect(third.alerts).toEqual([]);
    expect((await listAlerts(store.db)).filter((a) => a.subject === 'category:billing')).toHaveLength(1);
    // The draft incident is for the team: the public page does not show it.
    const snapshot = await loadSnapshot(store.db, { brand: 'Crier', url: 'https://status.example.com/status', now: T0 + 60 * HOUR });
    expect(snapshot.open.map((i) => i.id)).not.toContain(second.incidentId);
    const audit = await store.db.selectFrom('audit_log').select('action').where('subject', '=', `incident:${second.incidentId}`).execute();
    expect(audit.map((a) => a.action)).toEqual(['recurrence.alerted']);
  });

  it('[P3] when the window has passed, then a later pair of problems raises a new alert, and two problems further apart than the window raise none', async () => {
    const quiet1 = await logProblem(store.db, buildProblem({ category: 'delivery' }), ctx(T0));
    const quiet2 = await logProblem(store.db, buildProblem({ category: 'delivery' }), ctx(T0 + 73 * HOUR));
    expect([...quiet1.alerts, ...quiet2.alerts]).toEqual([]);
    const again = await logProblem(store.db, buildProblem({ category: 'delivery' }), ctx(T0 + 80 * HOUR));
    expect(again.alerts.map((a) => a.subject)).toEqual(['category:delivery']);
  });

  it('[P3] when one customer complains a second time within the window, about anything, then one alert names the customer; a third complaint raises nothing', async () => {
    const contact = await createContact(store.db, buildContact({ key: 'acme', name: 'Acme Bakery' }));
    const base = T0 + 200 * HOUR;
    expect((await logProblem(store.db, buildProblem({ customer: 'acme' }), ctx(base))).alerts).toEqual([]);
    const second = await logProblem(store.db, buildProblem({ customer: 'acme' }), ctx(base + HOUR));
    expect(second.alerts.map((a) => a.subject)).toEqual([`customer:${contact.id}`]);
    expect((await ownerDeliveries(second.incidentId as number)).length).toBe(3);
    const title = await store.db.selectFrom('incidents').select('title').where('id', '=', second.incidentId as number).executeTakeFirstOrThrow();
    expect(title.title).toBe('Recurring problem: second complaint from Acme Bakery within 3 days');
    expect((await logProblem(store.db, buildProblem({ customer: 'acme' }), ctx(base + 2 * HOUR))).alerts).toEqual([]);
  });

  it('[P3] when many problems of one new category are logged at the same moment, then exactly one alert and one set of owner deliveries exist', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => logProblem(store.db, buildProblem({ category: 'login' }), ctx(T0 + 400 * HOUR))));
    const raised = results.filter((r) => r.alerts.length > 0);
    expect(raised).toHaveLength(1);
    expect((await listAlerts(store.db)).filter((a) => a.subject === 'category:login')).toHaveLength(1);
    expect((await ownerDeliveries(raised[0]?.incidentId as number)).length).toBe(3);
  });

  it('when the customer key names no contact, then the problem is refused naming the field and nothing is logged', async () => {
    const before = await store.db.selectFrom('problems').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(logProblem(store.db, buildProblem({ customer: 'nobody' }), ctx(T0))).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'customer', message: 'no contact with this key' }] });
    const after = await store.db.selectFrom('problems').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

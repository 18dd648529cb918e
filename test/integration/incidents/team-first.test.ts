import { claimDue } from '../../../src/delivery/delivery.repository';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { createFailureType } from '../../../src/roster/failure-type.repository';
import { assignResponder } from '../../../src/roster/responder.repository';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import { loadSnapshot } from '../../../src/status/snapshot';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: the team hears first', (dialect) => {
  let store: TestStore;
  let versionId: number;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await seedCustomers(store.db, 5);
    versionId = await seedApprovedScript(store.db);
    await ensureStarterLibrary(store.db);
    const internal = await store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'internal-team-alert').executeTakeFirstOrThrow();
    await approve(store.db, internal.id, 'user:1', DEFAULT_SCRIPT_RULES);

    const member = (key: string, role: string, email: string | null, phone: string | null, slack: string | null, alt: { altEmail?: string; altPhone?: string } = {}) =>
      createTeamMember(store.db, { key, name: key, role, email, phone, slack, ...alt });
    await member('olive', 'owner', 'olive@example.com', '+15555550201', 'U0OLIVE');
    await member('casey', 'comms lead', 'casey@example.com', '+15555550202', null, { altPhone: '+15555550212' });
    const rae = await member('rae', 'technical responder', 'rae@example.com', '+15555550203', 'U0RAE', { altEmail: 'rae@home.example.com', altPhone: '+15555550213' });
    const sam = await member('sam', 'technical responder', 'sam@example.com', '+15555550204', 'U0SAM', { altEmail: 'sam@home.example.com', altPhone: '+15555550214' });
    await member('fran', 'front desk', 'fran@example.com', '+15555550205', null);
    const payments = await createFailureType(store.db, { key: 'payments', name: 'Payments down' });
    const network = await createFailureType(store.db, { key: 'network', name: 'Network outage' });
    await assignResponder(store.db, payments.id, rae.id, 1);
    await assignResponder(store.db, network.id, sam.id, 1);
  });
  afterAll(async () => { await store.dispose(); });

  it('[R5] when an incident of failure type T opens, then T\'s responders and the comms team are alerted on all their channels and alternate addresses before any customer delivery is created', async () => {
    const now = Date.now();
    const result = await publishUpdate(store.db, {
      incident: { title: 'Card payments failing', impact: 'major', components: [], failureType: 'payments' }, status: 'investigating', scriptVersionId: versionId,
      variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms'],
    }, { actor: 'user:1', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now });

    const broadcasts = await store.db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select(['broadcasts.id', 'incident_updates.internal', 'incident_updates.rendered']).where('incident_updates.incident_id', '=', result.incidentId).orderBy('broadcasts.id').execute();
    expect(broadcasts.map((b) => b.internal)).toEqual([1, 0]);
    const [alert, customer] = broadcasts as [typeof broadcasts[number], typeof broadcasts[number]];
    expect(customer.id).toBe(result.broadcastId);
    expect((JSON.parse(alert.rendered) as { sms: { text: string } }).sms.text).toMatch(/^INCIDENT: Card payments failing \(Payments down\)/);

    const team = await store.db.selectFrom('deliveries').select(['id', 'channel', 'address']).where('broadcast_id', '=', alert.id).orderBy('id').execute();
    expect(team.map((d) => `${d.channel}:${d.address}`).sort()).toEqual([
      'email:casey@example.com', 'email:olive@example.com', 'email:rae@example.com', 'email:rae@home.example.com',
      'slack:U0OLIVE', 'slack:U0RAE',
      'sms:+15555550201', 'sms:+15555550202', 'sms:+15555550203', 'sms:+15555550212', 'sms:+15555550213',
    ]);
    const customers = await store.db.selectFrom('deliveries').select(['id']).where('broadcast_id', '=', customer.id).execute();
    expect(customers.length).toBe(10);
    expect(Math.max(...team.map((d) => d.id))).toBeLessThan(Math.min(...customers.map((d) => d.id)));

    // The lanes take the oldest due work first, so the team's messages leave first.
    const firstSms = await claimDue(store.db, store.caps, { channel: 'sms', now: now + 1, leaseMs: 60_000, owner: 'test', limit: 5 });
    expect(firstSms.map((d) => d.address).sort()).toEqual(['+15555550201', '+15555550202', '+15555550203', '+15555550212', '+15555550213']);

    // The alert is internal: it is not on the public page.
    const snapshot = await loadSnapshot(store.db, { brand: 'Crier', url: 'https://status.example.com/status', now });
    expect(snapshot.open.find((i) => i.id === result.incidentId)?.updates).toHaveLength(1);
  });

  it('[R5] when a follow-up update is posted, then the team is not alerted again', async () => {
    const before = await store.db.selectFrom('incident_updates').select((eb) => eb.fn.countAll<number>().as('n')).where('internal', '=', 1).executeTakeFirstOrThrow();
    const incident = await store.db.selectFrom('incidents').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await publishUpdate(store.db, {
      incidentId: incident.id, status: 'identified', scriptVersionId: versionId, variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email'],
    }, { actor: 'user:1', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now: Date.now() });
    const after = await store.db.selectFrom('incident_updates').select((eb) => eb.fn.countAll<number>().as('n')).where('internal', '=', 1).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

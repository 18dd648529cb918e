import { createComponent, getComponentByKey } from '../../../src/components/component.repository';
import { getIncident } from '../../../src/incidents/incident.repository';
import type { PublishInput } from '../../../src/incidents/publish';
import { publishInput } from '../../../src/incidents/publish';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: incident lifecycle', (dialect) => {
  let store: TestStore;
  let versionId: number;
  let clock = Date.UTC(2026, 10, 23, 9);
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await seedCustomers(store.db, 3);
    versionId = await seedApprovedScript(store.db);
    await createComponent(store.db, { key: 'checkout', name: 'Checkout' });
    await createComponent(store.db, { key: 'database', name: 'Database' });
  });
  afterAll(async () => { await store.dispose(); });

  const publish = (input: Record<string, unknown>) => publishUpdate(store.db, publishInput.parse({
    scriptVersionId: versionId, variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms'], ...input,
  }) as PublishInput, { actor: 'user:1', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now: (clock += 60_000) });
  const componentState = async (key: string) => (await getComponentByKey(store.db, key))?.status;

  it('[C3] when a resolved incident gets an open status without reopening, then it is refused naming the status; with reopen it opens again', async () => {
    const { incidentId } = await publish({ incident: { title: 'Checkout failing', impact: 'critical', components: ['checkout'] }, status: 'investigating' });
    expect(await componentState('checkout')).toBe('major_outage');
    await publish({ incidentId, status: 'identified' });
    await publish({ incidentId, status: 'resolved' });
    expect(await componentState('checkout')).toBe('operational');
    expect((await getIncident(store.db, incidentId))?.resolvedAt).not.toBeNull();

    await expect(publish({ incidentId, status: 'identified' })).rejects.toMatchObject({
      code: 'conflict', status: 409, details: [{ field: 'status', message: expect.stringContaining('reopen') }],
    });
    const updates = await store.db.selectFrom('incident_updates').select('id').where('incident_id', '=', incidentId).execute();
    expect(updates).toHaveLength(3);

    // A further resolved update (the follow-up) needs no reopening.
    await publish({ incidentId, status: 'resolved' });
    await expect(publish({ incidentId, status: 'resolved', reopen: true })).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'status' }] });
    await publish({ incidentId, status: 'identified', reopen: true });
    expect(await getIncident(store.db, incidentId)).toMatchObject({ status: 'identified', resolvedAt: null });
    expect(await componentState('checkout')).toBe('major_outage');
    await expect(publish({ incidentId, status: 'monitoring', reopen: true })).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'reopen' }] });
    await publish({ incidentId, status: 'monitoring' });
    await publish({ incidentId, status: 'identified' });
  });

  it('[C3] when an incident would start closed or turn into maintenance, then it is refused', async () => {
    await expect(publish({ incident: { title: 'Already over', components: [] }, status: 'resolved' })).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'status' }] });
    const { incidentId } = await publish({ incident: { title: 'Login errors', impact: 'minor', components: [] }, status: 'investigating' });
    await expect(publish({ incidentId, status: 'in_progress' })).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'status', message: expect.stringContaining('maintenance') }] });
  });

  it('[C3] when maintenance is scheduled, then it moves forward only: scheduled → in progress → completed, with components under maintenance meanwhile', async () => {
    const { incidentId } = await publish({ incident: { title: 'Database upgrade', impact: 'none', components: ['database'] }, status: 'scheduled' });
    expect(await componentState('database')).toBe('operational');
    await publish({ incidentId, status: 'in_progress' });
    expect(await componentState('database')).toBe('under_maintenance');
    await expect(publish({ incidentId, status: 'scheduled' })).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'status', message: expect.stringContaining('forward') }] });
    await expect(publish({ incidentId, status: 'resolved' })).rejects.toMatchObject({ code: 'conflict' });
    await publish({ incidentId, status: 'completed' });
    expect(await componentState('database')).toBe('operational');
    expect((await getIncident(store.db, incidentId))?.resolvedAt).not.toBeNull();
  });

  it('[C3] when updates are published, then every update records its broadcast and the script version it used', async () => {
    const rows = await store.db.selectFrom('incident_updates')
      .leftJoin('broadcasts', 'broadcasts.update_id', 'incident_updates.id')
      .select(['incident_updates.id as updateId', 'incident_updates.script_version_id as versionId', 'broadcasts.id as broadcastId', 'incident_updates.rendered'])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.map((r) => r.updateId)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.broadcastId).not.toBeNull();
      expect(row.versionId).toBe(versionId);
      expect(JSON.parse(row.rendered)).toHaveProperty('email');
    }
  });
});

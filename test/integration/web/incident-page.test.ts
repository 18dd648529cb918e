import { createTeamMember } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { signedIn, WebClient } from '../../support/session';
import { SCRIPT_VARIABLES } from '../../../scripts/lib/seed';

describe('the incident page in the console', () => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(DEFAULT_DIALECT, { recipients: 2 }); });
  afterAll(async () => { await t?.stop(); });

  it('when an incident has updates, then staff see its timeline newest first, the team-only alert marked, each with its broadcast', async () => {
    await createTeamMember(t.store.db, { key: 'olive', name: 'Olive', role: 'owner', email: 'olive@example.com' });
    const first = await t.publish({ incident: { title: 'Checkout <b>failing</b>', impact: 'major', components: [] }, channels: ['email'] });
    const second = await t.publish({ incidentId: first.incidentId, incident: undefined, status: 'identified', channels: ['email'], variables: { ...SCRIPT_VARIABLES, summary: 'cause found' } });
    const staff = await signedIn(t.store, t.crier.url(), 'staff');
    const page = await staff.page(`/console/incidents/${first.incidentId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Checkout &lt;b&gt;failing&lt;/b&gt;');
    const updates = [...page.html.matchAll(/<article class="timeline" data-update="(\d+)"><h3>([^<]+)/g)].map((m) => m[2]?.trim());
    expect(updates).toEqual(['Identified', 'Investigating', 'Investigating']);
    expect(page.html.match(/team only/g)).toHaveLength(1);
    expect(page.html).toContain(`href="/console/broadcasts/${second.broadcastId}"`);
    expect(page.html).not.toContain('Post an update');
    const comms = await signedIn(t.store, t.crier.url(), 'comms');
    expect((await comms.page(`/console/incidents/${first.incidentId}`)).html).toContain(`href="/console/send?incident=${first.incidentId}"`);
    const missing = await staff.page('/console/incidents/999999');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('data-field="id"');
    const anonymous = await new WebClient(t.crier.url()).request('GET', `/console/incidents/${first.incidentId}`);
    expect(anonymous.status).toBe(303);
  });
});

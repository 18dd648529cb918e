import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildTeamMember } from '../../support/factories';
import { waitFor } from '../../support/process';
import { signedIn } from '../../support/session';

describe('problem log in the console and the API', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1 });
    await ensureStarterLibrary(t.store.db);
    const internal = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'internal-team-alert').executeTakeFirstOrThrow();
    await approve(t.store.db, internal.id, 'user:1', DEFAULT_SCRIPT_RULES);
    await createTeamMember(t.store.db, buildTeamMember({ key: 'olive', role: 'owner', email: 'olive@example.com', phone: '+15555550401' }));
  });
  afterAll(async () => { await t?.stop(); });

  it('[P3] when the front desk logs a second "billing" problem in the console, then the owner gets the emergency by SMS and email and the console flags it', async () => {
    const desk = await signedIn(t.store, t.crier.url(), 'staff');
    await desk.page('/console/problems');
    expect((await desk.post('/console/problems', { category: 'Billing', note: 'Charged twice' })).status).toBe(200);
    await desk.page('/console/problems');
    const second = await desk.post('/console/problems', { category: 'billing', customer: 'c0', note: 'Invoice missing' });
    expect(await second.text()).toContain('the owners have been alerted as an emergency');
    expect(await waitFor(() => t.sandbox.twilio.messages().some((m) => m.to === '+15555550401' && m.body.startsWith('INCIDENT: EMERGENCY. Recurring problem: second "billing" problem')), 10_000)).toBe(true);
    expect(await waitFor(() => sendgridRecipients(t.sandbox.sendgrid).some((r) => r.to.includes('olive@example.com') && /Recurring problem/.test(r.subject ?? '')), 10_000)).toBe(true);
    expect((await desk.page('/console')).html).toContain('Recurring problems: treat as an emergency');
  });

  it('[P3] when problems are logged over the API, then a second complaint from one customer raises one alert, and bad input is refused naming the field', async () => {
    const post = (body: unknown) => fetch(`${t.crier.url()}/api/problems`, { method: 'POST', headers: { authorization: `Bearer ${'t'.repeat(24)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await (await post({ category: 'delivery', customer: 'c0', note: 'Parcel late' })).json() as { alerts: unknown[] };
    // c0 complained in the test above too, so this one is the second complaint of the customer's window.
    expect(first.alerts).toEqual([{ id: expect.any(Number), subject: expect.stringMatching(/^customer:\d+$/) }]);
    const third = await (await post({ category: 'login', customer: 'c0', note: 'Locked out' })).json() as { alerts: unknown[] };
    expect(third.alerts).toEqual([]);
    const bad = await post({ category: '', note: 'x', customer: 'Not A Key' });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields.sort()).toEqual(['category', 'customer']);
  });
});

import { createTeamMember } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildTeamMember } from '../../support/factories';
import { signedIn, testHasher } from '../../support/session';

type Client = Awaited<ReturnType<typeof signedIn>>;

describe('the SMS trigger PIN on the roster page', () => {
  let t: TestCrier;
  let comms: Client;
  let staff: Client;

  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1 });
    comms = await signedIn(t.store, t.crier.url(), 'comms');
    staff = await signedIn(t.store, t.crier.url(), 'staff');
  });
  afterAll(async () => { await t?.stop(); });

  const hashOf = async (id: number) => (await t.store.db.selectFrom('team_members').select('trigger_pin_hash').where('id', '=', id).executeTakeFirstOrThrow()).trigger_pin_hash;

  it('[B2] when comms sets a member\'s PIN, then only its scrypt hash is stored, the change is audited without it, and the page says a PIN is set', async () => {
    const lead = await createTeamMember(t.store.db, buildTeamMember({ role: 'comms lead' }));
    const page = await comms.page(`/console/roster/members/${lead.id}`);
    expect(page.html).toContain('No PIN is set.');
    const res = await comms.post(`/console/roster/members/${lead.id}/pin`, { action: 'set', pin: '5082', confirm: '5082' });
    expect(res.status).toBe(303);
    const hash = await hashOf(lead.id);
    expect(hash).toMatch(/^\$scrypt\$/);
    expect(await testHasher.verify(hash as string, '5082')).toBe(true);
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'detail']).where('subject', '=', `team-member:${lead.id}`).execute();
    expect(audit.map((a) => a.action)).toEqual(['roster.trigger_pin_set']);
    expect(JSON.stringify(audit)).not.toContain('5082');
    const after = await comms.page(`/console/roster/members/${lead.id}`);
    expect(after.html).toContain('A PIN is set.');
    expect(after.html).not.toContain('5082');

    expect((await comms.post(`/console/roster/members/${lead.id}/pin`, { action: 'remove' })).status).toBe(303);
    expect(await hashOf(lead.id)).toBeNull();
  });

  it('when the PIN is short, does not match, or the member is not in a comms role, then 400 names the field and nothing changes', async () => {
    const lead = await createTeamMember(t.store.db, buildTeamMember({ role: 'owner' }));
    const responder = await createTeamMember(t.store.db, buildTeamMember({ role: 'technical responder' }));
    await comms.page(`/console/roster/members/${lead.id}`);
    const short = await comms.post(`/console/roster/members/${lead.id}/pin`, { pin: '12', confirm: '12' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('data-field="pin"');
    const mismatch = await comms.post(`/console/roster/members/${lead.id}/pin`, { pin: '123456', confirm: '123457' });
    expect(await mismatch.text()).toContain('data-field="confirm"');
    const role = await comms.post(`/console/roster/members/${responder.id}/pin`, { pin: '123456', confirm: '123456' });
    expect(role.status).toBe(400);
    expect(await role.text()).toMatch(/data-field="pin"[^]*cannot trigger a notice by text/);
    expect([await hashOf(lead.id), await hashOf(responder.id)]).toEqual([null, null]);
    await staff.page('/console/roster');
    expect((await staff.post(`/console/roster/members/${lead.id}/pin`, { pin: '123456', confirm: '123456' })).status).toBe(403);
  });
});

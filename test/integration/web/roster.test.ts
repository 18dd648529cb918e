import { listAudit } from '../../../src/audit/audit.repository';
import { getFailureTypeByKey } from '../../../src/roster/failure-type.repository';
import { listResponders } from '../../../src/roster/responder.repository';
import { getTeamMemberByKey, listTeamMembers } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { signedIn, type WebClient } from '../../support/session';

type Client = WebClient & { userId: number };

const RAE = {
  key: 'rae', name: 'Rae Responder', role: 'technical responder', email: 'Rae@Example.com', altEmail: 'rae@home.example.com',
  phone: '(201) 555-0123', altPhone: '+1 201 555 0124', slack: 'U0RAE00001',
};
const SAM = { key: 'sam', name: 'Sam Second', role: 'technical responder', email: 'sam@example.com', altEmail: 'sam@home.example.com', phone: '+1 201 555 0125', altPhone: '201-555-0126', slack: '' };

/** A form with a repeated field, as a browser posts a list of selects of the same name. */
async function postList(client: WebClient, path: string, entries: [string, string][]): Promise<Response> {
  return fetch(client.baseUrl + path, {
    method: 'POST', redirect: 'manual',
    headers: { accept: 'text/html', cookie: client.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['_csrf', client.csrf], ...entries]).toString(),
  });
}

describe('team roster in the console', () => {
  let t: TestCrier;
  let comms: Client;
  let staff: Client;

  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 2 });
    comms = await signedIn(t.store, t.crier.url(), 'comms');
    staff = await signedIn(t.store, t.crier.url(), 'staff');
  });
  afterAll(async () => { await t?.stop(); });

  it('when comms adds members with alternates and a failure type with two responders, then the roster shows them in rank order and each change is audited', async () => {
    await comms.page('/console/roster');
    for (const m of [RAE, SAM]) {
      const res = await comms.post('/console/roster/members', m);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/roster');
    }
    const rae = await getTeamMemberByKey(t.store.db, 'rae');
    expect(rae).toMatchObject({ email: 'rae@example.com', altEmail: 'rae@home.example.com', phone: '+12015550123', altPhone: '+12015550124', slack: 'U0RAE00001', isBackup: false });
    const sam = await getTeamMemberByKey(t.store.db, 'sam');
    expect(sam).toMatchObject({ phone: '+12015550125', altPhone: '+12015550126', slack: null });

    expect((await comms.post('/console/roster/failure-types', { key: 'payments', name: 'Payments down', description: 'Card payments fail' })).status).toBe(303);
    const payments = await getFailureTypeByKey(t.store.db, 'payments');
    expect(payments).toBeDefined();
    // Sam first: the order given is the rank.
    const set = await postList(comms, `/console/roster/failure-types/${payments?.id}/responders`, [['responders', String(sam?.id)], ['responders', String(rae?.id)], ['responders', '']]);
    expect(set.status).toBe(303);
    expect((await listResponders(t.store.db, payments?.id as number)).map((r) => [r.rank, r.member.key])).toEqual([[1, 'sam'], [2, 'rae']]);

    const page = await comms.page('/console/roster');
    expect(page.status).toBe(200);
    expect(page.html).toContain('rae@home.example.com');
    expect(page.html).toContain('+12015550124');
    const list = /Payments down[\s\S]*?<ol>([\s\S]*?)<\/ol>/.exec(page.html)?.[1] ?? '';
    expect(list.indexOf('Sam Second')).toBeGreaterThanOrEqual(0);
    expect(list.indexOf('Sam Second')).toBeLessThan(list.indexOf('Rae Responder'));
    expect(page.html).not.toMatch(/<script|style="/);

    const actor = `user:${comms.userId}`;
    const added = await listAudit(t.store.db, { action: 'roster.member_added' });
    expect(added.map((a) => [a.actor, a.subject]).sort()).toEqual([[actor, `team-member:${rae?.id}`], [actor, `team-member:${sam?.id}`]].sort());
    expect(await listAudit(t.store.db, { action: 'roster.failure_type_added', subject: 'failure-type:payments' })).toHaveLength(1);
    const responders = await listAudit(t.store.db, { action: 'roster.responders_set', subject: 'failure-type:payments' });
    expect(responders.map((a) => a.detail)).toEqual([{ responders: ['sam', 'rae'] }]);
  });

  it('[R5] when an incident of that failure type opens, then both responders are alerted on their primary and alternate addresses', async () => {
    const result = await t.publish({ incident: { title: 'Card payments failing', impact: 'major', components: [], failureType: 'payments' }, channels: ['email'] });
    const alert = await t.store.db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select('broadcasts.id').where('incident_updates.incident_id', '=', result.incidentId).where('incident_updates.internal', '=', 1).executeTakeFirstOrThrow();
    const deliveries = await t.store.db.selectFrom('deliveries').select(['channel', 'address']).where('broadcast_id', '=', alert.id).execute();
    expect(deliveries.map((d) => `${d.channel}:${d.address}`).sort()).toEqual([
      'email:rae@example.com', 'email:rae@home.example.com', 'email:sam@example.com', 'email:sam@home.example.com',
      'slack:U0RAE00001',
      'sms:+12015550123', 'sms:+12015550124', 'sms:+12015550125', 'sms:+12015550126',
    ]);
  });

  it('when a phone, email or key is wrong, then the form comes back naming the field, with what was typed, and nothing is saved', async () => {
    await comms.page('/console/roster');
    const before = (await listTeamMembers(t.store.db)).length;
    const badPhone = await comms.post('/console/roster/members', { ...RAE, key: 'kim', phone: '555', altEmail: 'not an email' });
    expect(badPhone.status).toBe(400);
    const body = await badPhone.text();
    expect(body).toContain('data-field="phone"');
    expect(body).toContain('data-field="altEmail"');
    expect(body).not.toContain('data-field="email"');
    expect(body).toContain('value="not an email"');
    const duplicate = await comms.post('/console/roster/members', { ...RAE, name: 'Another Rae' });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain('data-field="key"');
    const unreachable = await comms.post('/console/roster/members', { key: 'ghost', name: 'Ghost', role: 'sales' });
    expect(unreachable.status).toBe(400);
    expect(await unreachable.text()).toContain('data-field="email"');
    expect((await listTeamMembers(t.store.db)).length).toBe(before);

    const rae = await getTeamMemberByKey(t.store.db, 'rae');
    const edit = await comms.page(`/console/roster/members/${rae?.id}`);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('value="rae@home.example.com"');
    const badEdit = await comms.post(`/console/roster/members/${rae?.id}`, { ...RAE, altPhone: 'call me' });
    expect(badEdit.status).toBe(400);
    expect(await badEdit.text()).toContain('data-field="altPhone"');
    expect((await getTeamMemberByKey(t.store.db, 'rae'))?.altPhone).toBe('+12015550124');

    const payments = await getFailureTypeByKey(t.store.db, 'payments');
    const unknown = await postList(comms, `/console/roster/failure-types/${payments?.id}/responders`, [['responders', '999999']]);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('data-field="responders"');
    const twice = await postList(comms, `/console/roster/failure-types/${payments?.id}/responders`, [['responders', String(rae?.id)], ['responders', String(rae?.id)]]);
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('data-field="responders"');
    expect((await listResponders(t.store.db, payments?.id as number)).map((r) => r.member.key)).toEqual(['sam', 'rae']);
    const dupType = await comms.post('/console/roster/failure-types', { key: 'payments', name: 'Again' });
    expect(dupType.status).toBe(409);
    expect(await dupType.text()).toContain('data-field="key"');
  });

  it('when staff open the roster, then they see it without forms, and every change they try is refused with 403', async () => {
    const page = await staff.page('/console/roster');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Rae Responder');
    expect(page.html).toContain('href="/console/roster"');
    expect(page.html).not.toContain('action="/console/roster/members"');
    const rae = await getTeamMemberByKey(t.store.db, 'rae');
    const payments = await getFailureTypeByKey(t.store.db, 'payments');
    const auditBefore = (await listAudit(t.store.db, { limit: 1000 })).length;
    const attempts: [string, Record<string, string>][] = [
      ['/console/roster/members', { ...RAE, key: 'staffer' }],
      [`/console/roster/members/${rae?.id}`, { ...RAE, name: 'Renamed' }],
      [`/console/roster/members/${rae?.id}/delete`, {}],
      ['/console/roster/failure-types', { key: 'staff-type', name: 'Staff type' }],
      [`/console/roster/failure-types/${payments?.id}/responders`, { responders: String(rae?.id) }],
    ];
    for (const [path, form] of attempts) {
      const res = await staff.post(path, form);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect((await staff.page(`/console/roster/members/${rae?.id}`)).status).toBe(403);
    expect((await getTeamMemberByKey(t.store.db, 'rae'))?.name).toBe('Rae Responder');
    expect(await getTeamMemberByKey(t.store.db, 'staffer')).toBeUndefined();
    expect((await listResponders(t.store.db, payments?.id as number))).toHaveLength(2);
    expect((await listAudit(t.store.db, { limit: 1000 })).length).toBe(auditBefore);
  });

  it('when comms edits and then removes a member, then the change and the removal are audited and the member leaves the responder list', async () => {
    await comms.page('/console/roster');
    const sam = await getTeamMemberByKey(t.store.db, 'sam');
    const edit = await comms.post(`/console/roster/members/${sam?.id}`, { ...SAM, role: 'comms lead', altEmail: '', isBackup: 'on' });
    expect(edit.status).toBe(303);
    expect(await getTeamMemberByKey(t.store.db, 'sam')).toMatchObject({ role: 'comms lead', altEmail: null, isBackup: true, phone: '+12015550125' });
    const changed = await listAudit(t.store.db, { action: 'roster.member_changed', subject: `team-member:${sam?.id}` });
    expect(changed.map((a) => a.detail)).toEqual([{ key: 'sam', fields: ['role', 'altEmail', 'isBackup'] }]);

    const removed = await comms.post(`/console/roster/members/${sam?.id}/delete`);
    expect(removed.status).toBe(303);
    expect(await getTeamMemberByKey(t.store.db, 'sam')).toBeUndefined();
    const payments = await getFailureTypeByKey(t.store.db, 'payments');
    expect((await listResponders(t.store.db, payments?.id as number)).map((r) => r.member.key)).toEqual(['rae']);
    expect(await listAudit(t.store.db, { action: 'roster.member_removed', subject: `team-member:${sam?.id}` })).toHaveLength(1);
    const again = await comms.post(`/console/roster/members/${sam?.id}/delete`);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('data-field="id"');
  });
});

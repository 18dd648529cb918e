import { listAudit } from '../../../src/audit/audit.repository';
import { getScriptByKey } from '../../../src/scripts/script.repository';
import { getScriptVersion, listScriptVersions } from '../../../src/scripts/script-version.repository';
import { broadcastableScripts } from '../../../src/scripts/script.service';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { signedIn, type WebClient } from '../../support/session';

type Client = WebClient & { userId: number };

/** The draft form as a browser submits it. */
const DRAFT_FORM = {
  variables: 'service | Online ordering | What is affected\nnext_update | 10:30 UTC | When the next update comes\nworkaround? | Order by phone. | What customers can do',
  emailSubject: 'Investigating: {{ service }}',
  emailBody: 'We are looking into a problem with {{ service }}.\n\nNext update by {{ next_update }}.',
  sms: '{{ service }} problem; we are on it. Next update by {{ next_update }}.',
  slack: '*{{ service }}*: investigating. Next update by {{ next_update }}.',
  x: 'We are investigating a problem with {{ service }}. Next update by {{ next_update }}.',
  phone: 'Confirm the problem with {{ service }}. Next update by {{ next_update }}.',
  phoneQa: 'Q: When will it be fixed?\nA: We will say by {{ next_update }}.',
  reseller: 'Forward to your customers: {{ service }} has a problem; next update by {{ next_update }}.',
};

const json = async (client: WebClient, method: string, path: string, body?: unknown) => {
  const res = await client.request(method, path, { json: body, headers: { accept: 'application/json', 'x-csrf-token': client.csrf } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string; details: { field: string }[] } } };
};

async function newScript(client: Client, key: string, name = 'Ordering outage'): Promise<number> {
  const res = await client.post('/console/scripts', { key, name, situation: 'investigating', description: 'When ordering fails' });
  expect(res.status).toBe(303);
  const id = Number(/\/console\/scripts\/(\d+)\/edit$/.exec(res.headers.get('location') ?? '')?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

const draftOf = async (t: TestCrier, scriptId: number) => (await listScriptVersions(t.store.db, scriptId)).find((v) => v.state === 'draft');

describe('script library in the console and the API', () => {
  let t: TestCrier;
  let owner: Client;
  let comms: Client;
  let staff: Client;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    owner = await signedIn(t.store, t.crier.url(), 'owner');
    comms = await signedIn(t.store, t.crier.url(), 'comms');
    staff = await signedIn(t.store, t.crier.url(), 'staff');
  });
  afterAll(async () => { await t?.stop(); });

  it('[S1] when a script is approved, edited and re-approved through the console, then the old version stays in force until the second approval', async () => {
    const scriptId = await newScript(comms, 'web-ordering');
    expect((await comms.post(`/console/scripts/${scriptId}/draft`, DRAFT_FORM)).status).toBe(303);
    const v1 = await draftOf(t, scriptId);
    expect(v1).toMatchObject({ version: 1, author: `user:${comms.userId}`, phoneQa: [{ question: 'When will it be fixed?', answer: 'We will say by {{ next_update }}.' }] });
    expect(v1?.variables.map((v) => [v.name, v.required])).toEqual([['service', true], ['next_update', true], ['workaround', false]]);

    const review = await owner.page(`/console/scripts/versions/${v1?.id}/approve`);
    expect(review.status).toBe(200);
    expect(review.html).toContain('would be the first version in force');
    expect(review.html).toMatch(/data-measure="sms">1 segment \(GSM-7/);
    expect((await owner.post(`/console/scripts/versions/${v1?.id}/approve`)).status).toBe(303);

    // Editing starts from the approved wording and opens version 2; version 1 stays in force.
    const edit = await comms.page(`/console/scripts/${scriptId}/edit`);
    expect(edit.html).toContain('{{ service }} problem; we are on it.');
    const newSms = '{{ service }}: cause found, fix under way. Next update by {{ next_update }}.';
    expect((await comms.post(`/console/scripts/${scriptId}/draft`, { ...DRAFT_FORM, sms: newSms })).status).toBe(303);
    const v2 = await draftOf(t, scriptId);
    expect(v2).toMatchObject({ version: 2, state: 'draft' });
    expect(await getScriptVersion(t.store.db, v1?.id as number)).toMatchObject({ state: 'approved' });
    expect((await broadcastableScripts(t.store.db)).filter((e) => e.script.id === scriptId).map((e) => e.version.id)).toEqual([v1?.id]);
    const approved = await json(staff, 'GET', '/api/scripts?state=approved');
    expect((approved.body.scripts as { id: number; inForce: { id: number; sms: string } }[]).find((s) => s.id === scriptId)?.inForce).toMatchObject({ id: v1?.id, sms: DRAFT_FORM.sms });
    const page = await comms.page(`/console/scripts/${scriptId}`);
    expect(page.html).toMatch(/data-version="1" data-state="approved"[\s\S]*data-version="2" data-state="draft"/);
    expect(page.html).toContain('Online ordering: cause found, fix under way. Next update by 10:30 UTC.');

    // The approver sees what changes before confirming.
    const diff = await owner.page(`/console/scripts/versions/${v2?.id}/approve`);
    expect(diff.html).toContain('replaces version 1');
    expect(diff.html).toMatch(/data-diff="sms">.*<del>problem;<\/del>.*<ins>.*cause found/s);
    expect(diff.html).not.toContain('data-diff="emailBody"');
    expect((await owner.post(`/console/scripts/versions/${v2?.id}/approve`)).status).toBe(303);
    expect(await getScriptVersion(t.store.db, v1?.id as number)).toMatchObject({ state: 'retired' });
    expect(await getScriptVersion(t.store.db, v2?.id as number)).toMatchObject({ state: 'approved', approver: `user:${owner.userId}` });
    const after = await json(staff, 'GET', '/api/scripts?state=approved');
    expect((after.body.scripts as { id: number; inForce: { id: number } }[]).find((s) => s.id === scriptId)?.inForce.id).toBe(v2?.id);

    // Audit: one approval entry per approval, by the signed-in owner.
    const entries = await listAudit(t.store.db, { subject: `script-version:${v2?.id}`, action: 'script.version-approved' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: `user:${owner.userId}`, detail: { supersedes: 1, author: `user:${comms.userId}` } });
  });

  it('[S1] when drafts and retired versions exist, then /api/scripts?state=approved and the broadcastable list offer only versions in force', async () => {
    const draftOnly = await newScript(comms, 'web-draft-only');
    await comms.post(`/console/scripts/${draftOnly}/draft`, DRAFT_FORM);
    const retiredId = await newScript(comms, 'web-retired');
    await comms.post(`/console/scripts/${retiredId}/draft`, DRAFT_FORM);
    const toRetire = await draftOf(t, retiredId);
    await owner.post(`/console/scripts/versions/${toRetire?.id}/approve`);
    expect((await owner.post(`/console/scripts/versions/${toRetire?.id}/retire`)).status).toBe(303);

    const { status, body } = await json(comms, 'GET', '/api/scripts?state=approved');
    expect(status).toBe(200);
    const listed = body.scripts as { id: number; key: string; inForce: { state: string } | null; draft?: unknown }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((s) => s.inForce?.state === 'approved' && !('draft' in s))).toBe(true);
    expect(listed.map((s) => s.id)).not.toEqual(expect.arrayContaining([draftOnly]));
    expect(listed.map((s) => s.id)).not.toEqual(expect.arrayContaining([retiredId]));
    // The starter library (eight drafts) is there for comms, but not as broadcastable.
    const all = await json(comms, 'GET', '/api/scripts');
    expect((all.body.scripts as { key: string }[]).map((s) => s.key)).toEqual(expect.arrayContaining(['investigating', 'web-draft-only', 'web-retired']));
    const offered = (await broadcastableScripts(t.store.db)).map((e) => e.script.id);
    expect(offered).not.toContain(draftOnly);
    expect(offered).not.toContain(retiredId);
    expect(offered).toContain(listed[0]?.id);
  });

  it('[S3] when staff read the library in the console or the API, then they never see a draft\'s wording', async () => {
    const scriptId = await newScript(comms, 'web-secret');
    await comms.post(`/console/scripts/${scriptId}/draft`, { ...DRAFT_FORM, phone: 'UNAPPROVED-QUOKKA {{ service }} {{ next_update }}' });
    const ownerView = await owner.page(`/console/scripts/${scriptId}`);
    expect(ownerView.html).toContain('UNAPPROVED-QUOKKA');
    for (const path of ['/console/scripts', `/console/scripts/${scriptId}`]) {
      const res = await staff.page(path);
      expect(res.status).toBe(200);
      expect(res.html).not.toContain('UNAPPROVED-QUOKKA');
    }
    expect((await staff.page(`/console/scripts/${scriptId}`)).html).toContain('Nothing is approved yet');
    expect((await staff.page(`/console/scripts/${scriptId}/edit`)).status).toBe(403);
    const one = await json(staff, 'GET', `/api/scripts/${scriptId}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('draft');
    expect(JSON.stringify(one.body)).not.toContain('UNAPPROVED-QUOKKA');
    expect(JSON.stringify((await json(staff, 'GET', '/api/scripts')).body)).not.toContain('UNAPPROVED-QUOKKA');
    const refused = await json(staff, 'GET', '/api/scripts?state=draft');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.details[0]?.field).toBe('state');
    expect(JSON.stringify((await json(comms, 'GET', `/api/scripts/${scriptId}`)).body)).toContain('UNAPPROVED-QUOKKA');
  });

  it('when the draft form has problems, then it comes back with status 400, what was typed, and each problem naming its field', async () => {
    const scriptId = await newScript(comms, 'web-invalid');
    const res = await comms.post(`/console/scripts/${scriptId}/draft`, { ...DRAFT_FORM, variables: 'not a name! | x', phoneQa: 'just a line' });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('data-field="variables"');
    expect(body).toContain('data-field="phoneQa"');
    expect(body).toContain('just a line');
    const tooLong = await comms.post(`/console/scripts/${scriptId}/draft`, { ...DRAFT_FORM, sms: 'x'.repeat(1601) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('data-field="sms"');
    expect(await draftOf(t, scriptId)).toBeUndefined();
    const taken = await comms.post('/console/scripts', { key: 'web-invalid', name: 'Again', situation: 'investigating' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('data-field="key"');
    const badKey = await comms.post('/console/scripts', { key: 'Not A Key', name: 'x', situation: 'nowhere' });
    expect(badKey.status).toBe(400);
    expect(await badKey.text()).toMatch(/data-field="key"[\s\S]*data-field="name"[\s\S]*data-field="situation"/);
  });

  it('when comms uses the API, then it creates a script with a draft and saves drafts, but cannot approve or retire', async () => {
    const created = await json(comms, 'POST', '/api/scripts', { key: 'api-made', name: 'Made over the API', situation: 'identified', draft: { sms: '{{ service }} is back.', variables: [{ name: 'service', example: 'Ordering' }] } });
    expect(created.status).toBe(201);
    const draft = created.body.draft as { id: number; version: number; author: string };
    expect(draft).toMatchObject({ version: 1, author: `user:${comms.userId}` });
    const script = await getScriptByKey(t.store.db, 'api-made');
    const saved = await json(comms, 'POST', `/api/scripts/${script?.id}/draft`, { sms: '{{ service }} is back up.', variables: [{ name: 'service', example: 'Ordering' }] });
    expect(saved).toMatchObject({ status: 200, body: { version: { id: draft.id, sms: '{{ service }} is back up.' } } });
    expect((await json(comms, 'POST', `/api/scripts/versions/${draft.id}/approve`)).status).toBe(403);
    const approved = await json(owner, 'POST', `/api/scripts/versions/${draft.id}/approve`);
    expect(approved).toMatchObject({ status: 200, body: { version: { state: 'approved', approver: `user:${owner.userId}` }, replaced: null } });
    const again = await json(owner, 'POST', `/api/scripts/versions/${draft.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error?.details[0]?.field).toBe('id');
    const bad = await json(comms, 'POST', '/api/scripts', { key: 'api-bad', name: 'x', draft: { sms: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details.map((d) => d.field)).toEqual(['name', 'draft.sms']);
  });
});

describe('script approval with the two-person rule and a one-segment SMS limit', () => {
  let t: TestCrier;
  let owner: Client;
  let otherOwner: Client;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1, env: { SCRIPTS_TWO_PERSON_RULE: 'true', SMS_MAX_SEGMENTS: '1' } });
    owner = await signedIn(t.store, t.crier.url(), 'owner');
    otherOwner = await signedIn(t.store, t.crier.url(), 'owner');
  });
  afterAll(async () => { await t?.stop(); });

  it('[S1] when an owner approves their own draft through the console or the API, then it is refused with a clear message and stays a draft', async () => {
    const scriptId = await newScript(owner, 'two-person');
    await owner.post(`/console/scripts/${scriptId}/draft`, DRAFT_FORM);
    const draft = await draftOf(t, scriptId);
    const review = await owner.page(`/console/scripts/versions/${draft?.id}/approve`);
    expect(review.html).toContain('The two-person rule is on: you saved this draft last');
    expect(review.html).not.toContain(`action="/console/scripts/versions/${draft?.id}/approve"`);

    const refused = await owner.post(`/console/scripts/versions/${draft?.id}/approve`);
    expect(refused.status).toBe(403);
    const page = await refused.text();
    expect(page).toContain('data-field="approver"');
    expect(page).toContain('an author may not approve their own script version; ask another approver');
    const viaApi = await json(owner, 'POST', `/api/scripts/versions/${draft?.id}/approve`);
    expect(viaApi).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: [{ field: 'approver' }] } } });
    expect(viaApi.body.error?.message).toContain('two-person rule');
    expect(await getScriptVersion(t.store.db, draft?.id as number)).toMatchObject({ state: 'draft', approver: null });
    expect(await listAudit(t.store.db, { subject: `script-version:${draft?.id}`, action: 'script.version-approved' })).toEqual([]);

    expect((await otherOwner.post(`/console/scripts/versions/${draft?.id}/approve`)).status).toBe(303);
    const entries = await listAudit(t.store.db, { subject: `script-version:${draft?.id}`, action: 'script.version-approved' });
    expect(entries.map((e) => e.actor)).toEqual([`user:${otherOwner.userId}`]);
  });

  it('when the SMS takes two segments and SMS_MAX_SEGMENTS is 1, then the console shows the count and approval is refused naming the SMS', async () => {
    const scriptId = await newScript(owner, 'long-sms');
    const sms = `{{ service }}: ${'orders fail at checkout and we are on it. '.repeat(4)}Next update by {{ next_update }}.`;
    await owner.post(`/console/scripts/${scriptId}/draft`, { ...DRAFT_FORM, sms });
    const draft = await draftOf(t, scriptId);
    const page = await otherOwner.page(`/console/scripts/${scriptId}`);
    expect(page.html).toMatch(/data-measure="sms">2 segments \(GSM-7, \d+ characters; limit 1\)/);
    expect(page.html).toContain('renders to 2 SMS segments');
    const refused = await otherOwner.post(`/console/scripts/versions/${draft?.id}/approve`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('data-field="sms"');
    expect(await getScriptVersion(t.store.db, draft?.id as number)).toMatchObject({ state: 'draft' });
  });
});

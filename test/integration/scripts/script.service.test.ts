import { listAudit } from '../../../src/audit/audit.repository';
import { publishUpdate, type PublishContext } from '../../../src/incidents/publish.service';
import type { PublishInput } from '../../../src/incidents/publish';
import type { RenderedUpdate } from '../../../src/render';
import { approve, createScript, DEFAULT_SCRIPT_RULES, inForce, retire, reviewVersion, saveDraft } from '../../../src/scripts/script.service';
import { getScriptVersion, listScriptVersions } from '../../../src/scripts/script-version.repository';
import { buildDraft } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const RULES = DEFAULT_SCRIPT_RULES;
const TWO_PERSON = { ...DEFAULT_SCRIPT_RULES, twoPersonRule: true };
const CTX: PublishContext = { actor: 'user:1', brandName: 'Acme', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now: Date.UTC(2025, 2, 11, 10) };
const VALUES = { service: 'Online ordering', next_update: '10:30 UTC' };

let n = 0;
const nextKey = (): string => `script-${++n}`;

function update(scriptVersionId: number, overrides: Partial<PublishInput> = {}): PublishInput {
  return {
    incident: { title: 'Ordering down', impact: 'major', components: [] }, status: 'investigating', scriptVersionId,
    variables: VALUES, audiences: ['customers'], channels: ['email', 'sms', 'slack', 'x'], ...overrides,
  };
}

describe.each(DIALECTS)('%s: script library workflow', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  const newDraft = async (overrides: Parameters<typeof buildDraft>[0] = {}, author = 'user:writer') => {
    const { script, draft } = await createScript(store.db, { key: nextKey(), name: 'Ordering outage', situation: 'investigating' }, author, buildDraft(overrides));
    return { script, draft: draft as NonNullable<typeof draft> };
  };
  const updatesCount = async () => Number((await store.db.selectFrom('incident_updates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('[S1] when a draft or a retired version is published, then publishing refuses with a 409 conflict naming the script and state, and writes nothing', async () => {
    const { draft } = await newDraft();
    const before = await updatesCount();
    const refusal = publishUpdate(store.db, update(draft.id), CTX);
    await expect(refusal).rejects.toMatchObject({
      code: 'conflict', status: 409, message: 'Version 1 of script "Ordering outage" is draft; only an approved version can be broadcast.',
      details: [{ field: 'scriptVersionId', message: 'version is draft, not approved' }],
    });
    await approve(store.db, draft.id, 'user:approver', RULES);
    await retire(store.db, draft.id, 'user:owner');
    await expect(publishUpdate(store.db, update(draft.id), CTX)).rejects.toMatchObject({ code: 'conflict', status: 409, message: expect.stringContaining('is retired') });
    expect(await updatesCount()).toBe(before);
  });

  it('[S1] when an approved script is edited, then the approved version stays in force and broadcastable until the new draft is approved', async () => {
    const { script, draft: v1 } = await newDraft();
    await approve(store.db, v1.id, 'user:approver', RULES, 1_000);
    const v2 = await saveDraft(store.db, script.id, buildDraft({ sms: '{{ service }}: cause found. Next update by {{ next_update }}.' }), 'user:writer');
    expect(v2).toMatchObject({ version: 2, state: 'draft' });
    expect(await inForce(store.db, script.key)).toMatchObject({ version: { id: v1.id, state: 'approved' } });
    const during = await publishUpdate(store.db, update(v1.id), CTX);
    await expect(publishUpdate(store.db, update(v2.id), CTX)).rejects.toMatchObject({ code: 'conflict' });

    // Saving again edits the open draft; it does not add a version.
    const v2b = await saveDraft(store.db, script.id, buildDraft({ sms: '{{ service }}: cause found, fix under way. Next update by {{ next_update }}.' }), 'user:writer');
    expect(v2b.id).toBe(v2.id);

    const review = await approve(store.db, v2.id, 'user:approver', RULES, 2_000);
    expect(review.diff.fromVersion).toBe(1);
    expect(review.diff.fields.map((f) => f.field)).toEqual(['sms']);
    expect(review.version).toMatchObject({ state: 'approved', approver: 'user:approver', approvedAt: 2_000 });
    expect(await getScriptVersion(store.db, v1.id)).toMatchObject({ state: 'retired', retiredAt: 2_000 });
    expect(await inForce(store.db, script.key)).toMatchObject({ version: { id: v2.id } });
    await expect(publishUpdate(store.db, update(v1.id, { incidentId: during.incidentId, incident: undefined }), CTX)).rejects.toMatchObject({ code: 'conflict' });
    const after = await publishUpdate(store.db, update(v2.id, { incidentId: during.incidentId, incident: undefined }), CTX);

    const stored = await store.db.selectFrom('incident_updates').select(['id', 'script_version_id', 'rendered']).where('id', 'in', [during.updateId, after.updateId]).orderBy('id').execute();
    expect(stored.map((u) => u.script_version_id)).toEqual([v1.id, v2.id]);
    const [first, second] = stored.map((u) => JSON.parse(u.rendered) as RenderedUpdate);
    expect(first?.sms.text).toBe('Online ordering problem; we are on it. Next update by 10:30 UTC.');
    expect(second?.sms.text).toBe('Online ordering: cause found, fix under way. Next update by 10:30 UTC.');
    expect(second?.phone.qa).toEqual([{ question: 'When will it be fixed?', answer: 'We will say by 10:30 UTC.' }]);

    const audit = (await listAudit(store.db, {})).filter((e) => [`script-version:${v1.id}`, `script-version:${v2.id}`].includes(e.subject));
    expect(audit.map((e) => `${e.action} ${e.subject}`).reverse()).toEqual([
      `script.draft-created script-version:${v1.id}`,
      `script.version-approved script-version:${v1.id}`,
      `script.draft-created script-version:${v2.id}`,
      `script.draft-updated script-version:${v2.id}`,
      `script.version-approved script-version:${v2.id}`,
      `script.version-retired script-version:${v1.id}`,
    ]);
    expect(audit.find((e) => e.action === 'script.version-approved' && e.subject === `script-version:${v2.id}`)?.detail).toMatchObject({ supersedes: 1, diff: expect.stringMatching(/^sms \+\d+\/-\d+$/) });
  });

  it('[S1] when the two-person rule is on and the author approves their own version, then it is forbidden; another person may approve it', async () => {
    const { draft } = await newDraft({}, 'user:writer');
    await expect(approve(store.db, draft.id, ' USER:writer', TWO_PERSON)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    expect(await getScriptVersion(store.db, draft.id)).toMatchObject({ state: 'draft', approver: null });
    await expect(approve(store.db, draft.id, 'user:approver', TWO_PERSON)).resolves.toMatchObject({ version: { state: 'approved' } });
  });

  it('when the two-person rule is off, then an author may approve their own version', async () => {
    const { draft } = await newDraft({}, 'user:writer');
    await expect(approve(store.db, draft.id, 'user:writer', RULES)).resolves.toMatchObject({ version: { state: 'approved', approver: 'user:writer' } });
  });

  it('when a version is approved twice, then the second approval is a conflict', async () => {
    const { draft } = await newDraft();
    await approve(store.db, draft.id, 'user:approver', RULES);
    await expect(approve(store.db, draft.id, 'user:other', RULES)).rejects.toMatchObject({ code: 'conflict', status: 409 });
  });

  it('[S2] when variables are missing at send, then publishing names every missing one and writes nothing', async () => {
    const { draft } = await newDraft();
    await approve(store.db, draft.id, 'user:approver', RULES);
    const before = await updatesCount();
    await expect(publishUpdate(store.db, update(draft.id, { variables: {} }), CTX)).rejects.toMatchObject({
      code: 'invalid_input', status: 400, message: 'Fill in every variable of the script: service, next_update.',
      details: [{ field: 'variables.service', message: 'required by the script' }, { field: 'variables.next_update', message: 'required by the script' }],
    });
    expect(await updatesCount()).toBe(before);
  });

  it('[S2] when the SMS renders to 3 segments with its example values, then it cannot be approved at the default limit of 2', async () => {
    const sms = '{{ service }}: {{ detail }}';
    const detail = { name: 'detail', description: 'What customers see', required: true, example: 'Orders fail at checkout. '.repeat(12).trim() };
    const { draft } = await newDraft({ sms, variables: [...buildDraft().variables, detail] });
    const review = await reviewVersion(store.db, draft.id, RULES);
    expect(review.check.sms).toMatchObject({ segments: 3, encoding: 'GSM-7', maxSegments: 2 });
    const refused = approve(store.db, draft.id, 'user:approver', RULES);
    await expect(refused).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'sms', message: expect.stringContaining('renders to 3 SMS segments') }] });
    expect(await getScriptVersion(store.db, draft.id)).toMatchObject({ state: 'draft' });
    await expect(approve(store.db, draft.id, 'user:approver', { ...RULES, smsMaxSegments: 3 })).resolves.toMatchObject({ version: { state: 'approved' } });
  });

  it('[S2] when an SMS fits at approval but the sender\'s values make it longer than the limit, then sending is refused', async () => {
    const { draft } = await newDraft();
    await approve(store.db, draft.id, 'user:approver', RULES);
    const long = { ...VALUES, service: 'Online ordering and payments '.repeat(12) };
    await expect(publishUpdate(store.db, update(draft.id, { variables: long }), CTX)).rejects.toMatchObject({ code: 'invalid_input', details: expect.arrayContaining([expect.objectContaining({ field: 'sms' })]) });
    await expect(publishUpdate(store.db, update(draft.id, { variables: long, channels: ['email'] }), CTX)).resolves.toMatchObject({ updateId: expect.any(Number) });
  });

  it('[S2] when the X post weighs more than 280 with its status link, then it cannot be approved', async () => {
    const x = `{{ service }}: ${'we are working on it and will update you soon. '.repeat(6)}`;
    const { draft } = await newDraft({ x });
    const review = await reviewVersion(store.db, draft.id, RULES);
    expect(review.check.x?.weightedLength).toBeGreaterThan(280);
    // The same social text is Bluesky's too, where it is also too long.
    await expect(approve(store.db, draft.id, 'user:approver', RULES)).rejects.toMatchObject({ code: 'invalid_input', details: [
      { field: 'x', message: expect.stringContaining('X allows 280') }, { field: 'x', message: expect.stringContaining('Bluesky allows 300') },
    ] });
    const fits = await saveDraft(store.db, draft.scriptId, buildDraft(), 'user:writer');
    expect((await reviewVersion(store.db, fits.id, RULES)).check.x?.weightedLength).toBeLessThanOrEqual(280);
  });

  it.each([
    ['slack', '{% include "secrets" %}', '{% include %} is not allowed in a script'],
    ['emailBody', '{{ service | some_filter }}', 'undefined filter: some_filter'],
    ['sms', '{{ service.constructor.name }} {{ next_update }}', 'undefined variable: service.constructor'],
  ])('[S2] when the %s template holds %s, then the version cannot be approved and the problem says why', async (field, template, reason) => {
    const { draft } = await newDraft({ [field]: template });
    await expect(approve(store.db, draft.id, 'user:approver', RULES)).rejects.toMatchObject({
      code: 'invalid_input', details: expect.arrayContaining([{ field, message: expect.stringContaining(reason) }]),
    });
  });

  it('[S2] when values hold Liquid, prototype names and HTML, then every channel shows them as text and the email HTML escapes them', async () => {
    const { draft } = await newDraft();
    await approve(store.db, draft.id, 'user:approver', RULES);
    const hostile = '<img src=x onerror=alert(1)> {{ constructor }} {% include "x" %} {{ a | b }}';
    const result = await publishUpdate(store.db, update(draft.id, { variables: { service: hostile, next_update: '10:30 UTC' }, channels: ['email', 'slack'] }), CTX);
    const row = await store.db.selectFrom('incident_updates').select('rendered').where('id', '=', result.updateId).executeTakeFirstOrThrow();
    const rendered = JSON.parse(row.rendered) as RenderedUpdate;
    expect(rendered.email.subject).toBe(`Investigating: ${hostile}`);
    expect(rendered.email.html).not.toContain('<img');
    expect(rendered.email.html).toContain('&lt;img src=x onerror=alert(1)&gt; {{ constructor }} {% include &quot;x&quot; %} {{ a | b }}');
    expect(rendered.sms.text).toContain(hostile);
    expect(rendered.phone.talkingPoints).toContain(hostile);
    expect(JSON.stringify(rendered.slack.blocks)).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('when an optional variable is left out at send, then its text is left out; when a channel has no text, it is not offered', async () => {
    const { draft } = await newDraft({ x: '' });
    const review = await approve(store.db, draft.id, 'user:approver', RULES);
    expect(review.check.offered).toEqual(['email', 'sms', 'slack', 'phone', 'reseller', 'teams']);
    await expect(publishUpdate(store.db, update(draft.id), CTX)).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'channels', message: 'this script has no X post' }] });
    const result = await publishUpdate(store.db, update(draft.id, { channels: ['email'] }), CTX);
    const row = await store.db.selectFrom('incident_updates').select('rendered').where('id', '=', result.updateId).executeTakeFirstOrThrow();
    expect((JSON.parse(row.rendered) as RenderedUpdate).page.body).toBe('We are looking into a problem with Online ordering.\n\nNext update by 10:30 UTC.');
  });

  it('when a draft is retired, then it is audited and cannot be approved; retiring again changes nothing', async () => {
    const { draft } = await newDraft();
    const retired = await retire(store.db, draft.id, 'user:owner', 5_000);
    expect(retired).toMatchObject({ state: 'retired', retiredAt: 5_000 });
    await expect(retire(store.db, draft.id, 'user:owner', 6_000)).resolves.toMatchObject({ retiredAt: 5_000 });
    await expect(approve(store.db, draft.id, 'user:approver', RULES)).rejects.toMatchObject({ code: 'conflict' });
    const entries = await listAudit(store.db, { subject: `script-version:${draft.id}`, action: 'script.version-retired' });
    expect(entries.map((e) => e.detail)).toEqual([expect.objectContaining({ was: 'draft' })]);
    expect((await listScriptVersions(store.db, draft.scriptId)).map((v) => v.state)).toEqual(['retired']);
  });

  it('when a script key is taken, then creating another is a conflict and nothing is written', async () => {
    const { script } = await newDraft();
    await expect(createScript(store.db, { key: script.key, name: 'Duplicate' }, 'user:writer', buildDraft())).rejects.toMatchObject({ code: 'conflict', status: 409 });
  });
});

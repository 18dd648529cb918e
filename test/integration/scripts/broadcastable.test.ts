import { chooseScripts, deskIncidents } from '../../../src/desk/desk.service';
import { publishUpdate, type PublishContext } from '../../../src/incidents/publish.service';
import { createFailureType } from '../../../src/roster/failure-type.repository';
import type { Script } from '../../../src/scripts/script';
import { approve, broadcastableScripts, createScript, DEFAULT_SCRIPT_RULES, retire, saveDraft } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import { buildDraft, buildFailureType } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const RULES = DEFAULT_SCRIPT_RULES;
const CTX: PublishContext = { actor: 'user:1', brandName: 'Acme', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now: Date.UTC(2025, 2, 11, 10) };
const DESK = { brandName: 'Acme', statusPageUrl: 'https://status.example.com/status' };

describe.each(DIALECTS)('%s: what may be broadcast and what the desk shows', (dialect) => {
  let store: TestStore;
  let n = 0;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await ensureStarterLibrary(store.db);
  });
  afterAll(async () => { await store.dispose(); });

  const newScript = async (situation: Script['situation'], overrides: Parameters<typeof buildDraft>[0] = {}, failureTypeId: number | null = null) => {
    const { script, draft } = await createScript(store.db, { key: `${dialect}-${situation}-${++n}`, name: `${situation} ${n}`, situation, failureTypeId }, 'user:writer', buildDraft(overrides));
    if (!draft) throw new Error('no draft');
    return { script, draft };
  };

  it('[S1] when scripts are drafted, approved, edited and retired, then the broadcastable list holds exactly the versions in force', async () => {
    const approvedOnce = await newScript('investigating');
    await approve(store.db, approvedOnce.draft.id, 'user:owner', RULES);
    const edited = await newScript('identified');
    await approve(store.db, edited.draft.id, 'user:owner', RULES);
    const openDraft = await saveDraft(store.db, edited.script.id, buildDraft({ sms: 'DRAFT ONLY {{ service }} {{ next_update }}' }), 'user:writer');
    const superseded = await newScript('monitoring');
    await approve(store.db, superseded.draft.id, 'user:owner', RULES);
    const v2 = await saveDraft(store.db, superseded.script.id, buildDraft({ sms: 'Second wording {{ service }} {{ next_update }}' }), 'user:writer');
    await approve(store.db, v2.id, 'user:owner', RULES);
    const retired = await newScript('resolved');
    await approve(store.db, retired.draft.id, 'user:owner', RULES);
    await retire(store.db, retired.draft.id, 'user:owner');
    const draftOnly = await newScript('other');

    const list = await broadcastableScripts(store.db);
    const ids = list.map((e) => e.version.id);
    expect(list.every((e) => e.version.state === 'approved')).toBe(true);
    expect(ids).toEqual(expect.arrayContaining([approvedOnce.draft.id, edited.draft.id, v2.id]));
    for (const absent of [openDraft.id, superseded.draft.id, retired.draft.id, draftOnly.draft.id]) expect(ids).not.toContain(absent);
    expect(list.find((e) => e.version.id === edited.draft.id)?.script).toMatchObject({ id: edited.script.id, key: edited.script.key, situation: 'identified' });
    // The eight starter scripts are drafts: none is broadcastable until someone approves it.
    expect(list.filter((e) => e.version.author === 'system:starter-library')).toEqual([]);
    const states = await store.db.selectFrom('script_versions').select(['id', 'state']).execute();
    expect(ids.sort((a, b) => a - b)).toEqual(states.filter((s) => s.state === 'approved').map((s) => s.id).sort((a, b) => a - b));
  });

  it('[S3] when an incident is open, then the desk fills its last script and the scripts of its phase with its values, and shows no draft', async () => {
    const used = await newScript('investigating', { phone: 'Tell the caller {{ service }} is down. Next update by {{ next_update }}.' });
    await approve(store.db, used.draft.id, 'user:owner', RULES);
    await saveDraft(store.db, used.script.id, buildDraft({ phone: 'UNAPPROVED-WORDING {{ service }} {{ next_update }}' }), 'user:writer');
    const samePhase = await newScript('investigating', { phone: 'Same phase: {{ service }}. {{ next_update }}.' });
    await approve(store.db, samePhase.draft.id, 'user:owner', RULES);
    const otherPhase = await newScript('resolved', { phone: 'All fixed: {{ service }}. {{ next_update }}.' });
    await approve(store.db, otherPhase.draft.id, 'user:owner', RULES);
    const needsMore = await newScript('internal', {
      phone: 'Internal: {{ service }} {{ pager }} {{ next_update }}',
      variables: [...buildDraft().variables, { name: 'pager', description: 'who is paged', required: true, example: 'Ann' }],
    });
    await approve(store.db, needsMore.draft.id, 'user:owner', RULES);

    const published = await publishUpdate(store.db, {
      incident: { title: 'Ordering down', impact: 'major', components: [] }, status: 'investigating', scriptVersionId: used.draft.id,
      variables: { service: 'Zebra checkout', next_update: '11:45 UTC' }, audiences: ['customers'], channels: ['email'],
    }, CTX);
    const desk = await deskIncidents(store.db, DESK);
    const incident = desk.find((i) => i.id === published.incidentId);
    expect(incident).toMatchObject({ title: 'Ordering down', status: 'investigating', statusLabel: 'Investigating', lastUpdateAt: CTX.now });
    const keys = incident?.scripts.map((s) => s.key) ?? [];
    expect(keys[0]).toBe(used.script.key);
    expect(incident?.scripts[0]).toMatchObject({ lastUsed: true, versionId: used.draft.id, phone: { talkingPoints: 'Tell the caller Zebra checkout is down. Next update by 11:45 UTC.' } });
    expect(keys).toContain(samePhase.script.key);
    expect(keys).not.toContain(otherPhase.script.key);
    expect(incident?.unfilled).toEqual([{ key: needsMore.script.key, name: needsMore.script.name, reason: expect.stringContaining('pager') }]);
    expect(JSON.stringify(desk)).not.toContain('UNAPPROVED-WORDING');
  });

  it('when a script is written for another failure type, then the desk leaves it out; one for this failure type comes before generic ones', async () => {
    const power = await createFailureType(store.db, buildFailureType({ key: `power-${dialect}` }));
    const network = await createFailureType(store.db, buildFailureType({ key: `network-${dialect}` }));
    const generic = { script: { id: 1, situation: 'investigating', failureTypeId: null } as Script };
    const forPower = { script: { id: 2, situation: 'investigating', failureTypeId: power.id } as Script };
    const forNetwork = { script: { id: 3, situation: 'investigating', failureTypeId: network.id } as Script };
    const team = { script: { id: 4, situation: 'internal', failureTypeId: null } as Script };
    const chosen = chooseScripts({ status: 'investigating', failureTypeId: power.id }, [team, generic, forNetwork, forPower], undefined);
    expect(chosen.map((c) => c.script.id)).toEqual([2, 1, 4]);
    expect(chooseScripts({ status: 'investigating', failureTypeId: power.id }, [team, generic, forNetwork], 3).map((c) => c.script.id)).toEqual([3, 1, 4]);
  });

  it('when a script names a failure type that does not exist, then creating it is refused naming the field', async () => {
    await expect(createScript(store.db, { key: `ghost-${dialect}`, name: 'Ghost type', failureTypeId: 999_999 }, 'user:writer')).rejects.toMatchObject({
      code: 'invalid_input', details: [{ field: 'failureTypeId', message: 'no failure type with this id' }],
    });
  });
});

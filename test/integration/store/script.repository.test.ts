import { createFailureType } from '../../../src/roster/failure-type.repository';
import { createScript, deleteScript, getScript, getScriptByKey, listScripts, renameScript } from '../../../src/scripts/script.repository';
import {
  addDraftVersion, approveVersion, getApprovedVersion, getScriptVersion, listScriptVersions, requireApproved, retireVersion,
} from '../../../src/scripts/script-version.repository';
import { buildFailureType, buildScript, buildScriptVersion } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const APPROVED_AT = Date.UTC(2025, 2, 3, 9);
const RULES = { twoPersonRule: false };

describe.each(DIALECTS)('%s: script repositories', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when a script is created, renamed and deleted, then each step reads back', async () => {
    const failure = await createFailureType(store.db, buildFailureType());
    const script = await createScript(store.db, buildScript({ key: 'site-down-first-notice', failureTypeId: failure.id }));
    expect(await getScript(store.db, script.id)).toEqual(script);
    expect(await getScriptByKey(store.db, 'site-down-first-notice')).toEqual(script);
    expect(await listScripts(store.db, { failureTypeId: failure.id })).toEqual([script]);
    expect(await renameScript(store.db, script.id, 'Website down: first notice')).toEqual({ ...script, name: 'Website down: first notice' });
    expect(await deleteScript(store.db, script.id)).toBe(true);
    expect(await getScript(store.db, script.id)).toBeUndefined();
  });

  it('[F3] when drafts are added, then they are numbered in order and listed newest first', async () => {
    const script = await createScript(store.db, buildScript());
    const v1 = await addDraftVersion(store.db, buildScriptVersion(script.id, { sms: 'first' }));
    const v2 = await addDraftVersion(store.db, buildScriptVersion(script.id, { sms: 'second' }));
    expect([v1.version, v2.version, v1.state]).toEqual([1, 2, 'draft']);
    expect(await getScriptVersion(store.db, v1.id)).toEqual(v1);
    expect(await listScriptVersions(store.db, script.id)).toEqual([v2, v1]);
  });

  it('[F3] when someone other than the author approves a draft, then it is approved and broadcastable', async () => {
    const script = await createScript(store.db, buildScript());
    const draft = await addDraftVersion(store.db, buildScriptVersion(script.id, { author: 'writer@example.com' }));
    await expect(requireApproved(store.db, draft.id)).rejects.toMatchObject({ code: 'conflict' });
    const approved = await approveVersion(store.db, draft.id, 'owner@example.com', APPROVED_AT, RULES);
    expect(approved).toEqual({ ...draft, state: 'approved', approver: 'owner@example.com', approvedAt: APPROVED_AT });
    await expect(requireApproved(store.db, draft.id)).resolves.toEqual(approved);
  });

  it('[F3] when the two-person rule is on and the author approves their own draft, then it is forbidden and stays a draft', async () => {
    const script = await createScript(store.db, buildScript());
    const draft = await addDraftVersion(store.db, buildScriptVersion(script.id, { author: 'writer@example.com' }));
    await expect(approveVersion(store.db, draft.id, ' Writer@Example.com', APPROVED_AT, { twoPersonRule: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await getScriptVersion(store.db, draft.id)).toMatchObject({ state: 'draft', approver: null });
  });

  it('[F3] when a version is approved twice or retired, then approval is a conflict and retired is not broadcastable', async () => {
    const script = await createScript(store.db, buildScript());
    const draft = await addDraftVersion(store.db, buildScriptVersion(script.id));
    await approveVersion(store.db, draft.id, 'owner@example.com', APPROVED_AT, RULES);
    await expect(approveVersion(store.db, draft.id, 'other@example.com', APPROVED_AT, RULES)).rejects.toMatchObject({ code: 'conflict' });
    expect(await retireVersion(store.db, draft.id)).toMatchObject({ state: 'retired' });
    await expect(requireApproved(store.db, draft.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(requireApproved(store.db, 999_999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('[F3] when a newer version is approved, then it supersedes the one in force, which is retired', async () => {
    const script = await createScript(store.db, buildScript());
    expect(await getApprovedVersion(store.db, script.id)).toBeUndefined();
    const v1 = await addDraftVersion(store.db, buildScriptVersion(script.id));
    const v2 = await addDraftVersion(store.db, buildScriptVersion(script.id));
    await addDraftVersion(store.db, buildScriptVersion(script.id));
    await approveVersion(store.db, v1.id, 'owner@example.com', APPROVED_AT, RULES);
    await approveVersion(store.db, v2.id, 'owner@example.com', APPROVED_AT + 1, RULES);
    expect(await getApprovedVersion(store.db, script.id)).toMatchObject({ id: v2.id, version: 2 });
    expect(await getScriptVersion(store.db, v1.id)).toMatchObject({ state: 'retired', retiredAt: APPROVED_AT + 1 });
    await retireVersion(store.db, v2.id, APPROVED_AT + 2);
    expect(await getApprovedVersion(store.db, script.id)).toBeUndefined();
  });

  it('when two versions of one script are written as approved, then the store refuses the second', async () => {
    const script = await createScript(store.db, buildScript());
    const v1 = await addDraftVersion(store.db, buildScriptVersion(script.id));
    const v2 = await addDraftVersion(store.db, buildScriptVersion(script.id));
    await store.db.updateTable('script_versions').set({ state: 'approved' }).where('id', '=', v1.id).execute();
    await expect(store.db.updateTable('script_versions').set({ state: 'approved' }).where('id', '=', v2.id).execute()).rejects.toMatchObject({ message: expect.stringMatching(/unique/i) });
  });
});

import { createFailureType, deleteFailureType, getFailureType, getFailureTypeByKey, listFailureTypes, updateFailureType } from '../../../src/roster/failure-type.repository';
import { assignResponder, listResponders, replaceResponders, unassignResponder } from '../../../src/roster/responder.repository';
import {
  createTeamMember, deleteTeamMember, getTeamMember, getTeamMemberByKey, listTeamMembers, updateTeamMember,
} from '../../../src/roster/team-member.repository';
import { buildFailureType, buildTeamMember } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: roster repositories', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when a team member is created, then it reads back by id, by key and in the list', async () => {
    const created = await createTeamMember(store.db, buildTeamMember({ key: 'ops-lead', slack: 'U0EXAMPLE1', isBackup: true }));
    expect(created).toMatchObject({ key: 'ops-lead', slack: 'U0EXAMPLE1', isBackup: true });
    expect(created.createdAt).toBeGreaterThan(0);
    expect(await getTeamMember(store.db, created.id)).toEqual(created);
    expect(await getTeamMemberByKey(store.db, 'ops-lead')).toEqual(created);
    expect(await listTeamMembers(store.db)).toContainEqual(created);
  });

  it('[F3] when a team member is updated, then only the given fields change', async () => {
    const member = await createTeamMember(store.db, buildTeamMember({ email: 'old@example.com' }));
    const updated = await updateTeamMember(store.db, member.id, { email: 'new@example.com', isBackup: true });
    expect(updated).toEqual({ ...member, email: 'new@example.com', isBackup: true });
    expect(await updateTeamMember(store.db, 999_999, { name: 'Nobody' })).toBeUndefined();
  });

  it('[F3] when a team member is deleted, then it is gone and so are their assignments', async () => {
    const member = await createTeamMember(store.db, buildTeamMember());
    const failure = await createFailureType(store.db, buildFailureType());
    await assignResponder(store.db, failure.id, member.id, 1);
    expect(await deleteTeamMember(store.db, member.id)).toBe(true);
    expect(await getTeamMember(store.db, member.id)).toBeUndefined();
    expect(await listResponders(store.db, failure.id)).toEqual([]);
    expect(await deleteTeamMember(store.db, member.id)).toBe(false);
  });

  it('[F3] when a failure type is created, updated and deleted, then each step reads back', async () => {
    const created = await createFailureType(store.db, buildFailureType({ key: 'website-down', name: 'Website down' }));
    expect(await getFailureTypeByKey(store.db, 'website-down')).toEqual(created);
    expect(await listFailureTypes(store.db)).toContainEqual(created);
    const updated = await updateFailureType(store.db, created.id, { description: 'The shop does not load' });
    expect(updated).toEqual({ ...created, description: 'The shop does not load' });
    expect(await deleteFailureType(store.db, created.id)).toBe(true);
    expect(await getFailureType(store.db, created.id)).toBeUndefined();
  });

  it('[F3] when responders are assigned out of order, then they list primary first with member details', async () => {
    const failure = await createFailureType(store.db, buildFailureType());
    const backup = await createTeamMember(store.db, buildTeamMember({ name: 'Backup' }));
    const primary = await createTeamMember(store.db, buildTeamMember({ name: 'Primary' }));
    await assignResponder(store.db, failure.id, backup.id, 2);
    await assignResponder(store.db, failure.id, primary.id, 1);
    const responders = await listResponders(store.db, failure.id);
    expect(responders).toEqual([
      { failureTypeId: failure.id, rank: 1, member: primary },
      { failureTypeId: failure.id, rank: 2, member: backup },
    ]);
  });

  it('[F3] when a responder is reassigned, unassigned or the list replaced, then the ranks follow', async () => {
    const failure = await createFailureType(store.db, buildFailureType());
    const a = await createTeamMember(store.db, buildTeamMember());
    const b = await createTeamMember(store.db, buildTeamMember());
    await assignResponder(store.db, failure.id, a.id, 1);
    await assignResponder(store.db, failure.id, a.id, 3);
    expect((await listResponders(store.db, failure.id)).map((r) => r.rank)).toEqual([3]);
    expect(await unassignResponder(store.db, failure.id, a.id)).toBe(true);
    await replaceResponders(store.db, failure.id, [b.id, a.id]);
    expect((await listResponders(store.db, failure.id)).map((r) => [r.member.id, r.rank])).toEqual([[b.id, 1], [a.id, 2]]);
  });

  it('[F3] when a rank below 1 is given, then the assignment is refused as invalid input', async () => {
    const failure = await createFailureType(store.db, buildFailureType());
    const member = await createTeamMember(store.db, buildTeamMember());
    await expect(assignResponder(store.db, failure.id, member.id, 0)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

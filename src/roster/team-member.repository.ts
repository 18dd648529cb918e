import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, TeamMembersTable } from '../store/schema';
import { toTeamMember, type NewTeamMember, type TeamMember, type TeamMemberPatch } from './team-member';

type Db = Kysely<Database> | Transaction<Database>;

export async function createTeamMember(db: Db, input: NewTeamMember): Promise<TeamMember> {
  const row = await db
    .insertInto('team_members')
    .values({
      key: input.key,
      name: input.name,
      role: input.role,
      email: input.email ?? null,
      alt_email: input.altEmail ?? null,
      phone: input.phone ?? null,
      alt_phone: input.altPhone ?? null,
      slack: input.slack ?? null,
      is_backup: input.isBackup ? 1 : 0,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTeamMember(row);
}

export async function getTeamMember(db: Db, id: number): Promise<TeamMember | undefined> {
  const row = await db.selectFrom('team_members').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTeamMember(row);
}

export async function getTeamMemberByKey(db: Db, key: string): Promise<TeamMember | undefined> {
  const row = await db.selectFrom('team_members').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toTeamMember(row);
}

export async function listTeamMembers(db: Db): Promise<TeamMember[]> {
  const rows = await db.selectFrom('team_members').selectAll().orderBy('id').execute();
  return rows.map(toTeamMember);
}

/** Changes the given fields; returns undefined when there is no such member. */
export async function updateTeamMember(db: Db, id: number, patch: TeamMemberPatch): Promise<TeamMember | undefined> {
  const set: Updateable<TeamMembersTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.altEmail !== undefined) set.alt_email = patch.altEmail;
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.altPhone !== undefined) set.alt_phone = patch.altPhone;
  if (patch.slack !== undefined) set.slack = patch.slack;
  if (patch.isBackup !== undefined) set.is_backup = patch.isBackup ? 1 : 0;
  if (Object.keys(set).length === 0) return getTeamMember(db, id);
  const row = await db.updateTable('team_members').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toTeamMember(row);
}

/** Removes the member and, by cascade, their responder assignments. */
export async function deleteTeamMember(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('team_members').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

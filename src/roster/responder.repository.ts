import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { PRIMARY_RANK, type Responder } from './responder';
import { toTeamMember } from './team-member';

type Db = Kysely<Database> | Transaction<Database>;

/** Puts a member on a failure type at the given rank; assigning them again only moves the rank. */
export async function assignResponder(db: Db, failureTypeId: number, teamMemberId: number, rank: number): Promise<void> {
  if (!Number.isInteger(rank) || rank < PRIMARY_RANK) {
    throw new AppError('invalid_input', 'A responder rank is a whole number from 1 (primary) up', [
      { field: 'rank', message: 'must be a whole number of at least 1' },
    ]);
  }
  await db
    .insertInto('responders')
    .values({ failure_type_id: failureTypeId, team_member_id: teamMemberId, rank })
    .onConflict((oc) => oc.columns(['failure_type_id', 'team_member_id']).doUpdateSet({ rank }))
    .execute();
}

export async function unassignResponder(db: Db, failureTypeId: number, teamMemberId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('responders')
    .where('failure_type_id', '=', failureTypeId)
    .where('team_member_id', '=', teamMemberId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Makes the given members, in order, the whole responder list: the first is the primary. */
export async function replaceResponders(db: Db, failureTypeId: number, teamMemberIds: number[]): Promise<void> {
  await db.deleteFrom('responders').where('failure_type_id', '=', failureTypeId).execute();
  if (teamMemberIds.length === 0) return;
  await db
    .insertInto('responders')
    .values(teamMemberIds.map((id, i) => ({ failure_type_id: failureTypeId, team_member_id: id, rank: PRIMARY_RANK + i })))
    .execute();
}

/** Who to alert for a failure type, primary first. */
export async function listResponders(db: Db, failureTypeId: number): Promise<Responder[]> {
  const rows = await db
    .selectFrom('responders')
    .innerJoin('team_members', 'team_members.id', 'responders.team_member_id')
    .selectAll('team_members')
    .select(['responders.rank', 'responders.failure_type_id'])
    .where('responders.failure_type_id', '=', failureTypeId)
    .orderBy('responders.rank')
    .orderBy('responders.id')
    .execute();
  return rows.map(({ rank, failure_type_id, ...member }) => ({ failureTypeId: failure_type_id, rank, member: toTeamMember(member) }));
}

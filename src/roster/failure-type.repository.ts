import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, FailureTypesTable } from '../store/schema';
import { toFailureType, type FailureType, type FailureTypePatch, type NewFailureType } from './failure-type';

type Db = Kysely<Database> | Transaction<Database>;

export async function createFailureType(db: Db, input: NewFailureType): Promise<FailureType> {
  const row = await db
    .insertInto('failure_types')
    .values({ key: input.key, name: input.name, description: input.description ?? '', created_at: Date.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toFailureType(row);
}

export async function getFailureType(db: Db, id: number): Promise<FailureType | undefined> {
  const row = await db.selectFrom('failure_types').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFailureType(row);
}

export async function getFailureTypeByKey(db: Db, key: string): Promise<FailureType | undefined> {
  const row = await db.selectFrom('failure_types').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toFailureType(row);
}

export async function listFailureTypes(db: Db): Promise<FailureType[]> {
  const rows = await db.selectFrom('failure_types').selectAll().orderBy('id').execute();
  return rows.map(toFailureType);
}

/** Changes the given fields; returns undefined when there is no such failure type. */
export async function updateFailureType(db: Db, id: number, patch: FailureTypePatch): Promise<FailureType | undefined> {
  const set: Updateable<FailureTypesTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (Object.keys(set).length === 0) return getFailureType(db, id);
  const row = await db.updateTable('failure_types').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toFailureType(row);
}

/** Removes the failure type and, by cascade, its responders; scripts keep existing, unlinked. */
export async function deleteFailureType(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('failure_types').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

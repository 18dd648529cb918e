import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { toScript, type NewScript, type Script } from './script';

type Db = Kysely<Database> | Transaction<Database>;

export async function createScript(db: Db, input: NewScript): Promise<Script> {
  const row = await db
    .insertInto('scripts')
    .values({
      key: input.key, name: input.name, description: input.description ?? '', situation: input.situation ?? 'other',
      failure_type_id: input.failureTypeId ?? null, created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toScript(row);
}

export async function getScript(db: Db, id: number): Promise<Script | undefined> {
  const row = await db.selectFrom('scripts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toScript(row);
}

export async function getScriptByKey(db: Db, key: string): Promise<Script | undefined> {
  const row = await db.selectFrom('scripts').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toScript(row);
}

/** All scripts, or those prepared for one failure type. */
export async function listScripts(db: Db, options: { failureTypeId?: number } = {}): Promise<Script[]> {
  let query = db.selectFrom('scripts').selectAll().orderBy('id');
  if (options.failureTypeId !== undefined) query = query.where('failure_type_id', '=', options.failureTypeId);
  return (await query.execute()).map(toScript);
}

export async function renameScript(db: Db, id: number, name: string): Promise<Script | undefined> {
  const row = await db.updateTable('scripts').set({ name }).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toScript(row);
}

/** Removes the script and its versions; fails while an incident update still names a version. */
export async function deleteScript(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('scripts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

import type { Kysely, Transaction, Updateable } from 'kysely';
import type { ComponentsTable, Database } from '../store/schema';
import { toComponent, type Component, type ComponentPatch, type NewComponent, type ComponentStatus } from './component';

type Db = Kysely<Database> | Transaction<Database>;

export async function createComponent(db: Db, input: NewComponent): Promise<Component> {
  const row = await db
    .insertInto('components')
    .values({ key: input.key, name: input.name, description: input.description ?? '', created_at: Date.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toComponent(row);
}

export async function getComponent(db: Db, id: number): Promise<Component | undefined> {
  const row = await db.selectFrom('components').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toComponent(row);
}

export async function getComponentByKey(db: Db, key: string): Promise<Component | undefined> {
  const row = await db.selectFrom('components').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toComponent(row);
}

export async function listComponents(db: Db): Promise<Component[]> {
  const rows = await db.selectFrom('components').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map(toComponent);
}

export async function updateComponent(db: Db, id: number, patch: ComponentPatch): Promise<Component | undefined> {
  const set: Updateable<ComponentsTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (Object.keys(set).length === 0) return getComponent(db, id);
  const row = await db.updateTable('components').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toComponent(row);
}

/** Sets the state of the components with these keys; unknown keys are ignored. */
export async function setComponentStatus(db: Db, keys: readonly string[], status: ComponentStatus, now: number): Promise<void> {
  if (keys.length === 0) return;
  await db.updateTable('components').set({ status, status_changed_at: now }).where('key', 'in', [...keys]).where('status', '!=', status).execute();
}

/**
 * Subscriptions name components by key inside JSON, so deleting a component leaves those keys
 * behind; the audience query (src/incidents/audience-sql.ts) simply never matches them again.
 */
export async function deleteComponent(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('components').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

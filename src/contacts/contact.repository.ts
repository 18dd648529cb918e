import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { normalizeTags, toContact, type Contact, type ContactKind, type NewContact, type UpsertOutcome } from './contact';

type Db = Kysely<Database> | Transaction<Database>;

export async function createContact(db: Db, input: NewContact): Promise<Contact> {
  const row = await db
    .insertInto('contacts')
    .values({
      key: input.key,
      kind: input.kind,
      name: input.name,
      organization: input.organization ?? null,
      tags: JSON.stringify(normalizeTags(input.tags ?? [])),
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toContact(row);
}

/**
 * Creates the contact, or brings the one with the same key up to date. Fields left out of the
 * input keep their stored value; addresses and subscriptions are not touched.
 */
export async function upsertContact(db: Db, input: NewContact): Promise<{ contact: Contact; outcome: UpsertOutcome }> {
  const existing = await getContactByKey(db, input.key);
  if (!existing) return { contact: await createContact(db, input), outcome: 'created' };
  const wanted = {
    kind: input.kind,
    name: input.name,
    organization: input.organization === undefined ? existing.organization : input.organization,
    tags: input.tags === undefined ? existing.tags : normalizeTags(input.tags),
  };
  const same = wanted.kind === existing.kind && wanted.name === existing.name
    && wanted.organization === existing.organization && JSON.stringify(wanted.tags) === JSON.stringify(existing.tags);
  if (same) return { contact: existing, outcome: 'unchanged' };
  const row = await db
    .updateTable('contacts')
    .set({ ...wanted, tags: JSON.stringify(wanted.tags) })
    .where('id', '=', existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { contact: toContact(row), outcome: 'updated' };
}

export async function getContact(db: Db, id: number): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toContact(row);
}

export async function getContactByKey(db: Db, key: string): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toContact(row);
}

/** One page of contacts in id order; pass the last id seen as afterId for the next page. */
export async function listContacts(
  db: Db,
  options: { kind?: ContactKind; afterId?: number; limit?: number } = {},
): Promise<Contact[]> {
  let query = db.selectFrom('contacts').selectAll().orderBy('id').limit(options.limit ?? 500);
  if (options.kind) query = query.where('kind', '=', options.kind);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  return (await query.execute()).map(toContact);
}

/** Removes the contact with its addresses and subscriptions (cascade). */
export async function deleteContact(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

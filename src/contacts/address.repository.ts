import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { normalizeAddress, toAddress, type Address, type AddressChannel, type NewAddress } from './address';

type Db = Kysely<Database> | Transaction<Database>;

/** Adds the address to the contact; adding one the contact already has returns the stored one. */
export async function addAddress(db: Db, contactId: number, input: NewAddress): Promise<Address> {
  const address = normalizeAddress(input.channel, input.address);
  const inserted = await db
    .insertInto('addresses')
    .values({ contact_id: contactId, channel: input.channel, address, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['contact_id', 'channel', 'address']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return toAddress(inserted);
  const row = await db
    .selectFrom('addresses')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('channel', '=', input.channel)
    .where('address', '=', address)
    .executeTakeFirstOrThrow();
  return toAddress(row);
}

export async function getAddress(db: Db, id: number): Promise<Address | undefined> {
  const row = await db.selectFrom('addresses').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAddress(row);
}

export async function listAddresses(db: Db, contactId: number): Promise<Address[]> {
  const rows = await db.selectFrom('addresses').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
  return rows.map(toAddress);
}

/** Every contact's copy of one address (two contacts may share a mailbox or a phone). */
export async function findAddresses(db: Db, channel: AddressChannel, address: string): Promise<Address[]> {
  const rows = await db
    .selectFrom('addresses')
    .selectAll()
    .where('channel', '=', channel)
    .where('address', '=', normalizeAddress(channel, address))
    .orderBy('id')
    .execute();
  return rows.map(toAddress);
}

/** Removes the address and, by cascade, its subscription. */
export async function deleteAddress(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('addresses').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

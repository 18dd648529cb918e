import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { normalizeAddress, type AddressChannel } from './address';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A provider said the address is bad (hard bounce, invalid or landline number, webhook gone):
 * every contact's copy of it is quarantined, so later broadcasts skip it instead of failing on
 * it again. Consent is left as it is: the person did not change their mind, the address broke.
 * The first reason is kept. Returns how many addresses were newly quarantined.
 */
export async function quarantineAddress(db: Db, channel: AddressChannel, address: string, reason: string, at: number): Promise<number> {
  const result = await db
    .updateTable('addresses')
    .set({ quarantined_at: at, quarantine_reason: reason.slice(0, 200) })
    .where('channel', '=', channel)
    .where('address', '=', normalizeAddress(channel, address))
    .where('quarantined_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The address was fixed or re-verified: broadcasts reach it again. */
export async function releaseQuarantine(db: Db, channel: AddressChannel, address: string): Promise<number> {
  const result = await db
    .updateTable('addresses')
    .set({ quarantined_at: null, quarantine_reason: null })
    .where('channel', '=', channel)
    .where('address', '=', normalizeAddress(channel, address))
    .where('quarantined_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

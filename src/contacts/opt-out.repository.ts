import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { normalizeAddress, type AddressChannel } from './address';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * STOP, a spam report or a one-click unsubscribe: every contact holding this address stops
 * hearing on it, and their subscriptions on it say 'unsubscribed' with the reason as the source.
 * Returns how many addresses matched. Run both updates in one transaction (the caller's).
 */
export async function optOutAddress(db: Db, channel: AddressChannel, address: string, reason: string, at: number): Promise<number> {
  const normalized = normalizeAddress(channel, address);
  const result = await db
    .updateTable('addresses')
    .set({ opted_out_at: at, opt_out_reason: reason })
    .where('channel', '=', channel)
    .where('address', '=', normalized)
    .executeTakeFirst();
  await db
    .updateTable('subscriptions')
    .set({ consent: 'unsubscribed', consent_source: reason, consent_at: at, confirm_token: null })
    .where('address_id', 'in', matching(db, channel, normalized))
    .execute();
  return Number(result.numUpdatedRows);
}

/**
 * START (or a re-subscribe from the address itself): the opt-out is lifted and the address's
 * subscriptions become confirmed, since the request came from the address owner.
 */
export async function optInAddress(db: Db, channel: AddressChannel, address: string, source: string, at: number): Promise<number> {
  const normalized = normalizeAddress(channel, address);
  const result = await db
    .updateTable('addresses')
    .set({ opted_out_at: null, opt_out_reason: null })
    .where('channel', '=', channel)
    .where('address', '=', normalized)
    .executeTakeFirst();
  await db
    .updateTable('subscriptions')
    .set({ consent: 'confirmed', consent_source: source, consent_at: at, confirm_token: null })
    .where('address_id', 'in', matching(db, channel, normalized))
    .execute();
  return Number(result.numUpdatedRows);
}

function matching(db: Db, channel: AddressChannel, normalized: string) {
  return db.selectFrom('addresses').select('id').where('channel', '=', channel).where('address', '=', normalized);
}

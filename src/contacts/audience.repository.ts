import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { AddressChannel } from './address';
import { followsAny, type AudienceQuery, type AudienceRow } from './audience';
import { parseStringList } from './json-list';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Everyone a broadcast to these kinds over these channels concerns, in one query (addresses ⋈
 * contacts ⟕ subscriptions, using the addresses_by_address and address_id indexes), in address
 * order. The component filter reads each subscription's small JSON list in memory rather than
 * with dialect-specific JSON operators; an address without a subscription is kept (consent null).
 */
export async function audienceFor(db: Db, query: AudienceQuery): Promise<AudienceRow[]> {
  if (query.kinds.length === 0 || query.channels.length === 0) return [];
  const rows = await db
    .selectFrom('addresses')
    .innerJoin('contacts', 'contacts.id', 'addresses.contact_id')
    .leftJoin('subscriptions', 'subscriptions.address_id', 'addresses.id')
    .select([
      'addresses.id as addressId',
      'addresses.contact_id as contactId',
      'contacts.kind as kind',
      'addresses.channel as channel',
      'addresses.address as address',
      'addresses.opted_out_at as optedOutAt',
      'subscriptions.consent as consent',
      'subscriptions.components as components',
    ])
    .where('addresses.channel', 'in', query.channels)
    .where('contacts.kind', 'in', query.kinds)
    .orderBy('addresses.id')
    .execute();
  const audience: AudienceRow[] = [];
  for (const r of rows) {
    if (r.components !== null && !followsAny(parseStringList(r.components), query.components)) continue;
    audience.push({
      contactId: r.contactId,
      addressId: r.addressId,
      kind: r.kind,
      channel: r.channel as AddressChannel,
      address: r.address,
      optedOut: r.optedOutAt !== null,
      consent: r.consent,
    });
  }
  return audience;
}

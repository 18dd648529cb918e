import type { Transaction } from 'kysely';
import { addAddress, listAddresses } from '../contacts/address.repository';
import { normalizeAddress } from '../contacts/address';
import type { UpsertOutcome } from '../contacts/contact';
import { upsertContact } from '../contacts/contact.repository';
import { createSubscription, getSubscriptionForAddress, setConsent } from '../contacts/subscription.repository';
import type { Database } from '../store/schema';
import type { AddressEntry, ContactEntry } from './import-schema';

type Trx = Transaction<Database>;

/**
 * Upserts the contact, adds the addresses and subscriptions it lacks. It never deletes an
 * address and never grants consent over an existing subscription: after the first import the
 * subscriber owns it (confirm link, manage page, STOP). The one change it does make is to
 * withdraw consent, when the file records an opt-out the store does not know about yet.
 */
export async function applyContact(trx: Trx, entry: ContactEntry): Promise<UpsertOutcome> {
  const { contact, outcome } = await upsertContact(trx, {
    key: entry.key, kind: entry.kind, name: entry.name, organization: entry.organization ?? null, tags: entry.tags,
  });
  const changed = await applyAddresses(trx, contact.id, entry.addresses);
  return outcome === 'unchanged' && changed ? 'updated' : outcome;
}

/** Adds the addresses and subscriptions the contact lacks; says whether anything was added. */
export async function applyAddresses(trx: Trx, contactId: number, addresses: readonly AddressEntry[]): Promise<boolean> {
  const stored = new Map((await listAddresses(trx, contactId)).map((a) => [`${a.channel} ${a.address}`, a.id]));
  let changed = false;
  for (const a of addresses) {
    let addressId = stored.get(`${a.channel} ${normalizeAddress(a.channel, a.address)}`);
    if (addressId === undefined) {
      addressId = (await addAddress(trx, contactId, { channel: a.channel, address: a.address })).id;
      changed = true;
    }
    if (a.subscription && (await applySubscription(trx, addressId, a.subscription))) changed = true;
  }
  return changed;
}

async function applySubscription(trx: Trx, addressId: number, wanted: NonNullable<AddressEntry['subscription']>): Promise<boolean> {
  const at = Date.parse(wanted.at);
  const current = await getSubscriptionForAddress(trx, addressId);
  if (!current) {
    await createSubscription(trx, { addressId, consent: wanted.consent, consentSource: wanted.source, consentAt: at, components: wanted.components });
    return true;
  }
  if (wanted.consent !== 'unsubscribed' || current.consent === 'unsubscribed') return false;
  await setConsent(trx, current.id, 'unsubscribed', wanted.source, at);
  return true;
}

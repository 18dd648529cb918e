import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { newToken, tokenDigest, toSubscription, type Consent, type LinkTokens, type NewSubscription, type Subscription } from './subscription';

type Db = Kysely<Database> | Transaction<Database>;

/** Subscribes an address (one subscription per address); link tokens are made here and returned once, stored as digests. */
export async function createSubscription(db: Db, input: NewSubscription): Promise<Subscription & { links: LinkTokens }> {
  const links: LinkTokens = { confirm: input.consent === 'pending' ? newToken() : null, manage: newToken() };
  const address = await db.selectFrom('addresses').select('contact_id').where('id', '=', input.addressId).executeTakeFirst();
  if (!address) throw new AppError('not_found', `No address with id ${input.addressId}`);
  const row = await db
    .insertInto('subscriptions')
    .values({
      contact_id: address.contact_id,
      address_id: input.addressId,
      components: JSON.stringify([...new Set(input.components ?? [])]),
      consent: input.consent,
      consent_source: input.consentSource,
      consent_at: input.consentAt,
      confirm_token: links.confirm === null ? null : tokenDigest(links.confirm),
      manage_token: tokenDigest(links.manage),
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toSubscription(row), links };
}

export async function getSubscription(db: Db, id: number): Promise<Subscription | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubscription(row);
}

export async function getSubscriptionForAddress(db: Db, addressId: number): Promise<Subscription | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('address_id', '=', addressId).executeTakeFirst();
  return row && toSubscription(row);
}

export async function getSubscriptionByManageToken(db: Db, manageToken: string): Promise<Subscription | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('manage_token', '=', tokenDigest(manageToken)).executeTakeFirst();
  return row && toSubscription(row);
}

export async function listSubscriptions(db: Db, contactId: number): Promise<Subscription[]> {
  const rows = await db.selectFrom('subscriptions').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
  return rows.map(toSubscription);
}

/** Double opt-in: a pending subscription whose link was followed becomes confirmed, once. */
export async function confirmSubscription(db: Db, confirmToken: string, at: number): Promise<Subscription | undefined> {
  const row = await db
    .updateTable('subscriptions')
    .set({ consent: 'confirmed', consent_at: at, confirm_token: null })
    .where('confirm_token', '=', tokenDigest(confirmToken))
    .where('consent', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row && toSubscription(row);
}

/** Records a change of consent with where it came from and when. */
export async function setConsent(db: Db, id: number, consent: Consent, source: string, at: number): Promise<Subscription | undefined> {
  const row = await db
    .updateTable('subscriptions')
    .set({ consent, consent_source: source, consent_at: at, ...(consent === 'pending' ? {} : { confirm_token: null }) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toSubscription(row);
}

export async function setSubscriptionComponents(db: Db, id: number, components: string[]): Promise<Subscription | undefined> {
  const row = await db
    .updateTable('subscriptions')
    .set({ components: JSON.stringify([...new Set(components)]) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toSubscription(row);
}

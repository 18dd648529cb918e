import { addAddress, getAddress } from '../../../src/contacts/address.repository';
import { createContact } from '../../../src/contacts/contact.repository';
import { optInAddress, optOutAddress } from '../../../src/contacts/opt-out.repository';
import { createSubscription, getSubscriptionForAddress } from '../../../src/contacts/subscription.repository';
import { buildContact, buildSubscription } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const STOP_AT = Date.UTC(2025, 5, 1, 12);

describe.each(DIALECTS)('%s: opt-out and opt-in', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  async function subscribed(channel: 'sms' | 'email', address: string) {
    const contact = await createContact(store.db, buildContact());
    const added = await addAddress(store.db, contact.id, { channel, address });
    await createSubscription(store.db, buildSubscription(added.id));
    return added;
  }

  it('[F3] when a shared number sends STOP, then every copy is opted out and unsubscribed, others untouched', async () => {
    const mine = await subscribed('sms', '+15555550111');
    const theirs = await subscribed('sms', '+15555550111');
    const other = await subscribed('sms', '+15555550112');
    const matched = await store.db.transaction().execute((trx) => optOutAddress(trx, 'sms', '+15555550111', 'STOP via SMS', STOP_AT));
    expect(matched).toBe(2);
    for (const a of [mine, theirs]) {
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: STOP_AT, optOutReason: 'STOP via SMS' });
      expect(await getSubscriptionForAddress(store.db, a.id)).toMatchObject({ consent: 'unsubscribed', consentSource: 'STOP via SMS', consentAt: STOP_AT });
    }
    expect(await getAddress(store.db, other.id)).toMatchObject({ optedOutAt: null });
    expect(await getSubscriptionForAddress(store.db, other.id)).toMatchObject({ consent: 'confirmed' });
  });

  it('[F3] when an unsubscribe names an email in another case, then the stored address still matches', async () => {
    const address = await subscribed('email', 'sam.baker@example.org');
    expect(await optOutAddress(store.db, 'email', 'Sam.Baker@EXAMPLE.org', 'one-click unsubscribe', STOP_AT)).toBe(1);
    expect(await getAddress(store.db, address.id)).toMatchObject({ optedOutAt: STOP_AT });
  });

  it('[F3] when the number later sends START, then the opt-out is lifted and the subscription confirmed', async () => {
    const address = await subscribed('sms', '+15555550113');
    await optOutAddress(store.db, 'sms', '+15555550113', 'STOP via SMS', STOP_AT);
    expect(await optInAddress(store.db, 'sms', '+15555550113', 'START via SMS', STOP_AT + 1000)).toBe(1);
    expect(await getAddress(store.db, address.id)).toMatchObject({ optedOutAt: null, optOutReason: null });
    expect(await getSubscriptionForAddress(store.db, address.id)).toMatchObject({ consent: 'confirmed', consentSource: 'START via SMS', consentAt: STOP_AT + 1000 });
  });

  it('[F3] when an unknown address opts out, then nothing matches', async () => {
    expect(await optOutAddress(store.db, 'sms', '+15555550199', 'STOP via SMS', STOP_AT)).toBe(0);
  });
});

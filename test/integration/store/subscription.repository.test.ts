import { addAddress, deleteAddress } from '../../../src/contacts/address.repository';
import { createContact } from '../../../src/contacts/contact.repository';
import { tokenDigest } from '../../../src/contacts/subscription';
import {
  confirmSubscription, createSubscription, getSubscription, getSubscriptionByManageToken, getSubscriptionForAddress,
  listSubscriptions, setConsent, setSubscriptionComponents,
} from '../../../src/contacts/subscription.repository';
import { buildAddress, buildContact, buildSubscription } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

describe.each(DIALECTS)('%s: subscription repository', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  async function newAddress() {
    const contact = await createContact(store.db, buildContact({ kind: 'reseller' }));
    return addAddress(store.db, contact.id, buildAddress());
  }

  it('[F3] when a confirmed subscription is created, then it has a manage token and no confirm token', async () => {
    const address = await newAddress();
    const sub = await createSubscription(store.db, buildSubscription(address.id, { components: ['website', 'website', 'checkout'] }));
    expect(sub).toMatchObject({ contactId: address.contactId, addressId: address.id, consent: 'confirmed', components: ['website', 'checkout'], confirmToken: null });
    expect(sub.links.manage).toMatch(BASE64URL_32_BYTES);
    // Only the digest is stored: the database alone opens no link.
    expect(sub.manageToken).toBe(tokenDigest(sub.links.manage));
    const { links: _links, ...stored } = sub;
    expect(await getSubscription(store.db, sub.id)).toEqual(stored);
    expect(await getSubscriptionForAddress(store.db, address.id)).toEqual(stored);
    expect(await getSubscriptionByManageToken(store.db, sub.links.manage)).toEqual(stored);
    expect(await getSubscriptionByManageToken(store.db, sub.manageToken)).toBeUndefined();
    expect(await listSubscriptions(store.db, address.contactId)).toEqual([stored]);
  });

  it('[F3] when a pending subscription is confirmed by its token, then it is confirmed once', async () => {
    const address = await newAddress();
    const sub = await createSubscription(store.db, buildSubscription(address.id, { consent: 'pending' }));
    expect(sub.links.confirm).toMatch(BASE64URL_32_BYTES);
    expect(sub.confirmToken).toBe(tokenDigest(sub.links.confirm as string));
    const confirmed = await confirmSubscription(store.db, sub.links.confirm as string, 1_700_000_000_000);
    expect(confirmed).toMatchObject({ consent: 'confirmed', consentAt: 1_700_000_000_000, confirmToken: null });
    expect(await confirmSubscription(store.db, sub.links.confirm as string, 1_700_000_000_001)).toBeUndefined();
  });

  it('[F3] when consent and components change, then the new values read back', async () => {
    const address = await newAddress();
    const { links: _links, ...sub } = await createSubscription(store.db, buildSubscription(address.id));
    await setSubscriptionComponents(store.db, sub.id, ['email']);
    const changed = await setConsent(store.db, sub.id, 'unsubscribed', 'manage page', 1_700_000_000_000);
    expect(changed).toEqual({ ...sub, components: ['email'], consent: 'unsubscribed', consentSource: 'manage page', consentAt: 1_700_000_000_000 });
  });

  it('[F3] when the address is deleted, then its subscription goes with it', async () => {
    const address = await newAddress();
    const sub = await createSubscription(store.db, buildSubscription(address.id));
    await deleteAddress(store.db, address.id);
    expect(await getSubscription(store.db, sub.id)).toBeUndefined();
  });

  it('[F3] when the address does not exist, then subscribing it is refused as not found', async () => {
    await expect(createSubscription(store.db, buildSubscription(999_999))).rejects.toMatchObject({ code: 'not_found' });
  });
});

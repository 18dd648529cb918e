import { addAddress, deleteAddress, findAddresses, getAddress, listAddresses } from '../../../src/contacts/address.repository';
import {
  createContact, deleteContact, getContact, getContactByKey, listContacts, upsertContact,
} from '../../../src/contacts/contact.repository';
import { buildAddress, buildContact } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: contact and address repositories', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when a contact is created, then it reads back by id and key with its tags parsed', async () => {
    const created = await createContact(store.db, buildContact({ key: 'cafe-1', kind: 'reseller', tags: ['wholesale', ' wholesale ', 'vip'] }));
    expect(created).toMatchObject({ key: 'cafe-1', kind: 'reseller', tags: ['wholesale', 'vip'] });
    expect(await getContact(store.db, created.id)).toEqual(created);
    expect(await getContactByKey(store.db, 'cafe-1')).toEqual(created);
  });

  it('[F3] when a contact is upserted three times, then it is created, then unchanged, then updated', async () => {
    const input = buildContact({ organization: 'Pier 9 Deli', tags: ['local'] });
    const first = await upsertContact(store.db, input);
    const second = await upsertContact(store.db, input);
    const third = await upsertContact(store.db, { ...input, name: 'Renamed', tags: ['local', 'vip'] });
    expect([first.outcome, second.outcome, third.outcome]).toEqual(['created', 'unchanged', 'updated']);
    expect(second.contact).toEqual(first.contact);
    expect(third.contact).toEqual({ ...first.contact, name: 'Renamed', tags: ['local', 'vip'] });
  });

  it('[F3] when contacts are listed by kind in pages, then each page continues after the last id', async () => {
    const a = await createContact(store.db, buildContact({ kind: 'reseller' }));
    const b = await createContact(store.db, buildContact({ kind: 'reseller' }));
    const page = await listContacts(store.db, { kind: 'reseller', afterId: a.id, limit: 1 });
    expect(page).toEqual([b]);
  });

  it('[F3] when an address is added twice in different case, then one normalized address is stored', async () => {
    const contact = await createContact(store.db, buildContact());
    const first = await addAddress(store.db, contact.id, { channel: 'email', address: ' Ana.Lopez@Example.com ' });
    const second = await addAddress(store.db, contact.id, { channel: 'email', address: 'ana.lopez@example.com' });
    expect(first).toMatchObject({ contactId: contact.id, channel: 'email', address: 'ana.lopez@example.com', optedOutAt: null });
    expect(second).toEqual(first);
    expect(await listAddresses(store.db, contact.id)).toEqual([first]);
    expect(await getAddress(store.db, first.id)).toEqual(first);
  });

  it('[F3] when two contacts share a phone number, then finding the address returns both copies', async () => {
    const phone = '+15555550177';
    const one = await createContact(store.db, buildContact());
    const two = await createContact(store.db, buildContact());
    await addAddress(store.db, one.id, { channel: 'sms', address: phone });
    await addAddress(store.db, two.id, { channel: 'sms', address: phone });
    expect((await findAddresses(store.db, 'sms', phone)).map((a) => a.contactId)).toEqual([one.id, two.id]);
  });

  it('[F3] when an address or a contact is deleted, then it and what hangs off it are gone', async () => {
    const contact = await createContact(store.db, buildContact());
    const kept = await addAddress(store.db, contact.id, buildAddress());
    const dropped = await addAddress(store.db, contact.id, buildAddress({ channel: 'sms', address: '+15555550150' }));
    expect(await deleteAddress(store.db, dropped.id)).toBe(true);
    expect(await listAddresses(store.db, contact.id)).toEqual([kept]);
    expect(await deleteContact(store.db, contact.id)).toBe(true);
    expect(await getContact(store.db, contact.id)).toBeUndefined();
    expect(await getAddress(store.db, kept.id)).toBeUndefined();
  });
});

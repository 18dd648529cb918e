import { addAddress, findAddresses } from '../../../src/contacts/address.repository';
import { createContact, getContactByKey } from '../../../src/contacts/contact.repository';
import { buildContact } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: transactions', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when a transaction fails after creating a contact and an address, then nothing is left behind', async () => {
    const contact = buildContact({ key: 'half-written' });
    const work = store.db.transaction().execute(async (trx) => {
      const created = await createContact(trx, contact);
      await addAddress(trx, created.id, { channel: 'email', address: 'half@example.com' });
      throw new Error('boom after the writes');
    });
    await expect(work).rejects.toThrow('boom after the writes');
    expect(await getContactByKey(store.db, 'half-written')).toBeUndefined();
    expect(await findAddresses(store.db, 'email', 'half@example.com')).toEqual([]);
  });

  it('[F3] when the same work commits, then the contact and its address are both there', async () => {
    await store.db.transaction().execute(async (trx) => {
      const created = await createContact(trx, buildContact({ key: 'whole' }));
      await addAddress(trx, created.id, { channel: 'email', address: 'whole@example.com' });
    });
    const contact = await getContactByKey(store.db, 'whole');
    expect((await findAddresses(store.db, 'email', 'whole@example.com')).map((a) => a.contactId)).toEqual([contact?.id]);
  });
});

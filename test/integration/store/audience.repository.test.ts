import type { AddressChannel } from '../../../src/contacts/address';
import { addAddress } from '../../../src/contacts/address.repository';
import { audienceFor } from '../../../src/contacts/audience.repository';
import type { ContactKind } from '../../../src/contacts/contact';
import { createContact } from '../../../src/contacts/contact.repository';
import { optOutAddress } from '../../../src/contacts/opt-out.repository';
import type { Consent } from '../../../src/contacts/subscription';
import { createSubscription } from '../../../src/contacts/subscription.repository';
import { buildContact, buildSubscription } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

interface Seed { channel: AddressChannel; address: string; consent?: Consent; components?: string[] }

describe.each(DIALECTS)('%s: audienceFor', (dialect) => {
  let store: TestStore;
  const ids: Record<string, number> = {};

  async function seed(name: string, kind: ContactKind, addresses: Seed[]) {
    const contact = await createContact(store.db, buildContact({ kind }));
    ids[name] = contact.id;
    for (const a of addresses) {
      const added = await addAddress(store.db, contact.id, a);
      if (a.consent) await createSubscription(store.db, buildSubscription(added.id, { consent: a.consent, components: a.components ?? [] }));
    }
  }

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await seed('ana', 'customer', [
      { channel: 'email', address: 'ana@example.com', consent: 'confirmed' },
      { channel: 'sms', address: '+15555550121', consent: 'confirmed', components: ['checkout'] },
    ]);
    await seed('ben', 'customer', [
      { channel: 'email', address: 'ben@example.com', consent: 'pending' },
      { channel: 'sms', address: '+15555550122', consent: 'confirmed' },
    ]);
    await seed('cy', 'customer', [{ channel: 'email', address: 'cy@example.com' }]);
    await seed('dock', 'reseller', [
      { channel: 'slack', address: 'https://hooks.slack.com/services/T000/B000/XXXX', consent: 'confirmed', components: ['website'] },
      { channel: 'webhook', address: 'https://dock.example.org/crier', consent: 'confirmed', components: ['checkout'] },
      { channel: 'email', address: 'ops@dock.example.org', consent: 'unsubscribed' },
    ]);
    await optOutAddress(store.db, 'sms', '+15555550122', 'STOP via SMS', Date.UTC(2025, 0, 2));
  });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when customers are asked for on email, then every customer email comes back with its consent', async () => {
    const rows = await audienceFor(store.db, { kinds: ['customer'], channels: ['email'] });
    expect(rows.map(({ contactId, address, consent, optedOut }) => ({ contactId, address, consent, optedOut }))).toEqual([
      { contactId: ids.ana, address: 'ana@example.com', consent: 'confirmed', optedOut: false },
      { contactId: ids.ben, address: 'ben@example.com', consent: 'pending', optedOut: false },
      { contactId: ids.cy, address: 'cy@example.com', consent: null, optedOut: false },
    ]);
  });

  it('[F3] when components are given, then only subscriptions following one of them (or all) come back', async () => {
    const rows = await audienceFor(store.db, { kinds: ['customer', 'reseller'], channels: ['sms', 'slack', 'webhook'], components: ['website'] });
    expect(rows.map((r) => [r.channel, r.address, r.consent, r.optedOut, r.kind])).toEqual([
      ['sms', '+15555550122', 'unsubscribed', true, 'customer'],
      ['slack', 'https://hooks.slack.com/services/T000/B000/XXXX', 'confirmed', false, 'reseller'],
    ]);
  });

  it('[F3] when only resellers are asked for, then no customer address comes back', async () => {
    const rows = await audienceFor(store.db, { kinds: ['reseller'], channels: ['email', 'sms', 'slack', 'webhook'], components: [] });
    expect(new Set(rows.map((r) => r.contactId))).toEqual(new Set([ids.dock]));
    expect(rows).toHaveLength(3);
  });

  it('[F3] when no kind or no channel is asked for, then the audience is empty', async () => {
    expect(await audienceFor(store.db, { kinds: [], channels: ['email'] })).toEqual([]);
    expect(await audienceFor(store.db, { kinds: ['customer'], channels: [] })).toEqual([]);
  });
});

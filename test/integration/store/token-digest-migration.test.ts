import crypto from 'node:crypto';
import { confirmSubscription, getSubscriptionByManageToken } from '../../../src/contacts/subscription.repository';
import { migrateTo, migrateToLatest } from '../../../src/store/migrate';
import { DIALECTS, openTestStore } from '../../support/stores';

describe.each(DIALECTS)('upgrading subscription tokens to digests on %s', (dialect) => {
  it('when a store with tokens stored as they were is upgraded, then links already sent still confirm and manage', async () => {
    const store = await openTestStore(dialect, { migrate: false });
    try {
      await migrateTo(store, '008-roster-alternates');
      const now = Date.now();
      const contact = await store.db.insertInto('contacts').values({ key: 'c1', kind: 'customer', name: 'Ann', organization: null, tags: '[]', created_at: now }).returning('id').executeTakeFirstOrThrow();
      const pendingAddress = await store.db.insertInto('addresses').values({ contact_id: contact.id, channel: 'email', address: 'ann@example.com', created_at: now }).returning('id').executeTakeFirstOrThrow();
      const confirmedAddress = await store.db.insertInto('addresses').values({ contact_id: contact.id, channel: 'sms', address: '+15555550199', created_at: now }).returning('id').executeTakeFirstOrThrow();
      const [confirm, managePending, manageConfirmed] = [0, 1, 2].map(() => crypto.randomBytes(32).toString('base64url')) as [string, string, string];
      await store.db.insertInto('subscriptions').values([
        { contact_id: contact.id, address_id: pendingAddress.id, components: '[]', consent: 'pending', consent_source: 'form', consent_at: now, confirm_token: confirm, manage_token: managePending, created_at: now },
        { contact_id: contact.id, address_id: confirmedAddress.id, components: '[]', consent: 'confirmed', consent_source: 'form', consent_at: now, confirm_token: null, manage_token: manageConfirmed, created_at: now },
      ]).execute();

      expect(await migrateToLatest(store)).toContain('009-subscription-token-digests');
      const stored = await store.db.selectFrom('subscriptions').select(['confirm_token', 'manage_token']).execute();
      expect(JSON.stringify(stored)).not.toContain(confirm);
      expect(JSON.stringify(stored)).not.toContain(manageConfirmed);
      expect(await getSubscriptionByManageToken(store.db, manageConfirmed)).toMatchObject({ consent: 'confirmed' });
      expect(await confirmSubscription(store.db, confirm, now + 1)).toMatchObject({ consent: 'confirmed' });
    } finally {
      await store.dispose();
    }
  });
});

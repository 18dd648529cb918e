import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';

describe('resellers get the reseller version', () => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(DEFAULT_DIALECT, { recipients: 3 }); });
  afterAll(async () => { await t?.stop(); });

  it('when an update goes to customers and resellers, then a reseller\'s email carries the briefing and the customer text to forward; customers get only theirs', async () => {
    const now = Date.now();
    const reseller = await t.store.db.insertInto('contacts').values({ key: 'partner-1', kind: 'reseller', name: 'Partner One', organization: 'Partner Co', tags: '[]', created_at: now }).returning('id').executeTakeFirstOrThrow();
    const address = await t.store.db.insertInto('addresses').values({ contact_id: reseller.id, channel: 'email', address: 'ops@partner.example', created_at: now }).returning('id').executeTakeFirstOrThrow();
    await t.store.db.insertInto('subscriptions').values({
      contact_id: reseller.id, address_id: address.id, components: '[]', consent: 'confirmed', consent_source: 'partner agreement', consent_at: now, confirm_token: null, manage_token: 'm'.repeat(43), created_at: now,
    }).execute();
    const version = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'investigating').executeTakeFirstOrThrow();
    const review = await approve(t.store.db, version.id, 'user:1', DEFAULT_SCRIPT_RULES);
    expect(review.version.reseller.trim()).not.toBe('');

    const { broadcastId } = await t.publish({
      scriptVersionId: version.id, audiences: ['customers', 'resellers'], channels: ['email'],
      variables: { service: 'Online ordering', impact: 'Orders cannot be placed.', started_at: '09:40 UTC', next_update: '10:30 UTC', support_contact: 'help@example.com' },
    });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    const mails = sendgridRecipients(t.sandbox.sendgrid);
    const partner = mails.find((m) => m.to.includes('ops@partner.example'));
    const customer = mails.find((m) => m.to.includes(t.audience.email[0] as string));
    expect(partner?.text).toContain('---- For your customers (forward as is) ----');
    expect(partner?.text?.indexOf('---- For your customers')).toBeGreaterThan(10);
    expect(partner?.text).toContain((customer?.text ?? 'missing').trim().slice(0, 60));
    expect(customer?.text).not.toContain('For your customers');
  });
});

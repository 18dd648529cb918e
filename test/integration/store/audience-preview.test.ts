import type { Kysely } from 'kysely';
import type { Channel } from '../../../src/channels/provider';
import type { AddressChannel } from '../../../src/contacts/address';
import { addAddress } from '../../../src/contacts/address.repository';
import type { ContactKind } from '../../../src/contacts/contact';
import { createContact } from '../../../src/contacts/contact.repository';
import { optOutAddress } from '../../../src/contacts/opt-out.repository';
import { quarantineAddress } from '../../../src/contacts/quarantine.repository';
import type { Consent } from '../../../src/contacts/subscription';
import { createSubscription } from '../../../src/contacts/subscription.repository';
import { previewAudience, type ChannelPreview } from '../../../src/incidents/audience-preview';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import type { Database } from '../../../src/store/schema';
import { seedApprovedScript, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { buildContact, buildSubscription, buildTeamMember } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const NOW = Date.UTC(2025, 5, 1, 12);
const CHANNELS: Channel[] = ['email', 'sms', 'slack', 'x', 'webhook'];
const TEAM_SLACK = ['C0TEAMCHAN'];

type AddressSpec = [AddressChannel, string, Consent | null, { components?: string[]; optOut?: boolean; quarantine?: boolean; disabled?: boolean }?];

async function contact(db: Kysely<Database>, kind: ContactKind, addresses: AddressSpec[]): Promise<void> {
  const c = await createContact(db, buildContact({ kind }));
  for (const [channel, address, consent, flags = {}] of addresses) {
    const a = await addAddress(db, c.id, { channel, address });
    if (consent) {
      const sub = await createSubscription(db, buildSubscription(a.id, { consent, components: flags.components ?? [] }));
      if (flags.disabled) await db.updateTable('subscriptions').set({ disabled_at: NOW, disabled_reason: 'webhook-http 500: down' }).where('id', '=', sub.id).execute();
    }
    if (flags.optOut) await optOutAddress(db, channel, address, 'STOP', NOW);
    if (flags.quarantine) await quarantineAddress(db, channel, address, 'hard bounce', NOW);
  }
}

/**
 * Every way an address can fare: reached, no consent (none, pending, unsubscribed), opted out,
 * quarantined, quarantined without consent, shared by two contacts, following another component,
 * held by the team as well, recipients with no address on a channel, and webhook subscribers:
 * confirmed, disabled after repeated failures, and pending.
 */
async function seedAudience(db: Kysely<Database>): Promise<void> {
  await createTeamMember(db, buildTeamMember({ email: 't1@example.com', phone: '+12015550001', slack: 'U0TEAM0001' }));
  await createTeamMember(db, buildTeamMember({ email: 't2@example.com', phone: null, slack: null }));
  await contact(db, 'customer', [['email', 't2@example.com', 'confirmed', { optOut: true }]]);
  await contact(db, 'customer', [['email', 'c1@example.com', 'confirmed'], ['sms', '+12015550101', 'confirmed']]);
  await contact(db, 'customer', [['email', 'c2@example.com', 'pending']]);
  await contact(db, 'customer', [['email', 'c3@example.com', null], ['sms', '+12015550103', 'unsubscribed']]);
  await contact(db, 'customer', [['email', 'c4@example.com', 'confirmed', { optOut: true }]]);
  await contact(db, 'customer', [['email', 'c5@example.com', 'confirmed', { quarantine: true }], ['sms', '+12015550105', 'confirmed', { quarantine: true }]]);
  await contact(db, 'customer', [['email', 'c6@example.com', 'pending', { quarantine: true }]]);
  await contact(db, 'customer', [['email', 'shared@example.com', 'confirmed']]);
  await contact(db, 'customer', [['email', 'shared@example.com', null]]);
  await contact(db, 'customer', [['email', 'c9@example.com', 'confirmed', { components: ['website'] }]]);
  await contact(db, 'customer', [['email', 'c10@example.com', 'confirmed', { components: ['checkout'] }]]);
  await contact(db, 'reseller', [['slack', 'https://hooks.slack.com/services/T1/B1/x', 'confirmed']]);
  await contact(db, 'reseller', [['webhook', 'https://hooks.example.net/crier', 'confirmed']]);
  await contact(db, 'customer', [['webhook', 'https://dead.example.net/hook', 'confirmed', { disabled: true }]]);
  await contact(db, 'customer', [['webhook', 'https://new.example.net/hook', 'pending']]);
}

/** The deliveries a broadcast wrote, counted the way the preview counts them. */
async function deliveredCounts(db: Kysely<Database>, broadcastId: number): Promise<(Omit<ChannelPreview, 'skipped'> & { skipped: Omit<ChannelPreview['skipped'], 'no_address'> })[]> {
  const rows = await db.selectFrom('deliveries').select(['channel', 'state', 'skip_reason']).where('broadcast_id', '=', broadcastId).execute();
  return CHANNELS.map((channel) => {
    const mine = rows.filter((r) => r.channel === channel);
    const reason = (...r: string[]) => mine.filter((d) => d.state === 'skipped' && r.includes(d.skip_reason ?? '')).length;
    expect(mine.every((d) => d.state === 'pending' || d.state === 'skipped')).toBe(true);
    return {
      channel,
      reach: mine.filter((d) => d.state === 'pending').length,
      skipped: { no_consent: reason('no consent', 'consent not confirmed'), opted_out: reason('opted out'), quarantined: reason('quarantined'), disabled: reason('disabled') },
    };
  });
}

describe.each(DIALECTS)('%s: previewAudience', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
    await seedAudience(store.db);
  });
  afterEach(async () => { await store.dispose(); });

  const spec = { audiences: ['customers', 'resellers', 'team'] as const, channels: CHANNELS, components: ['checkout'], teamSlackChannels: TEAM_SLACK };

  it('[R4] when an audience mixes every skip reason, then the preview counts each channel\'s reach and skips by reason, webhooks included', async () => {
    const preview = await previewAudience(store.db, { ...spec, audiences: [...spec.audiences] });
    expect(preview).toEqual([
      { channel: 'email', reach: 4, skipped: { no_consent: 3, opted_out: 2, quarantined: 1, disabled: 0, no_address: 4 } },
      { channel: 'sms', reach: 2, skipped: { no_consent: 1, opted_out: 0, quarantined: 1, disabled: 0, no_address: 13 } },
      { channel: 'slack', reach: 3, skipped: { no_consent: 0, opted_out: 0, quarantined: 0, disabled: 0, no_address: 15 } },
      { channel: 'x', reach: 1, skipped: { no_consent: 0, opted_out: 0, quarantined: 0, disabled: 0, no_address: 0 } },
      { channel: 'webhook', reach: 1, skipped: { no_consent: 1, opted_out: 0, quarantined: 0, disabled: 1, no_address: 12 } },
    ]);
  });

  it('[R4] when the update is published, then the deliveries created equal the preview per channel and reason', async () => {
    const preview = await previewAudience(store.db, { ...spec, audiences: [...spec.audiences] });
    const scriptVersionId = await seedApprovedScript(store.db);
    const published = await publishUpdate(store.db, {
      incident: { title: 'Checkout failing', impact: 'major', components: ['checkout'] }, status: 'investigating', scriptVersionId,
      variables: SCRIPT_VARIABLES, audiences: [...spec.audiences], channels: CHANNELS,
    }, { actor: 'test', brandName: 'Crier', statusPageUrl: 'https://status.example.com', teamSlackChannels: TEAM_SLACK, now: NOW });

    const created = await deliveredCounts(store.db, published.broadcastId);
    expect(created).toEqual(preview.map(({ skipped: { no_address: _ignored, ...skipped }, ...rest }) => ({ ...rest, skipped })));
    const quarantined = await store.db.selectFrom('deliveries').select(['address', 'state', 'skip_reason']).where('skip_reason', '=', 'quarantined').orderBy('address').execute();
    expect(quarantined).toEqual([
      { address: '+12015550105', state: 'skipped', skip_reason: 'quarantined' },
      { address: 'c5@example.com', state: 'skipped', skip_reason: 'quarantined' },
    ]);
    const webhooks = await store.db.selectFrom('deliveries').select(['address', 'state', 'skip_reason']).where('broadcast_id', '=', published.broadcastId).where('channel', '=', 'webhook').orderBy('address').execute();
    expect(webhooks).toEqual([
      { address: 'https://dead.example.net/hook', state: 'skipped', skip_reason: 'disabled' },
      { address: 'https://hooks.example.net/crier', state: 'pending', skip_reason: null },
      { address: 'https://new.example.net/hook', state: 'skipped', skip_reason: 'consent not confirmed' },
    ]);
  });

  it('[R4] when only customers are chosen on email, then the team and resellers are neither reached nor counted', async () => {
    const preview = await previewAudience(store.db, { audiences: ['customers'], channels: ['email'], components: [] });
    // Without the team, t2@ is the opted-out customer's own address; without a component filter c9 is reached.
    expect(preview).toEqual([{ channel: 'email', reach: 4, skipped: { no_consent: 3, opted_out: 2, quarantined: 1, disabled: 0, no_address: 2 } }]);
  });
});

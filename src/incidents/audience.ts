import { sql, type Transaction } from 'kysely';
import type { AddressChannel } from '../contacts/address';
import type { ContactKind } from '../contacts/contact';
import type { Channel } from '../channels/provider';
import type { NewDelivery } from '../delivery/delivery.repository';
import type { Database } from '../store/schema';
import type { Audience } from './publish';

export interface AudienceSpec {
  audiences: Audience[];
  channels: Channel[];
  components: string[];
  teamSlackChannels: string[];
}

const KINDS: Partial<Record<Audience, ContactKind>> = { customers: 'customer', resellers: 'reseller' };
/** Contact addresses reachable on each delivery channel (Slack: subscribers' incoming webhooks). */
const ADDRESS_CHANNEL: Partial<Record<Channel, AddressChannel>> = { email: 'email', sms: 'sms', slack: 'slack' };

/**
 * Write one delivery per channel × address that this broadcast reaches, inside the caller's
 * publish transaction. The team is reached on every channel it has; customers and resellers
 * only with confirmed consent and no opt-out: the others are written as skipped with the reason.
 * X and the business's own Slack channels are the public and team posts. An address is written
 * once per channel (the unique index drops repeats), so a shared address hears the update once.
 */
export async function insertAudienceDeliveries(trx: Transaction<Database>, broadcastId: number, spec: AudienceSpec, now: number): Promise<void> {
  const row = (channel: Channel, address: string, skipReason: string | null): NewDelivery => ({
    broadcast_id: broadcastId, channel, contact_id: null, address, state: skipReason ? 'skipped' : 'pending', skip_reason: skipReason,
    attempts: 0, next_attempt_at: now, receipt_rank: 0, updated_at: now, created_at: now,
  });
  const own: NewDelivery[] = [];
  if (spec.audiences.includes('team')) {
    const team = await trx.selectFrom('team_members').select(['email', 'phone', 'slack']).orderBy('id').execute();
    const optedOut = await optedOutSet(trx);
    for (const m of team) {
      const addresses: [Channel, string | null][] = [['email', m.email], ['sms', m.phone], ['slack', m.slack]];
      for (const [channel, address] of addresses) {
        if (address && spec.channels.includes(channel)) own.push(row(channel, address, optedOut.has(`${channel}\u0000${address}`) ? 'opted out' : null));
      }
    }
  }
  if (spec.channels.includes('slack')) for (const channelId of spec.teamSlackChannels) own.push(row('slack', channelId, null));
  if (spec.channels.includes('x')) own.push(row('x', '', null));
  if (own.length > 0) {
    await trx.insertInto('deliveries').values(own).onConflict((oc) => oc.columns(['broadcast_id', 'channel', 'address']).doNothing()).execute();
  }

  const kinds = spec.audiences.map((a) => KINDS[a]).filter((k): k is ContactKind => k !== undefined);
  if (kinds.length === 0) return;
  for (const channel of spec.channels) {
    const addressChannel = ADDRESS_CHANNEL[channel];
    if (addressChannel) await insertContactDeliveries(trx, { broadcastId, channel, addressChannel, kinds, components: spec.components, now });
  }
}

/**
 * One set-based INSERT … SELECT per channel: no row passes through JavaScript, so publishing to
 * 100,000 contacts takes one statement and no memory. Parameters are CAST so Postgres knows
 * their types in a SELECT list; SQLite accepts the same casts.
 */
async function insertContactDeliveries(
  trx: Transaction<Database>,
  q: { broadcastId: number; channel: Channel; addressChannel: AddressChannel; kinds: ContactKind[]; components: string[]; now: number },
): Promise<void> {
  const follows = q.components.length === 0
    ? sql``
    : sql`AND (s.components IS NULL OR s.components = '[]' OR ${sql.join(q.components.map((c) => sql`s.components LIKE ${`%${JSON.stringify(c).replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'`), sql` OR `)})`;
  await sql`
    INSERT INTO deliveries (broadcast_id, channel, contact_id, address, state, skip_reason, attempts, next_attempt_at, receipt_rank, updated_at, created_at)
    SELECT CAST(${q.broadcastId} AS INTEGER), CAST(${q.channel} AS TEXT), a.contact_id, a.address,
      CASE WHEN a.opted_out_at IS NULL AND s.consent = 'confirmed' THEN 'pending' ELSE 'skipped' END,
      CASE WHEN a.opted_out_at IS NOT NULL THEN 'opted out'
           WHEN s.consent = 'confirmed' THEN NULL
           WHEN s.consent = 'pending' THEN 'consent not confirmed'
           ELSE 'no consent' END,
      0, CAST(${q.now} AS BIGINT), 0, CAST(${q.now} AS BIGINT), CAST(${q.now} AS BIGINT)
    FROM addresses a
    JOIN contacts c ON c.id = a.contact_id
    LEFT JOIN subscriptions s ON s.address_id = a.id
    WHERE a.channel = ${q.addressChannel} AND c.kind IN (${sql.join(q.kinds)}) ${follows}
    ON CONFLICT (broadcast_id, channel, address) DO NOTHING`.execute(trx);
}

async function optedOutSet(trx: Transaction<Database>): Promise<Set<string>> {
  const rows = await trx.selectFrom('addresses').select(['channel', 'address']).where('opted_out_at', 'is not', null).execute();
  return new Set(rows.map((r) => `${r.channel}\u0000${r.address}`));
}

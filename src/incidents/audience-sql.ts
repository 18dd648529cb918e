import { sql, type RawBuilder, type Transaction, type Kysely } from 'kysely';
import type { AddressChannel } from '../contacts/address';
import type { ContactKind } from '../contacts/contact';
import type { Channel } from '../channels/provider';
import type { Database } from '../store/schema';
import type { Audience } from './publish';

/**
 * Who a broadcast reaches and who it skips, in one place, for the two things that must agree:
 * publishing (which writes a delivery per address) and the preview (which counts them first).
 * Both read the same rows and the same SQL, so the preview cannot promise what publishing
 * would not do.
 */

export interface AudienceSpec {
  audiences: Audience[];
  channels: Channel[];
  components: string[];
  /** The business's own Slack channels; every Slack broadcast reaches them. */
  teamSlackChannels: string[];
}

type Db = Kysely<Database> | Transaction<Database>;

export const KINDS: Partial<Record<Audience, ContactKind>> = { customers: 'customer', resellers: 'reseller' };
/** Contact addresses reachable on each delivery channel (Slack: subscribers' incoming webhooks). */
export const ADDRESS_CHANNEL: Partial<Record<Channel, AddressChannel>> = { email: 'email', sms: 'sms', slack: 'slack', teams: 'teams', webhook: 'webhook' };

export const contactKinds = (spec: AudienceSpec) => spec.audiences.map((a) => KINDS[a]).filter((k): k is ContactKind => k !== undefined);

/**
 * How a contact address fares, best first. One address can belong to several contacts (a shared
 * inbox); it gets one delivery, with the best outcome among them. For one contact the worst
 * reason is named: an opted-out address is "opted out" even when it is also quarantined.
 * "disabled" is a webhook subscriber Crier turned off after repeated failed deliveries.
 */
export const OUTCOMES = [
  { rank: 0, skipReason: null },
  { rank: 1, skipReason: 'quarantined' },
  { rank: 2, skipReason: 'disabled' },
  { rank: 3, skipReason: 'consent not confirmed' },
  { rank: 4, skipReason: 'no consent' },
  { rank: 5, skipReason: 'opted out' },
] as const;
export type SkipReason = NonNullable<(typeof OUTCOMES)[number]['skipReason']>;

const BROADCAST_CHANNELS: Channel[] = ['x', 'mastodon', 'bluesky'];

/** A delivery the business owes itself or the public: team members, team Slack channels, the social posts. */
export interface OwnDelivery {
  channel: Channel;
  address: string;
  skipReason: SkipReason | null;
}

/** The team's, the team channels' and the social posts' deliveries, once per channel and address, in a fixed order. */
export async function ownDeliveries(db: Db, spec: AudienceSpec): Promise<OwnDelivery[]> {
  const rows: OwnDelivery[] = [];
  if (spec.audiences.includes('team')) {
    const team = await db.selectFrom('team_members').select(['email', 'phone', 'slack']).orderBy('id').execute();
    const optedOut = await optedOutSet(db);
    for (const m of team) {
      const addresses: [Channel, string | null][] = [['email', m.email], ['sms', m.phone], ['slack', m.slack]];
      for (const [channel, address] of addresses) {
        if (address && spec.channels.includes(channel)) rows.push({ channel, address, skipReason: optedOut.has(`${channel}\u0000${address}`) ? 'opted out' : null });
      }
    }
  }
  if (spec.channels.includes('slack')) for (const address of spec.teamSlackChannels) rows.push({ channel: 'slack', address, skipReason: null });
  // Broadcast channels: one post from the business's own account per update.
  for (const channel of BROADCAST_CHANNELS) if (spec.channels.includes(channel)) rows.push({ channel, address: '', skipReason: null });
  const seen = new Set<string>();
  return rows.filter((r) => {
    const id = `${r.channel}\u0000${r.address}`;
    return !seen.has(id) && seen.add(id);
  });
}

async function optedOutSet(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('addresses').select(['channel', 'address']).where('opted_out_at', 'is not', null).execute();
  return new Set(rows.map((r) => `${r.channel}\u0000${r.address}`));
}

export interface ContactAudienceQuery {
  addressChannel: AddressChannel;
  kinds: ContactKind[];
  components: string[];
  /** Addresses already covered by an own delivery on this channel; they are not counted twice. */
  excluded: string[];
}

/**
 * One row per distinct contact address on the channel: (address, contact_id, outcome), where
 * outcome is the best OUTCOMES rank among the contacts holding it. The component filter reads
 * each subscription's JSON list with LIKE, which both dialects run alike; an address without a
 * subscription is kept (it is skipped as "no consent").
 */
export function contactAudienceSql(q: ContactAudienceQuery): RawBuilder<unknown> {
  const follows = q.components.length === 0
    ? sql``
    : sql`AND (s.components IS NULL OR s.components = '[]' OR ${sql.join(q.components.map((c) => sql`s.components LIKE ${`%${JSON.stringify(c).replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'`), sql` OR `)})`;
  const excluded = q.excluded.length === 0 ? sql`` : sql`AND a.address NOT IN (${sql.join(q.excluded)})`;
  return sql`
    SELECT a.address AS address, MIN(a.contact_id) AS contact_id,
      MIN(CASE WHEN a.opted_out_at IS NOT NULL THEN 5
               WHEN s.consent IS NULL OR s.consent NOT IN ('confirmed', 'pending') THEN 4
               WHEN s.consent = 'pending' THEN 3
               WHEN s.disabled_at IS NOT NULL THEN 2
               WHEN a.quarantined_at IS NOT NULL THEN 1
               ELSE 0 END) AS outcome
    FROM addresses a
    JOIN contacts c ON c.id = a.contact_id
    LEFT JOIN subscriptions s ON s.address_id = a.id
    WHERE a.channel = ${q.addressChannel} AND c.kind IN (${sql.join(q.kinds)}) ${follows} ${excluded}
    GROUP BY a.address`;
}

/** The skip reason column for an outcome rank, as SQL (constants only, so inlined as literals). */
export function skipReasonSql(outcome: RawBuilder<unknown>): RawBuilder<unknown> {
  const whens = OUTCOMES.filter((o) => o.skipReason !== null).map((o) => sql`WHEN ${sql.lit(o.rank)} THEN ${sql.lit(o.skipReason)}`);
  return sql`CASE ${outcome} ${sql.join(whens, sql` `)} ELSE NULL END`;
}

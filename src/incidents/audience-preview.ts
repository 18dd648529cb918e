import { sql, type Kysely, type Transaction } from 'kysely';
import type { Channel } from '../channels/provider';
import type { Database } from '../store/schema';
import { ADDRESS_CHANNEL, contactAudienceSql, contactKinds, OUTCOMES, ownDeliveries, type AudienceSpec, type SkipReason } from './audience-sql';

type Db = Kysely<Database> | Transaction<Database>;

export interface SkippedCounts {
  /** No subscription, unsubscribed, or consent given but not confirmed (double opt-in pending). */
  no_consent: number;
  opted_out: number;
  quarantined: number;
  /** Webhook subscribers disabled after repeated failed deliveries. */
  disabled: number;
  /** Recipients in the audience with no address on this channel; no delivery is written for them. */
  no_address: number;
}

export interface ChannelPreview {
  channel: Channel;
  /** Addresses that will be sent to (deliveries written as pending). */
  reach: number;
  skipped: SkippedCounts;
}

const BUCKET: Record<SkipReason, keyof SkippedCounts> = {
  quarantined: 'quarantined', disabled: 'disabled', 'consent not confirmed': 'no_consent', 'no consent': 'no_consent', 'opted out': 'opted_out',
};

/**
 * What publishing to this audience would do, per channel, before anything is written: how many
 * addresses it reaches and how many it skips and why. It counts the very rows and SQL that
 * insertAudienceDeliveries writes (audience-sql.ts), so reach and each skip reason equal the
 * deliveries a publish at the same moment creates. `no_address` has no delivery to match: it
 * counts the contacts and team members who have no address on the channel at all.
 */
export async function previewAudience(db: Db, input: { audiences: AudienceSpec['audiences']; channels: Channel[]; components: string[]; teamSlackChannels?: string[] }): Promise<ChannelPreview[]> {
  const spec: AudienceSpec = { ...input, teamSlackChannels: input.teamSlackChannels ?? [] };
  const own = await ownDeliveries(db, spec);
  const kinds = contactKinds(spec);
  const previews: ChannelPreview[] = [];
  for (const channel of spec.channels) {
    const p: ChannelPreview = { channel, reach: 0, skipped: { no_consent: 0, opted_out: 0, quarantined: 0, disabled: 0, no_address: 0 } };
    const mine = own.filter((o) => o.channel === channel);
    for (const o of mine) {
      if (o.skipReason) p.skipped[BUCKET[o.skipReason]] += 1;
      else p.reach += 1;
    }
    p.skipped.no_address += await teamWithoutAddress(db, spec, channel);
    const addressChannel = ADDRESS_CHANNEL[channel];
    if (addressChannel && kinds.length > 0) {
      const audience = contactAudienceSql({ addressChannel, kinds, components: spec.components, excluded: mine.map((o) => o.address) });
      const counts = await sql<{ outcome: number | string; n: number | string }>`SELECT t.outcome AS outcome, COUNT(*) AS n FROM (${audience}) t GROUP BY t.outcome`.execute(db);
      for (const row of counts.rows) {
        const reason = OUTCOMES.find((o) => o.rank === Number(row.outcome))?.skipReason;
        if (reason) p.skipped[BUCKET[reason]] += Number(row.n);
        else p.reach += Number(row.n);
      }
      const without = await db
        .selectFrom('contacts as c')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('c.kind', 'in', kinds)
        .where(({ not, exists, selectFrom }) => not(exists(
          selectFrom('addresses as a').select('a.id').whereRef('a.contact_id', '=', 'c.id').where('a.channel', '=', addressChannel),
        )))
        .executeTakeFirstOrThrow();
      p.skipped.no_address += Number(without.n);
    }
    previews.push(p);
  }
  return previews;
}

const TEAM_FIELD: Partial<Record<Channel, 'email' | 'phone' | 'slack'>> = { email: 'email', sms: 'phone', slack: 'slack' };

async function teamWithoutAddress(db: Db, spec: AudienceSpec, channel: Channel): Promise<number> {
  const field = TEAM_FIELD[channel];
  if (!field || !spec.audiences.includes('team')) return 0;
  const row = await db.selectFrom('team_members').select((eb) => eb.fn.countAll<number | string>().as('n')).where((eb) => eb.or([eb(field, 'is', null), eb(field, '=', '')])).executeTakeFirstOrThrow();
  return Number(row.n);
}

import type { Kysely, Transaction } from 'kysely';
import type { AddressChannel } from '../contacts/address';
import { audienceFor } from '../contacts/audience.repository';
import type { ContactKind } from '../contacts/contact';
import type { Channel } from '../channels/provider';
import type { Database } from '../store/schema';
import type { Audience } from './publish';

type Db = Kysely<Database> | Transaction<Database>;

/** One delivery-to-be: a pending send, or a skip that records why nothing was sent. */
export interface Recipient {
  channel: Channel;
  address: string;
  contactId: number | null;
  skipReason: string | null;
}

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
 * Everyone one broadcast reaches, one row per channel × address, each address once. Customers
 * and resellers need confirmed consent and no opt-out; the team is reached on every channel it
 * has; X and the business's own Slack channels are the public and team posts.
 */
export async function audienceRecipients(db: Db, spec: AudienceSpec): Promise<Recipient[]> {
  const out: Recipient[] = [];
  const seen = new Set<string>();
  const add = (r: Recipient) => {
    const key = `${r.channel}\u0000${r.address}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(r);
  };

  if (spec.audiences.includes('team')) {
    const team = await db.selectFrom('team_members').select(['email', 'phone', 'slack']).orderBy('id').execute();
    const optedOut = await optedOutSet(db);
    for (const m of team) {
      const addresses: [Channel, string | null][] = [['email', m.email], ['sms', m.phone], ['slack', m.slack]];
      for (const [channel, address] of addresses) {
        if (!address || !spec.channels.includes(channel)) continue;
        add({ channel, address, contactId: null, skipReason: optedOut.has(`${channel}\u0000${address}`) ? 'opted out' : null });
      }
    }
  }
  if (spec.channels.includes('slack')) {
    for (const channelId of spec.teamSlackChannels) add({ channel: 'slack', address: channelId, contactId: null, skipReason: null });
  }

  const kinds = spec.audiences.map((a) => KINDS[a]).filter((k): k is ContactKind => k !== undefined);
  const channelMap = new Map<AddressChannel, Channel>();
  for (const ch of spec.channels) {
    const ac = ADDRESS_CHANNEL[ch];
    if (ac) channelMap.set(ac, ch);
  }
  const rows = await audienceFor(db, { kinds, channels: [...channelMap.keys()], components: spec.components });
  for (const r of rows) {
    const skipReason = r.optedOut ? 'opted out' : r.consent !== 'confirmed' ? (r.consent === 'pending' ? 'consent not confirmed' : 'no consent') : null;
    add({ channel: channelMap.get(r.channel) as Channel, address: r.address, contactId: r.contactId, skipReason });
  }

  if (spec.channels.includes('x')) add({ channel: 'x', address: '', contactId: null, skipReason: null });
  return out;
}

async function optedOutSet(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('addresses').select(['channel', 'address']).where('opted_out_at', 'is not', null).execute();
  return new Set(rows.map((r) => `${r.channel}\u0000${r.address}`));
}

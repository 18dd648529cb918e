import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ADDRESS_CHANNELS, type AddressChannel } from '../contacts/address';
import { optOutAddress } from '../contacts/opt-out.repository';
import { quarantineAddress } from '../contacts/quarantine.repository';
import { setXThreadIfUnset } from '../incidents/incident.repository';
import { setThreadIfUnset } from '../incidents/incident-thread.repository';
import type { Database } from '../store/schema';
import { recordWebhookOutcomes } from '../subscriptions/webhook-health.service';
import type { LaneHooks } from './lane';

const THREADED = new Set(['x', 'mastodon', 'bluesky']);

/**
 * What follows a settled batch: a provider's "recipient opted out" becomes Crier's own opt-out
 * and its "this address is bad" a quarantine, so later broadcasts skip the address; an
 * incident's first X, Mastodon or Bluesky post becomes its thread on that platform; webhook
 * subscribers that keep failing are disabled.
 */
export function afterSettleHooks(db: Kysely<Database>, logger: Logger, notices: { brand: string; statusPageUrl(): string }): LaneHooks {
  return {
    async afterSettle(settled) {
      for (const o of settled.optOuts) {
        if (!ADDRESS_CHANNELS.includes(o.channel as AddressChannel)) continue;
        await optOutAddress(db, o.channel as AddressChannel, o.address, o.reason, Date.now());
        logger.info({ channel: o.channel }, 'address opted out by provider');
      }
      for (const q of settled.quarantines) {
        if (!ADDRESS_CHANNELS.includes(q.channel as AddressChannel)) continue;
        await quarantineAddress(db, q.channel as AddressChannel, q.address, q.reason, Date.now());
        logger.info({ channel: q.channel, reason: q.reason }, 'address quarantined after a permanent failure');
      }
      for (const s of settled.sent) {
        if (!THREADED.has(s.row.channel) || !s.providerMessageId) continue;
        const row = await db
          .selectFrom('broadcasts')
          .innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
          .select('incident_updates.incident_id')
          .where('broadcasts.id', '=', s.row.broadcast_id)
          .executeTakeFirst();
        if (!row) continue;
        if (s.row.channel === 'x') await setXThreadIfUnset(db, row.incident_id, s.providerMessageId);
        else await setThreadIfUnset(db, row.incident_id, s.row.channel, s.providerMessageId, Date.now());
      }
      const disabled = await recordWebhookOutcomes(db, settled, { brand: notices.brand, statusPageUrl: notices.statusPageUrl() });
      if (disabled > 0) logger.warn({ disabled }, 'webhook subscribers disabled after repeated failed deliveries; owners notified');
    },
  };
}

import type { Transaction } from 'kysely';
import type { Channel } from '../channels/provider';
import { AppError } from '../errors';
import { STATUS_LABELS, type Incident } from '../incidents/incident';
import { insertBroadcast, insertUpdate } from '../incidents/incident.repository';
import type { PublishContext } from '../incidents/publish.service';
import { MissingVariablesError } from '../render';
import { checkTexts, DEFAULT_SMS_MAX_SEGMENTS, offeredChannels, scriptChannelsFor } from '../scripts/script-checks';
import type { ScriptVersion } from '../scripts/script-version';
import { valuesForSend } from '../scripts/variables';
import type { Database } from '../store/schema';

export interface NoticeRecipient {
  channel: Channel;
  address: string;
  contactId: number | null;
  /** Why it is not sent (opted out, quarantined); written as a skipped delivery. */
  skipReason?: string;
}

/**
 * A one-to-one message about an incident (a promise's reminder to its owner, the word to a
 * customer that it was kept), written like every other message: an update of the incident
 * with the approved version's rendered text, kept off the public page, a broadcast and one
 * delivery per address, in the caller's transaction, for the lanes to send.
 */
export async function writeNotice(
  trx: Transaction<Database>,
  n: { incident: Incident; version: ScriptVersion; variables: Record<string, string>; audience: string; recipients: NoticeRecipient[] },
  ctx: PublishContext,
): Promise<{ broadcastId: number; channels: Channel[] }> {
  const offered: readonly string[] = offeredChannels(n.version);
  const recipients = n.recipients.filter((r) => offered.includes(r.channel));
  const channels = [...new Set(recipients.map((r) => r.channel))];
  const check = checkTexts(n.version, valuesForSend(n.version.variables, n.variables), {
    smsMaxSegments: ctx.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS, channels: scriptChannelsFor(channels), statusLabel: STATUS_LABELS[n.incident.status],
    brandName: ctx.brandName, statusPageUrl: ctx.statusPageUrl,
  });
  if (check.missing.length > 0) throw new MissingVariablesError(check.missing);
  if (check.problems.length > 0 || !check.preview) throw new AppError('invalid_input', 'The message cannot be rendered.', check.problems);
  const update = await insertUpdate(trx, {
    incidentId: n.incident.id, status: n.incident.status, scriptVersionId: n.version.id, variables: n.variables, rendered: check.preview,
    createdBy: ctx.actor, now: ctx.now, internal: true,
  });
  const broadcastId = await insertBroadcast(trx, { updateId: update.id, audiences: [n.audience], channels, now: ctx.now });
  const seen = new Set<string>();
  const rows = recipients.filter((r) => !seen.has(`${r.channel} ${r.address}`) && seen.add(`${r.channel} ${r.address}`)).map((r) => ({
    broadcast_id: broadcastId, channel: r.channel, contact_id: r.contactId, address: r.address,
    state: r.skipReason ? 'skipped' as const : 'pending' as const, skip_reason: r.skipReason ?? null,
    attempts: 0, next_attempt_at: ctx.now, receipt_rank: 0, updated_at: ctx.now, created_at: ctx.now,
  }));
  if (rows.length > 0) await trx.insertInto('deliveries').values(rows).execute();
  return { broadcastId, channels };
}

import type { Transaction } from 'kysely';
import type { Channel } from '../channels/provider';
import type { RenderedUpdate } from '../render';
import { checkTexts, DEFAULT_SMS_MAX_SEGMENTS, scriptChannelsFor } from '../scripts/script-checks';
import { broadcastableScripts } from '../scripts/script.service';
import { valuesForSend } from '../scripts/variables';
import { utcClock } from '../render/time';
import { markDrill } from './drill';
import type { Database } from '../store/schema';
import { STATUS_LABELS, type Incident } from './incident';
import { insertBroadcast, insertUpdate } from './incident.repository';
import type { PublishInput } from './publish';
import type { PublishContext } from './publish.service';

/** The roster roles told about every incident, whatever its failure type. */
export const COMMS_ROLES = ['owner', 'comms', 'comms lead'];
export const INTERNAL_SCRIPT_KEY = 'internal-team-alert';
export const TEAM_CHANNELS: Channel[] = ['email', 'sms', 'slack'];

/**
 * When an incident opens, the comms team and the responders for its failure type hear first, on
 * every channel they have, before any customer delivery exists: the alert's broadcast and
 * deliveries are written first in the same transaction, so they are older and the lanes, which
 * take the oldest due work first, send them first. The words are the approved internal alert
 * script, filled from what is known; if it is not approved or cannot be filled, the alert carries
 * the customer notice itself, which is approved text too.
 */
export async function alertTeamFirst(
  trx: Transaction<Database>,
  incident: Incident,
  input: Pick<PublishInput, 'status' | 'variables'>,
  customer: { versionId: number; rendered: RenderedUpdate } | undefined,
  ctx: PublishContext,
): Promise<{ broadcastId: number; recipients: number } | undefined> {
  const members = await trx.selectFrom('team_members').select(['id', 'name', 'email', 'alt_email', 'phone', 'alt_phone', 'slack', 'role'])
    .where((eb) => eb.or([
      eb(eb.fn('lower', ['role']), 'in', COMMS_ROLES),
      ...(incident.failureTypeId === null ? [] : [eb('id', 'in', eb.selectFrom('responders').select('team_member_id').where('failure_type_id', '=', incident.failureTypeId))]),
    ]))
    .orderBy('id').execute();
  return alertMembers(trx, incident, members, TEAM_CHANNELS, input, customer, ctx);
}

type Member = { email: string | null; alt_email: string | null; phone: string | null; alt_phone: string | null; slack: string | null };

/**
 * The internal alert to these members on these channels, as an internal update of the incident.
 * Without an approved internal script that renders, and without a customer notice to carry, there
 * is no approved text to send, and nothing is written (undefined).
 */
export async function alertMembers(
  trx: Transaction<Database>,
  incident: Incident,
  members: Member[],
  teamChannels: Channel[],
  input: Pick<PublishInput, 'status' | 'variables'>,
  customer: { versionId: number; rendered: RenderedUpdate } | undefined,
  ctx: PublishContext,
): Promise<{ broadcastId: number; recipients: number } | undefined> {
  const rows: [Channel, string][] = [];
  for (const m of members) {
    for (const [channel, address] of [['email', m.email], ['email', m.alt_email], ['sms', m.phone], ['sms', m.alt_phone], ['slack', m.slack]] as const) if (address && teamChannels.includes(channel)) rows.push([channel, address]);
  }
  if (rows.length === 0) return undefined;

  const failure = incident.failureTypeId === null ? undefined
    : await trx.selectFrom('failure_types').select('name').where('id', '=', incident.failureTypeId).executeTakeFirst();
  const lead = incident.failureTypeId === null ? undefined
    : await trx.selectFrom('responders').innerJoin('team_members', 'team_members.id', 'responders.team_member_id')
      .select('team_members.name').where('responders.failure_type_id', '=', incident.failureTypeId).orderBy('responders.rank').executeTakeFirst();
  const known: Record<string, string> = {
    ...input.variables,
    failure: input.variables.failure ?? `${incident.title}${failure ? ` (${failure.name})` : ''}`,
    started_at: input.variables.started_at ?? utcClock(ctx.now),
    detected_by: input.variables.detected_by ?? ctx.actor,
    incident_lead: lead?.name ?? 'the owner',
    bridge: input.variables.bridge ?? 'the team Slack channel',
    first_notice_by: utcClock(ctx.now),
  };
  const internal = (await broadcastableScripts(trx)).find((s) => s.script.key === INTERNAL_SCRIPT_KEY)?.version;
  const channels = teamChannels.filter((c) => rows.some(([ch]) => ch === c));
  let versionId = customer?.versionId;
  let rendered = customer?.rendered;
  if (internal) {
    const check = checkTexts(internal, valuesForSend(internal.variables, known), {
      smsMaxSegments: ctx.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS, channels: scriptChannelsFor(channels),
      statusLabel: STATUS_LABELS[input.status], brandName: ctx.brandName, statusPageUrl: ctx.statusPageUrl,
    });
    if (check.preview && check.missing.length === 0 && check.problems.length === 0) {
      versionId = internal.id;
      rendered = check.preview;
    }
  }
  if (versionId === undefined || rendered === undefined) return undefined;
  if (incident.drill) rendered = markDrill(rendered);
  const update = await insertUpdate(trx, {
    incidentId: incident.id, status: input.status, scriptVersionId: versionId, variables: known, rendered, createdBy: ctx.actor, now: ctx.now, internal: true,
  });
  const broadcastId = await insertBroadcast(trx, { updateId: update.id, audiences: ['team'], channels, now: ctx.now });
  // Only the team's own addresses: this runs inside the publish transaction.
  const optedOut = new Set((await trx.selectFrom('addresses').select(['channel', 'address'])
    .where('opted_out_at', 'is not', null).where('address', 'in', rows.map(([, address]) => address)).execute())
    .map((a) => `${a.channel} ${a.address}`));
  const seen = new Set<string>();
  const deliveries = rows.filter(([ch, address]) => !seen.has(`${ch} ${address}`) && seen.add(`${ch} ${address}`)).map(([channel, address]) => {
    const out = optedOut.has(`${channel} ${address}`);
    return {
      broadcast_id: broadcastId, channel, contact_id: null, address, state: out ? 'skipped' as const : 'pending' as const, skip_reason: out ? 'opted out' : null,
      attempts: 0, next_attempt_at: ctx.now, receipt_rank: 0, updated_at: ctx.now, created_at: ctx.now,
    };
  });
  await trx.insertInto('deliveries').values(deliveries).execute();
  return { broadcastId, recipients: deliveries.length };
}


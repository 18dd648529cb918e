import type { Kysely, Transaction } from 'kysely';
import type { Channel } from '../channels/provider';
import type { ComponentStatus } from '../components/component';
import { setComponentStatus } from '../components/component.repository';
import { AppError } from '../errors';
import { MissingVariablesError, type RenderedUpdate } from '../render';
import { checkTexts, DEFAULT_SMS_MAX_SEGMENTS, scriptChannelsFor } from '../scripts/script-checks';
import { getScript } from '../scripts/script.repository';
import type { ScriptVersion } from '../scripts/script-version';
import { getScriptVersion } from '../scripts/script-version.repository';
import { valuesForSend } from '../scripts/variables';
import { parseStringList } from '../contacts/json-list';
import type { Database } from '../store/schema';
import { STATUS_LABELS, type Impact, type Incident } from './incident';
import { createIncident, getIncident, insertBroadcast, insertUpdate, setIncidentStatus } from './incident.repository';
import { insertAudienceDeliveries } from './audience';
import { previewAudience, type ChannelPreview } from './audience-preview';
import { checkMove, checkOpening, isClosed, kindOf } from './lifecycle';
import { alertTeamFirst, TEAM_CHANNELS } from './team-alert';
import { drillReach, markDrill } from './drill';
import type { PublishInput, PublishResult } from './publish';

export interface PublishContext {
  actor: string;
  brandName: string;
  statusPageUrl: string;
  /** The business's own Slack channels; every Slack broadcast reaches them. */
  teamSlackChannels: string[];
  now: number;
  /** SMS segments an update may cost; 2 when absent. */
  smsMaxSegments?: number;
  /** Records in the publish transaction which lanes got work (the DeliveryQueue); absent in tools. */
  enqueue?: (trx: Transaction<Database>, channels: readonly string[]) => Promise<void>;
}

/**
 * Publish one status update. The update, the exact text each channel gets and one delivery per
 * recipient × channel are committed in ONE transaction; nothing is sent before that commit.
 * The caller wakes the lanes afterwards.
 */
export async function publishUpdate(db: Kysely<Database>, input: PublishInput, ctx: PublishContext): Promise<PublishResult> {
  return db.transaction().execute((trx) => publishInTransaction(trx, input, ctx));
}

/** publishUpdate inside the caller's transaction, for a caller that records its own fact with the update (the SMS trigger). */
export async function publishInTransaction(trx: Transaction<Database>, input: PublishInput, ctx: PublishContext): Promise<PublishResult> {
  const version = await broadcastableVersion(trx, input.scriptVersionId);
  const incident = await incidentFor(trx, input, ctx.now);
  const reach = incident.drill ? drillReach(input.channels) : { audiences: input.audiences, channels: input.channels };
  const plain = render(version, { ...input, channels: reach.channels }, ctx);
  const rendered = incident.drill ? markDrill(plain) : plain;
  const alert = input.incidentId === undefined ? await alertTeamFirst(trx, incident, input, { versionId: version.id, rendered: plain }, ctx) : undefined;
  const update = await insertUpdate(trx, {
    incidentId: incident.id, status: input.status, scriptVersionId: version.id, variables: input.variables,
    rendered, createdBy: ctx.actor, now: ctx.now,
  });
  if (incident.status !== input.status) await setIncidentStatus(trx, incident.id, input.status, ctx.now);
  // A drill leaves the status page alone: its components are not really affected.
  if (!incident.drill) await updateComponents(trx, incident, input, ctx.now);
  const broadcastId = await insertBroadcast(trx, { updateId: update.id, audiences: reach.audiences, channels: reach.channels, now: ctx.now });
  await insertAudienceDeliveries(trx, broadcastId, {
    audiences: reach.audiences, channels: reach.channels as Channel[], components: incident.components, teamSlackChannels: ctx.teamSlackChannels,
  }, ctx.now);
  const deliveries = await summarize(trx, broadcastId, reach.channels);
  await trx.insertInto('audit_log').values({
    at: ctx.now, actor: ctx.actor, action: 'update.published', subject: `incident:${incident.id}`,
    detail: JSON.stringify({ updateId: update.id, broadcastId, status: input.status, scriptVersionId: version.id, deliveries, ...(incident.drill ? { drill: true } : {}) }),
  }).execute();
  await ctx.enqueue?.(trx, alert ? [...TEAM_CHANNELS, ...reach.channels] : reach.channels);
  return { incidentId: incident.id, updateId: update.id, broadcastId, deliveries };
}

export interface PublishPreview {
  /** The exact text each channel would get. */
  rendered: RenderedUpdate;
  /** How many addresses each chosen channel would reach, and how many would be skipped and why. */
  audience: ChannelPreview[];
}

/**
 * What publishing would do, without writing anything: the same version check, lifecycle check
 * and send-time render, and the recipient counts from the same SQL that creates the deliveries.
 */
export async function previewUpdate(db: Kysely<Database>, input: PublishInput, ctx: PublishContext): Promise<PublishPreview> {
  const version = await broadcastableVersion(db, input.scriptVersionId);
  const existing = await existingIncident(db, input);
  const components = existing?.components ?? input.incident?.components ?? [];
  const drill = existing?.drill ?? input.drill === true;
  const reach = drill ? drillReach(input.channels) : { audiences: input.audiences, channels: input.channels };
  const plain = render(version, { ...input, channels: reach.channels }, ctx);
  const rendered = drill ? markDrill(plain) : plain;
  const audience = await previewAudience(db, { audiences: reach.audiences, channels: reach.channels as Channel[], components, teamSlackChannels: ctx.teamSlackChannels });
  return { rendered, audience };
}

const IMPACT_STATUS: Record<Impact, ComponentStatus> = {
  none: 'operational', minor: 'degraded_performance', major: 'partial_outage', critical: 'major_outage',
};

/**
 * Moves the incident's components on the status page: as the update says, else from the impact
 * when the incident opens; back to operational when it resolves, unless another open incident
 * still affects them.
 */
async function updateComponents(trx: Transaction<Database>, incident: Incident, input: PublishInput, now: number): Promise<void> {
  if (incident.components.length === 0) return;
  if (isClosed(input.status)) {
    const others = await trx.selectFrom('incidents').select('components').where('resolved_at', 'is', null).where('drill', '=', 0).where('id', '!=', incident.id).execute();
    const stillAffected = new Set(others.flatMap((o) => parseStringList(o.components)));
    await setComponentStatus(trx, incident.components.filter((k) => !stillAffected.has(k)), input.componentStatus ?? 'operational', now);
    return;
  }
  const opening = input.incidentId === undefined || input.reopen === true;
  const status = input.componentStatus ?? (kindOf(input.status) === 'maintenance'
    ? (input.status === 'in_progress' ? 'under_maintenance' : undefined)
    : (opening ? IMPACT_STATUS[incident.impact] : undefined));
  if (status) await setComponentStatus(trx, incident.components, status, now);
}


/**
 * The incident a follow-up update moves, after checking the move; for a new incident, nothing,
 * after checking it may open with this status.
 */
async function existingIncident(db: Kysely<Database> | Transaction<Database>, input: PublishInput): Promise<Incident | undefined> {
  if (input.incidentId === undefined) {
    checkOpening(input.status);
    return undefined;
  }
  const found = await getIncident(db, input.incidentId);
  if (!found) throw new AppError('not_found', `No incident ${input.incidentId}.`, [{ field: 'incidentId', message: 'no such incident' }]);
  if (input.drill === true && !found.drill) throw new AppError('invalid_input', 'Only a new incident can be a drill; this one is real.', [{ field: 'drill', message: 'the incident is not a drill' }]);
  checkMove(found.status, input.status, input.reopen === true);
  return found;
}

async function incidentFor(trx: Transaction<Database>, input: PublishInput, now: number): Promise<Incident> {
  const found = await existingIncident(trx, input);
  if (found) return found;
  const spec = input.incident as NonNullable<PublishInput['incident']>;
  let failureTypeId: number | null = null;
  if (spec.failureType) {
    const ft = await trx.selectFrom('failure_types').select('id').where('key', '=', spec.failureType).executeTakeFirst();
    if (!ft) throw new AppError('invalid_input', `Unknown failure type ${spec.failureType}.`, [{ field: 'incident.failureType', message: 'no such failure type' }]);
    failureTypeId = ft.id;
  }
  return createIncident(trx, { title: spec.title, failureTypeId, status: input.status, impact: spec.impact, components: spec.components, now, drill: input.drill === true });
}

/** The version, if it may be broadcast: only an approved version can be (invariant 5). */
async function broadcastableVersion(trx: Kysely<Database> | Transaction<Database>, id: number): Promise<ScriptVersion> {
  const version = await getScriptVersion(trx, id);
  if (!version) throw new AppError('invalid_input', 'No such script version.', [{ field: 'scriptVersionId', message: 'no such script version' }]);
  if (version.state !== 'approved') {
    const script = await getScript(trx, version.scriptId);
    throw new AppError('conflict', `Version ${version.version} of script "${script?.name ?? version.scriptId}" is ${version.state}; only an approved version can be broadcast.`, [
      { field: 'scriptVersionId', message: `version is ${version.state}, not approved` },
    ]);
  }
  return version;
}

/** The send-time checks, with the sender's values: every channel renders, chosen channels fit their limits. */
function render(version: ScriptVersion, input: PublishInput, ctx: PublishContext): RenderedUpdate {
  const check = checkTexts(version, valuesForSend(version.variables, input.variables), {
    smsMaxSegments: ctx.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS, channels: scriptChannelsFor(input.channels),
    statusLabel: STATUS_LABELS[input.status], brandName: ctx.brandName, statusPageUrl: ctx.statusPageUrl,
  });
  if (check.missing.length > 0) throw new MissingVariablesError(check.missing);
  if (check.problems.length > 0 || !check.preview) {
    throw new AppError('invalid_input', `This update cannot be sent: ${check.problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, check.problems);
  }
  return check.preview;
}

async function summarize(trx: Transaction<Database>, broadcastId: number, channels: string[]): Promise<PublishResult['deliveries']> {
  const rows = await trx
    .selectFrom('deliveries')
    .select(['channel', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('broadcast_id', '=', broadcastId)
    .groupBy(['channel', 'state'])
    .execute();
  const count = (channel: string, state: string) => Number(rows.find((r) => r.channel === channel && r.state === state)?.n ?? 0);
  return channels.map((channel) => ({ channel, pending: count(channel, 'pending'), skipped: count(channel, 'skipped') }));
}

import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { Channel } from '../channels/provider';
import { AppError } from '../errors';
import { STATUS_LABELS } from '../incidents/incident';
import { createIncident, getIncident } from '../incidents/incident.repository';
import { publishUpdate, type PublishContext } from '../incidents/publish.service';
import type { PublishResult } from '../incidents/publish';
import { alertTeamFirst } from '../incidents/team-alert';
import { utcClock } from '../render/time';
import { checkTexts, DEFAULT_SMS_MAX_SEGMENTS } from '../scripts/script-checks';
import { broadcastableScripts } from '../scripts/script.service';
import { valuesForSend } from '../scripts/variables';
import type { Database } from '../store/schema';
import { knownValues, sendableScripts } from '../scripts/sendable';
import type { Monitor } from './monitor';
import { claimNotice, getOutage, insertOutage, openOutageOf, setOutage } from './monitor.repository';

/** The investigating script for this failure type if there is one, else the general one. */
async function investigatingScript(trx: Transaction<Database>, failureTypeId: number | null) {
  const approved = (await broadcastableScripts(trx)).filter((s) => s.script.situation === 'investigating' || s.script.key === 'investigating');
  return approved.find((s) => failureTypeId !== null && s.script.failureTypeId === failureTypeId)
    ?? approved.find((s) => s.script.key === 'investigating') ?? approved.find((s) => s.script.failureTypeId === null);
}

/**
 * The N-th consecutive failure: opens a draft incident with the approved investigating script
 * pre-selected and filled, and alerts the team first, all in the check's transaction. What would
 * stop the notice going out (no approved script, a value nobody knows) is recorded on the outage.
 */
export async function openOutage(trx: Transaction<Database>, monitor: Monitor, ctx: PublishContext): Promise<{ outageId: number; incidentId: number }> {
  const component = monitor.componentKey === null ? undefined
    : await trx.selectFrom('components').select(['key', 'name']).where('key', '=', monitor.componentKey).executeTakeFirst();
  const incident = await createIncident(trx, {
    title: `${monitor.name} is not answering`, failureTypeId: monitor.failureTypeId, status: 'investigating', impact: 'major', components: component ? [component.key] : [], now: ctx.now,
  });
  const chosen = await investigatingScript(trx, monitor.failureTypeId);
  let variables: Record<string, string> = {};
  let problem: string | null = chosen ? null : 'no investigating script is approved';
  let customer;
  if (chosen) {
    const service = component?.name ?? monitor.name;
    variables = { ...(await knownValues(trx, chosen.version.variables, { now: ctx.now, componentNames: [service] })), service };
    if (chosen.version.variables.some((v) => v.name === 'impact')) variables.impact = `${service} is not responding at the moment.`;
    const check = checkTexts(chosen.version, valuesForSend(chosen.version.variables, variables), {
      smsMaxSegments: ctx.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS, statusLabel: STATUS_LABELS.investigating, brandName: ctx.brandName, statusPageUrl: ctx.statusPageUrl,
    });
    if (check.missing.length > 0) problem = `the script "${chosen.script.name}" needs values nobody has given yet: ${check.missing.join(', ')}`;
    else if (check.problems.length > 0 || !check.preview) problem = `the script "${chosen.script.name}" does not render: ${check.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`;
    else customer = { versionId: chosen.version.id, rendered: check.preview };
  }
  await alertTeamFirst(trx, incident, { status: 'investigating', variables: { ...variables, detected_by: `the monitor "${monitor.name}"` } }, customer, ctx);
  const outageId = await insertOutage(trx, {
    monitor_id: monitor.id, incident_id: incident.id, down_at: ctx.now, script_version_id: chosen?.version.id ?? null,
    variables: JSON.stringify(variables), notice_problem: problem,
  });
  await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: 'monitor.down', subject: `monitor:${monitor.id}`, detail: { incidentId: incident.id, outageId, noticeProblem: problem } });
  return { outageId, incidentId: incident.id };
}

/**
 * The first success after down: the outage ends, the team hears it (an internal update) and the
 * console prompts to resolve. Resolving stays a person's call: one good answer is not "fixed".
 */
export async function markRecovered(trx: Transaction<Database>, monitor: Monitor, ctx: PublishContext): Promise<void> {
  const outage = await openOutageOf(trx, monitor.id);
  if (!outage) return;
  await setOutage(trx, outage.id, { up_at: ctx.now });
  const incident = outage.incident_id === null ? undefined : await getIncident(trx, outage.incident_id);
  if (incident && incident.resolvedAt === null) {
    const variables = JSON.parse(outage.variables) as Record<string, string>;
    await alertTeamFirst(trx, incident, {
      status: incident.status,
      variables: { ...variables, failure: `RECOVERED: ${monitor.name} answers again (down since ${utcClock(outage.down_at)}); resolve the incident once confirmed`, started_at: utcClock(ctx.now), detected_by: `the monitor "${monitor.name}"` },
    }, undefined, ctx);
  }
  await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: 'monitor.recovered', subject: `monitor:${monitor.id}`, detail: { incidentId: outage.incident_id, outageId: outage.id } });
}

/**
 * Sends the draft's first notice to customers and resellers through publishUpdate, so only an
 * approved script goes out. Claimed first, so two taps (or the automatic send and a tap) send
 * once; a refusal releases the claim and is kept on the outage for the console to show.
 */
export async function sendFirstNotice(db: Kysely<Database>, outageId: number, ctx: PublishContext): Promise<PublishResult> {
  const outage = await getOutage(db, outageId);
  if (!outage || outage.incident_id === null) throw new AppError('not_found', `No outage ${outageId}.`, [{ field: 'id', message: 'no outage with this id' }]);
  if (outage.script_version_id === null) throw new AppError('conflict', `The first notice cannot be sent: ${outage.notice_problem ?? 'no script'}.`, [{ field: 'scriptVersionId', message: outage.notice_problem ?? 'no script' }]);
  if (!(await claimNotice(db, outageId, ctx.now))) throw new AppError('conflict', 'The first notice of this outage has already been sent.', [{ field: 'id', message: 'already sent' }]);
  const version = (await sendableScripts(db)).find((s) => s.versionId === outage.script_version_id);
  try {
    const result = await publishUpdate(db, {
      incidentId: outage.incident_id, status: 'investigating', scriptVersionId: outage.script_version_id, componentStatus: 'major_outage',
      variables: JSON.parse(outage.variables) as Record<string, string>, audiences: ['customers', 'resellers'],
      channels: (version?.channels ?? ['email']) as Channel[],
    }, ctx);
    await setOutage(db, outageId, { notice_problem: null });
    return result;
  } catch (err) {
    await setOutage(db, outageId, { notice_sent_at: null, notice_problem: err instanceof Error ? err.message.slice(0, 500) : String(err) });
    throw err;
  }
}

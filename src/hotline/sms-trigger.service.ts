import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { getComponentByKey, listComponents } from '../components/component.repository';
import { AppError } from '../errors';
import { listIncidents } from '../incidents/incident.repository';
import { kindOf } from '../incidents/lifecycle';
import { publishInput, type PublishResult } from '../incidents/publish';
import { publishInTransaction, type PublishContext } from '../incidents/publish.service';
import { holdNamedLock } from '../store/named-lock';
import type { Database } from '../store/schema';
import { defaultScript, knownValues, sendableScripts, type SendableScript } from '../scripts/sendable';
import { USAGE, type CommandVerb, type SmsCommand } from './sms-command';
import { commandSeen, membersByPhone, recordCommand, wrongPinsSince, type CommandOutcome, type TriggerMember } from './sms-command.repository';

/**
 * The SMS trigger: a roster member with a comms role texts a command with their PIN and the
 * approved notice goes out through publishUpdate, exactly as from the console. What is refused
 * (unknown number, wrong role, wrong PIN, lockout, replay) triggers nothing and is audited.
 * The PIN is never written anywhere: not in replies, logs, audit entries or the command row.
 */

export interface PinVerifier {
  verify(stored: string, pin: string): Promise<boolean>;
}

export interface SmsTriggerDeps {
  pins: PinVerifier;
  publishContext(actor: string): PublishContext;
  /** Wakes the lanes of the channels just published to. */
  published(channels: string[]): void;
}

export interface InboundCommand {
  from: string;
  messageSid: string;
  command: SmsCommand;
  now: number;
}

export interface TriggerResult {
  outcome: CommandOutcome | 'replay';
  /** The text to answer with; null answers nothing (an unknown number learns nothing). */
  reply: string | null;
}

/** Wrong PINs from one number within this window lock it out until they age out of it. */
export const LOCKOUT = { wrongPins: 5, windowMs: 15 * 60_000 };

export async function handleSmsCommand(db: Kysely<Database>, deps: SmsTriggerDeps, c: InboundCommand): Promise<TriggerResult> {
  const subject = `sms:${c.messageSid}`;
  if (await commandSeen(db, c.messageSid)) return replayed(db, c);
  const members = await membersByPhone(db, c.from);
  const member = members[0];
  const refuse = async (outcome: CommandOutcome, reply: string | null, who?: TriggerMember): Promise<TriggerResult> => {
    const fresh = await db.transaction().execute(async (trx) => {
      if (!(await recordCommand(trx, { messageSid: c.messageSid, from: c.from, memberId: who?.id ?? null, command: c.command.verb, outcome, now: c.now }))) return false;
      await recordAudit(trx, { actor: who ? `team-member:${who.id}` : `sms:${c.from}`, action: 'sms_trigger.refused', subject, detail: { verb: c.command.verb, from: c.from, outcome }, at: c.now });
      return true;
    });
    return fresh ? { outcome, reply } : replayed(db, c);
  };
  if (!member) return refuse('unknown_number', null);
  if (!members.some((m) => m.mayTrigger)) return refuse('not_allowed', 'Not sent: only the owner and the comms team can trigger a notice by text.', member);
  if (await wrongPinsSince(db, c.from, c.now - LOCKOUT.windowMs) >= LOCKOUT.wrongPins) {
    return refuse('locked', 'Not sent: too many wrong PINs from this number. Try again in 15 minutes, or use the console.', member);
  }
  if (!c.command.ok) return refuse('malformed', `Not sent: ${c.command.problem}. ${USAGE}`, member);
  if (!member.pinHash) return refuse('no_pin', 'Not sent: no trigger PIN is set for you. Ask the comms lead to set one on the roster page.', member);
  if (!(await deps.pins.verify(member.pinHash, c.command.pin))) return refuse('wrong_pin', 'Not sent: the PIN is wrong.', member);
  return trigger(db, deps, c, member, c.command.verb, c.command.component, refuse);
}

/** The same MessageSid again (Twilio retrying, or someone replaying a captured request): nothing happens but the record. */
async function replayed(db: Kysely<Database>, c: InboundCommand): Promise<TriggerResult> {
  await recordAudit(db, { actor: `sms:${c.from}`, action: 'sms_trigger.replayed', subject: `sms:${c.messageSid}`, detail: { verb: c.command.verb }, at: c.now });
  return { outcome: 'replay', reply: null };
}

type Refuse = (outcome: CommandOutcome, reply: string | null, who?: TriggerMember) => Promise<TriggerResult>;

async function trigger(db: Kysely<Database>, deps: SmsTriggerDeps, c: InboundCommand, member: TriggerMember, verb: CommandVerb, componentKey: string | undefined, refuse: Refuse): Promise<TriggerResult> {
  const component = componentKey === undefined ? undefined : await getComponentByKey(db, componentKey);
  if (componentKey !== undefined && !component) {
    const known = (await listComponents(db)).map((k) => k.key);
    return refuse('bad_component', `Not sent: there is no component "${componentKey}". Components: ${known.join(', ') || 'none yet'}.`, member);
  }
  const scripts = await sendableScripts(db);
  const script = verb === 'OUTAGE' ? defaultScript(scripts) : scripts.find((s) => s.key === 'resolved') ?? scripts.find((s) => /resolv/i.test(`${s.key} ${s.name}`));
  if (!script) return refuse('failed', `Not sent: no approved ${verb === 'OUTAGE' ? 'investigating' : 'resolved'} script. Approve one in the console.`, member);
  const openIncidents = async (q: Kysely<Database> | Transaction<Database>) => (await listIncidents(q, { open: true }))
    .filter((i) => !i.drill && kindOf(i.status) === 'incident' && (!component || i.components.includes(component.key)));
  const alreadyOpen = (id: number) => refuse('already_open', `Not sent: incident ${id} is already open${component ? ` for ${component.key}` : ''}. Post updates from the console, or text RESOLVED when it is over.`, member);
  const open = await openIncidents(db);
  // Two people texting about one outage must not send two first notices.
  if (verb === 'OUTAGE' && open[0]) return alreadyOpen(open[0].id);
  const incident = verb === 'RESOLVED' ? open[0] : undefined;
  if (verb === 'RESOLVED' && !incident) return refuse('nothing_open', `Not sent: no open incident${component ? ` affects ${component.key}` : ''}.`, member);
  const variables = await knownValues(db, script.variables, { now: c.now, incidentId: incident?.id, componentNames: component ? [component.name] : [] });
  const parsed = publishInput.safeParse({
    ...(incident ? { incidentId: incident.id } : { incident: { title: component ? `Problem with ${component.name}` : 'Service problem', impact: 'major', components: component ? [component.key] : [] } }),
    status: verb === 'OUTAGE' ? 'investigating' : 'resolved', scriptVersionId: script.versionId, variables,
    audiences: ['customers', 'resellers', 'team'], channels: script.channels,
  });
  if (!parsed.success) return refuse('failed', `Not sent: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}. Use the console.`, member);
  const input = parsed.data;
  const actor = `team-member:${member.id}`;
  try {
    const result = await db.transaction().execute(async (trx) => {
      if (verb === 'OUTAGE') {
        // The check above ran outside any transaction; two texts arriving together both pass
        // it. Under the lock, the second sees the first one's incident and publishes nothing.
        await holdNamedLock(trx, 'sms-trigger:outage', c.now);
        const opened = (await openIncidents(trx))[0];
        if (opened) throw new AlreadyOpen(opened.id);
      }
      if (!(await recordCommand(trx, { messageSid: c.messageSid, from: c.from, memberId: member.id, command: verb, outcome: 'sent', now: c.now }))) return undefined;
      const published = await publishInTransaction(trx, input, deps.publishContext(actor));
      await trx.updateTable('sms_commands').set({ incident_id: published.incidentId }).where('message_sid', '=', c.messageSid).execute();
      await recordAudit(trx, { actor, action: 'sms_trigger.sent', subject: `incident:${published.incidentId}`, detail: { verb, messageSid: c.messageSid, broadcastId: published.broadcastId }, at: c.now });
      return published;
    });
    if (!result) return replayed(db, c);
    deps.published(input.channels);
    return { outcome: 'sent', reply: sentReply(script, result) };
  } catch (err) {
    if (err instanceof AlreadyOpen) return alreadyOpen(err.incidentId);
    if (!(err instanceof AppError)) throw err;
    return refuse('failed', `Not sent: ${err.message} Use the console.`, member);
  }
}

/** Rolls the trigger's transaction back when another text opened the incident meanwhile. */
class AlreadyOpen extends Error {
  constructor(readonly incidentId: number) {
    super(`incident ${incidentId} is already open`);
  }
}

function sentReply(script: SendableScript, r: PublishResult): string {
  const queued = r.deliveries.reduce((n, d) => n + d.pending, 0);
  const skipped = r.deliveries.reduce((n, d) => n + d.skipped, 0);
  // A text reply is short: only the channels that carry the notice.
  const per = r.deliveries.filter((d) => d.pending > 0).map((d) => `${d.channel} ${d.pending}`).join(', ');
  return `Sent "${script.name}" for incident ${r.incidentId}: ${queued} messages queued (${per})${skipped > 0 ? `, ${skipped} skipped` : ''}.`;
}

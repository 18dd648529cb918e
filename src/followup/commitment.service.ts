import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { Channel } from '../channels/provider';
import { AppError } from '../errors';
import type { Incident } from '../incidents/incident';
import { getIncident } from '../incidents/incident.repository';
import type { PublishContext } from '../incidents/publish.service';
import { utcDateTime } from '../render/time';
import type { ScriptVersion } from '../scripts/script-version';
import { inForce } from '../scripts/script.service';
import type { Database } from '../store/schema';
import type { Commitment, CommitmentInput } from './commitment';
import { claimReminder, dueUnreminded, getCommitment, insertCommitment, markKept } from './commitment.repository';
import { writeNotice, type NoticeRecipient } from './notice';

export const REMINDER_SCRIPT_KEY = 'promise-reminder';
export const KEPT_SCRIPT_KEY = 'promise-kept';
const invalid = (field: string, message: string) => new AppError('invalid_input', message, [{ field, message }]);

export async function makePromise(db: Kysely<Database>, incidentId: number, input: CommitmentInput, actor: string, now: number): Promise<Commitment> {
  return db.transaction().execute(async (trx) => {
    if (!(await getIncident(trx, incidentId))) throw new AppError('not_found', `No incident ${incidentId}.`, [{ field: 'id', message: 'no incident with this id' }]);
    const contact = input.contactKey === undefined ? undefined : await trx.selectFrom('contacts').select('id').where('key', '=', input.contactKey).executeTakeFirst();
    if (input.contactKey !== undefined && !contact) throw invalid('contactKey', 'no contact with this key in the directory');
    if (!(await trx.selectFrom('team_members').select('id').where('id', '=', input.ownerId).executeTakeFirst())) throw invalid('ownerId', 'no team member with this id');
    const id = await insertCommitment(trx, incidentId, { ...input, contactId: contact?.id ?? null }, actor, now);
    await recordAudit(trx, { actor, action: 'promise.made', subject: `incident:${incidentId}`, at: now, detail: { promiseId: id, ownerId: input.ownerId, dueAt: input.dueAt } });
    return getCommitment(trx, id) as Promise<Commitment>;
  });
}

/**
 * Marks a promise kept, which stops its reminder, and, when asked, tells the contact it was made
 * to through the approved "promise kept" script, in the same transaction. The message is about
 * their own account, so it needs no subscription; an address that opted out or is quarantined
 * is still skipped, as for any message.
 */
export async function keepPromise(db: Kysely<Database>, id: number, notify: boolean, ctx: PublishContext): Promise<{ promise: Commitment; channels: Channel[] }> {
  return db.transaction().execute(async (trx) => {
    const promise = await getCommitment(trx, id);
    if (!promise) throw new AppError('not_found', `No promise ${id}.`, [{ field: 'id', message: 'no promise with this id' }]);
    if (!(await markKept(trx, id, ctx.actor, ctx.now))) throw new AppError('conflict', 'This promise is already marked kept.', [{ field: 'id', message: 'already kept' }]);
    let channels: Channel[] = [];
    if (notify) channels = await notifyKept(trx, promise, ctx);
    await recordAudit(trx, { actor: ctx.actor, action: 'promise.kept', subject: `incident:${promise.incidentId}`, at: ctx.now, detail: { promiseId: id, notified: notify } });
    return { promise: (await getCommitment(trx, id)) as Commitment, channels };
  });
}

async function notifyKept(trx: Transaction<Database>, promise: Commitment, ctx: PublishContext): Promise<Channel[]> {
  if (promise.contactId === null) throw invalid('notify', 'the promise was made to someone not in the contact directory, so there is no address to tell');
  const script = await inForce(trx, KEPT_SCRIPT_KEY);
  if (!script) throw new AppError('conflict', `The "${KEPT_SCRIPT_KEY}" script has no approved version; approve it, or mark the promise kept without telling the customer.`, [{ field: 'notify', message: 'no approved promise-kept script' }]);
  const addresses = await trx.selectFrom('addresses').select(['channel', 'address', 'opted_out_at', 'quarantined_at'])
    .where('contact_id', '=', promise.contactId).where('channel', 'in', ['email', 'sms']).orderBy('id').execute();
  const recipients: NoticeRecipient[] = addresses.map((a) => ({
    channel: a.channel as Channel, address: a.address, contactId: promise.contactId,
    skipReason: a.opted_out_at !== null ? 'opted out' : a.quarantined_at !== null ? 'quarantined' : undefined,
  }));
  if (recipients.length === 0) throw invalid('notify', 'the contact has no email address or phone number');
  // The promise's incident exists: deleting an incident deletes its promises.
  const incident = (await getIncident(trx, promise.incidentId)) as Incident;
  const contact = await trx.selectFrom('contacts').select('name').where('id', '=', promise.contactId).executeTakeFirstOrThrow();
  const support = await trx.selectFrom('incident_updates').select('variables').where('incident_id', '=', promise.incidentId).where('internal', '=', 0).orderBy('id', 'desc').execute();
  const remembered = support.map((u) => (JSON.parse(u.variables) as Record<string, string>).support_contact).find((v) => typeof v === 'string' && v !== '');
  const variables = { recipient: contact.name, promise: promise.what, incident: promise.incidentTitle, ...(remembered ? { support_contact: remembered } : {}) };
  const { channels } = await writeNotice(trx, { incident, version: script.version, variables, audience: 'customers', recipients }, ctx);
  return channels;
}

/**
 * The reminder timer's task: each due promise whose owner has not been reminded is claimed with a
 * conditional update and, in the same transaction, its reminder is written to the owner's roster
 * email and phone (alternates too) for the lanes. Without an approved reminder script nothing is
 * claimed, so the reminders go out once one is approved; the console home lists overdue promises
 * meanwhile. Returns the channels to wake.
 */
export async function remindDuePromises(db: Kysely<Database>, ctx: PublishContext, log: { warn(obj: object, msg: string): void }): Promise<Channel[]> {
  const due = await dueUnreminded(db, ctx.now, 100);
  if (due.length === 0) return [];
  const script = await inForce(db, REMINDER_SCRIPT_KEY);
  if (!script) {
    log.warn({ due: due.length, script: REMINDER_SCRIPT_KEY }, 'promises are due but the reminder script has no approved version');
    return [];
  }
  const woken = new Set<Channel>();
  for (const id of due) {
    const channels = await remindOne(db, id, script.version, ctx).catch((err: unknown) => {
      // One promise whose reminder cannot be written (a script edited to need a value we lack)
      // must not hold up the others; it stays unclaimed and is tried at the next tick.
      log.warn({ err, promiseId: id }, 'promise reminder could not be written');
      return [] as Channel[];
    });
    for (const c of channels) woken.add(c);
  }
  return [...woken];
}

async function remindOne(db: Kysely<Database>, id: number, version: ScriptVersion, ctx: PublishContext): Promise<Channel[]> {
  return db.transaction().execute(async (trx) => {
    if (!(await claimReminder(trx, id, ctx.now))) return [];
    const promise = (await getCommitment(trx, id)) as Commitment;
    const owner = promise.ownerId === null ? undefined
      : await trx.selectFrom('team_members').select(['email', 'alt_email', 'phone', 'alt_phone']).where('id', '=', promise.ownerId).executeTakeFirst();
    const recipients: NoticeRecipient[] = owner ? ([['email', owner.email], ['email', owner.alt_email], ['sms', owner.phone], ['sms', owner.alt_phone]] as const)
      .filter((r): r is readonly ['email' | 'sms', string] => Boolean(r[1])).map(([channel, address]) => ({ channel, address, contactId: null })) : [];
    const incident = (await getIncident(trx, promise.incidentId)) as Incident;
    const variables = { promise: promise.what, promised_to: promise.to, due_at: utcDateTime(promise.dueAt), incident: promise.incidentTitle };
    const notice = recipients.length === 0 ? undefined : await writeNotice(trx, { incident, version, variables, audience: 'team', recipients }, ctx);
    await recordAudit(trx, { actor: ctx.actor, action: 'promise.reminded', subject: `incident:${promise.incidentId}`, at: ctx.now, detail: { promiseId: id, ownerId: promise.ownerId, broadcastId: notice?.broadcastId ?? null, recipients: recipients.length } });
    return notice?.channels ?? [];
  });
}

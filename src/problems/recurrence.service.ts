import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import { createIncident } from '../incidents/incident.repository';
import type { PublishContext } from '../incidents/publish.service';
import { alertMembers } from '../incidents/team-alert';
import type { Database } from '../store/schema';
import { categorySubject, customerSubject, type ProblemInput } from './problem';
import { firstProblemsSince, insertAlertOnce, insertProblem, lockSubject, setWindowEnd, settleAlerts } from './problem.repository';

export interface RecurrenceContext extends PublishContext {
  windowDays: number;
}

export interface LoggedProblem {
  problemId: number;
  /** The alerts this problem raised (none, or one per subject whose window it opened). */
  alerts: { id: number; subject: string }[];
  /** The draft incident the alert opened, when it raised one. */
  incidentId?: number;
  /** Owner deliveries written, or why none could be. */
  deliveries: number;
  notSent?: string;
}

const DAY = 86_400_000;
// The alert's SMS must fit its segments; the console and the log keep the whole note.
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/**
 * Logs a small problem and, in the same transaction, decides whether it recurs: the second
 * problem of a category, or the second from one customer, within the window since the first. The
 * window opens at the first problem and runs `windowDays`; one alert per window per subject (the
 * unique key decides), and the rest of that window is quiet. The alert opens a draft incident
 * and writes the owners' SMS and email deliveries before commit, so it cannot be lost.
 */
export async function logProblem(db: Kysely<Database>, input: ProblemInput, ctx: RecurrenceContext): Promise<LoggedProblem> {
  return db.transaction().execute(async (trx) => {
    const contact = input.customer === undefined ? undefined
      : await trx.selectFrom('contacts').select(['id', 'name']).where('key', '=', input.customer).executeTakeFirst();
    if (input.customer !== undefined && !contact) throw new AppError('invalid_input', `No contact ${input.customer}.`, [{ field: 'customer', message: 'no contact with this key' }]);
    const watched: { subject: string; by: { category: string } | { contactId: number } }[] = [{ subject: categorySubject(input.category), by: { category: input.category } }];
    if (contact) watched.push({ subject: customerSubject(contact.id), by: { contactId: contact.id } });
    // Always in this order (category, then customer), so two logs never wait on each other in a cycle.
    const lastEnds = [];
    for (const w of watched) lastEnds.push(await lockSubject(trx, w.subject, ctx.now));
    const problemId = await insertProblem(trx, { category: input.category, contactId: contact?.id ?? null, note: input.note, loggedBy: ctx.actor, now: ctx.now });

    const window = ctx.windowDays * DAY;
    const alerts: { id: number; subject: string }[] = [];
    for (const [i, w] of watched.entries()) {
      const first = await firstProblemsSince(trx, w.by, Math.max(ctx.now - window, lastEnds[i] as number));
      if (first.length < 2) continue;
      const windowStart = (first[0] as { created_at: number }).created_at;
      const id = await insertAlertOnce(trx, { subject: w.subject, windowStart, windowEnd: windowStart + window, problemId, now: ctx.now });
      if (id === undefined) continue;
      await setWindowEnd(trx, w.subject, windowStart + window);
      alerts.push({ id, subject: w.subject });
    }
    await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: 'problem.logged', subject: `problem:${problemId}`, detail: { category: input.category, customer: input.customer ?? null, alerts: alerts.map((a) => a.subject) } });
    if (alerts.length === 0) return { problemId, alerts, deliveries: 0 };
    const reasons = alerts.map((a) => (a.subject.startsWith('customer:') ? `second complaint from ${contact?.name ?? 'one customer'}` : `second "${input.category}" problem`));
    return { problemId, alerts, ...(await alertOwners(trx, `Recurring problem: ${reasons.join('; ')} within ${ctx.windowDays} days`, input.note, alerts.map((a) => a.id), ctx)) };
  });
}

/** Opens the draft incident and writes the owners' emergency alert; records why when it cannot. */
async function alertOwners(trx: Transaction<Database>, title: string, note: string, alertIds: number[], ctx: RecurrenceContext): Promise<Omit<LoggedProblem, 'problemId' | 'alerts'>> {
  const incident = await createIncident(trx, { title: title.slice(0, 200), failureTypeId: null, status: 'investigating', impact: 'minor', components: [], now: ctx.now });
  const owners = await trx.selectFrom('team_members').select(['email', 'alt_email', 'phone', 'alt_phone', 'slack'])
    .where((eb) => eb(eb.fn('lower', ['role']), '=', 'owner')).orderBy('id').execute();
  const sent = await alertMembers(trx, incident, owners, ['email', 'sms'], {
    status: 'investigating', variables: { failure: clip(`EMERGENCY. ${title}. Latest: ${note}`, 140), detected_by: ctx.actor },
  }, undefined, ctx);
  const notSent = sent ? null
    : owners.length === 0 ? 'no roster member has the role owner'
      : owners.every((o) => !o.email && !o.alt_email && !o.phone && !o.alt_phone) ? 'no owner on the roster has an email address or phone number'
        : 'the "internal-team-alert" script is not approved, or its texts do not render within the limits for this alert, so there is no approved text to send';
  await settleAlerts(trx, alertIds, { incidentId: incident.id, notSent });
  await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: 'recurrence.alerted', subject: `incident:${incident.id}`, detail: { title, deliveries: sent?.recipients ?? 0, notSent } });
  return { incidentId: incident.id, deliveries: sent?.recipients ?? 0, ...(notSent ? { notSent } : {}) };
}

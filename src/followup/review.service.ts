import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { CHANNELS } from '../channels/provider';
import { parseStringList } from '../contacts/json-list';
import { AppError } from '../errors';
import type { Incident } from '../incidents/incident';
import { getIncident, listUpdates } from '../incidents/incident.repository';
import { AUDIENCES, type PublishResult } from '../incidents/publish';
import { publishInTransaction, type PublishContext } from '../incidents/publish.service';
import { utcClock } from '../render/time';
import { VARIABLE_NAME } from '../scripts/variables';
import type { Database } from '../store/schema';
import { timelineDraft, type Review, type ReviewFields } from './review';
import { getReview, markPublished, saveReviewDraft } from './review.repository';

type Db = Kysely<Database> | Transaction<Database>;

export const publishReviewInput = z.object({
  scriptVersionId: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'choose an approved follow-up script' }).max(2 ** 31, { error: 'is too large' }),
  /** By default the audiences and channels the incident's updates used. */
  audiences: z.array(z.enum(AUDIENCES, { error: `must be one of ${AUDIENCES.join(', ')}` })).min(1, { error: 'choose at least one audience' }).optional(),
  channels: z.array(z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` })).min(1, { error: 'choose at least one channel' }).optional(),
  /** Values for the script's other blanks (the service, who to contact); they win over those worked out here. */
  variables: z.record(z.string().regex(VARIABLE_NAME, { error: 'variable names are letters, digits and _' }), z.string().max(5000, { error: 'must be at most 5,000 characters' })).default({}),
});
export type PublishReviewInput = z.input<typeof publishReviewInput>;

const refuse = (field: string, message: string) => new AppError('conflict', message, [{ field, message }]);

/** Reviews are written for resolved incidents: before that, nobody knows the whole story. */
async function resolvedIncident(db: Db, incidentId: number): Promise<Incident> {
  const incident = await getIncident(db, incidentId);
  if (!incident) throw new AppError('not_found', `No incident ${incidentId}.`, [{ field: 'id', message: 'no incident with this id' }]);
  if (incident.status !== 'resolved') throw refuse('incident', `This incident is ${incident.status}; a post-incident review is written once it is resolved.`);
  return incident;
}

/** The review as saved, or the first draft from the timeline when none is saved yet. */
export async function reviewOrDraft(db: Db, incident: Incident): Promise<{ review?: Review; fields: ReviewFields }> {
  const review = await getReview(db, incident.id);
  if (review) return { review, fields: review };
  // The team's alert opens the timeline; later internal notices (promise reminders) are not part of the story.
  const all = await listUpdates(db, incident.id, { internal: true });
  const updates = all.filter((u) => !u.internal || u.id === all[0]?.id);
  const names = await componentNames(db, incident.components);
  return { fields: { whatHappened: timelineDraft(incident, updates, names), rootCause: '', fix: '', prevention: '', lessons: '' } };
}

export async function saveReview(db: Kysely<Database>, incidentId: number, fields: ReviewFields, actor: string, now: number): Promise<Review> {
  return db.transaction().execute(async (trx) => {
    await resolvedIncident(trx, incidentId);
    const saved = await saveReviewDraft(trx, incidentId, fields, actor, now);
    if (!saved) throw refuse('review', 'The review is published and final: it says what the follow-up told people.');
    await recordAudit(trx, { actor, action: 'review.saved', subject: `incident:${incidentId}`, at: now, detail: { reviewId: saved.id } });
    return saved;
  });
}

/**
 * Publishes the review in ONE transaction: the follow-up update through the publish path (an
 * approved script only, deliveries to the audiences), the review marked published as that
 * update, and the audit entry. The review's fields are the script's variables.
 */
export async function publishReview(db: Kysely<Database>, incidentId: number, input: z.output<typeof publishReviewInput>, ctx: PublishContext): Promise<PublishResult> {
  return db.transaction().execute(async (trx) => {
    const incident = await resolvedIncident(trx, incidentId);
    const review = await getReview(trx, incidentId);
    if (!review) throw refuse('review', 'Save the review before publishing it.');
    if (review.publishedAt !== null) throw refuse('review', 'The review is already published.');
    const empty = (['whatHappened', 'prevention'] as const).filter((f) => review[f].trim() === '');
    if (empty.length > 0) throw new AppError('invalid_input', 'A review says what happened and what prevents a repeat.', empty.map((field) => ({ field, message: 'is required to publish' })));
    const used = await usedAudiences(trx, incidentId);
    const audiences = input.audiences ?? used.audiences;
    const channels = input.channels ?? used.channels;
    if (audiences.length === 0) throw new AppError('invalid_input', 'No update of this incident reached anyone yet; choose the audiences.', [{ field: 'audiences', message: 'choose at least one audience' }]);
    if (channels.length === 0) throw new AppError('invalid_input', 'No update of this incident used a channel yet; choose the channels.', [{ field: 'channels', message: 'choose at least one channel' }]);
    const variables = { ...(await reviewVariables(trx, incident, review)), ...input.variables };
    const result = await publishInTransaction(trx, { incidentId, status: 'resolved', scriptVersionId: input.scriptVersionId, variables, audiences, channels }, ctx);
    if (!(await markPublished(trx, incidentId, result.updateId, ctx.now))) throw refuse('review', 'The review was published meanwhile.');
    await recordAudit(trx, { actor: ctx.actor, action: 'review.published', subject: `incident:${incidentId}`, at: ctx.now, detail: { reviewId: review.id, updateId: result.updateId, broadcastId: result.broadcastId } });
    return result;
  });
}

/** The script's variables from the review and the record: its sections, the day, how long, what was affected. */
export async function reviewVariables(db: Db, incident: Incident, fields: ReviewFields): Promise<Record<string, string>> {
  const end = incident.resolvedAt ?? incident.startedAt;
  const names = await componentNames(db, incident.components);
  const day = new Date(incident.startedAt).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return {
    what_happened: fields.whatHappened, root_cause: fields.rootCause, fix: fields.fix, prevention: fields.prevention, lessons: fields.lessons,
    incident_date: day, duration: `from ${utcClock(incident.startedAt)} to ${utcClock(end)}`,
    ...(names.length > 0 ? { service: names.join(', ') } : {}),
  };
}

/** Who heard about the incident, and how: the audiences and channels of its public updates. */
export async function usedAudiences(db: Db, incidentId: number): Promise<{ audiences: (typeof AUDIENCES)[number][]; channels: (typeof CHANNELS)[number][] }> {
  const rows = await db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
    .select(['broadcasts.audiences', 'broadcasts.channels']).where('incident_updates.incident_id', '=', incidentId).where('incident_updates.internal', '=', 0).execute();
  const audiences = new Set(rows.flatMap((r) => parseStringList(r.audiences)));
  const channels = new Set(rows.flatMap((r) => parseStringList(r.channels)));
  return { audiences: AUDIENCES.filter((a) => audiences.has(a)), channels: CHANNELS.filter((c) => channels.has(c)) };
}

async function componentNames(db: Db, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('components').select(['key', 'name']).where('key', 'in', keys).execute();
  return keys.map((k) => rows.find((r) => r.key === k)?.name ?? k);
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { toReview, type Review, type ReviewFields } from './review';

type Db = Kysely<Database> | Transaction<Database>;

export async function getReview(db: Db, incidentId: number): Promise<Review | undefined> {
  const row = await db.selectFrom('reviews').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  return row && toReview(row);
}

/** Saves the draft; a published review is never changed, so the write skips it (undefined). */
export async function saveReviewDraft(db: Db, incidentId: number, fields: ReviewFields, actor: string, now: number): Promise<Review | undefined> {
  const values = {
    what_happened: fields.whatHappened, root_cause: fields.rootCause, fix: fields.fix, prevention: fields.prevention, lessons: fields.lessons,
    updated_by: actor, updated_at: now,
  };
  const row = await db.insertInto('reviews').values({ incident_id: incidentId, ...values, created_at: now })
    .onConflict((oc) => oc.column('incident_id').doUpdateSet(values).where('reviews.published_at', 'is', null))
    .returningAll().executeTakeFirst();
  return row && toReview(row);
}

/** Marks the review published as this update, if nobody published it first; true when this call did. */
export async function markPublished(db: Db, incidentId: number, updateId: number, now: number): Promise<boolean> {
  const result = await db.updateTable('reviews').set({ update_id: updateId, published_at: now })
    .where('incident_id', '=', incidentId).where('published_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The published reviews of these incidents, for the status page. */
export async function publishedReviews(db: Db, incidentIds: number[]): Promise<Review[]> {
  if (incidentIds.length === 0) return [];
  const rows = await db.selectFrom('reviews').selectAll().where('incident_id', 'in', incidentIds).where('published_at', 'is not', null).execute();
  return rows.map(toReview);
}

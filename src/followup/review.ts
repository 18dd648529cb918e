import type { Selectable } from 'kysely';
import { z } from 'zod';
import { STATUS_LABELS, type Incident, type IncidentUpdate } from '../incidents/incident';
import { utcClock, utcDateTime } from '../render/time';
import type { ReviewsTable } from '../store/schema';

/**
 * A post-incident review: what happened, the root cause, the fix, what prevents a repeat and the
 * lessons. Drafted from the incident's timeline, edited, then published once: on the status page
 * and as a follow-up through an approved script. A published review is final, because it says
 * what the follow-up already told people.
 */
export interface Review {
  id: number;
  incidentId: number;
  whatHappened: string;
  rootCause: string;
  fix: string;
  prevention: string;
  lessons: string;
  /** The follow-up update it went out as; null while a draft. */
  updateId: number | null;
  publishedAt: number | null;
  updatedBy: string;
  updatedAt: number;
}

export type ReviewFields = Pick<Review, 'whatHappened' | 'rootCause' | 'fix' | 'prevention' | 'lessons'>;
export const REVIEW_FIELDS = ['whatHappened', 'rootCause', 'fix', 'prevention', 'lessons'] as const;

const section = (label: string) => z.string({ error: `${label} must be text` }).trim().max(5000, { error: 'must be at most 5,000 characters' });

/** The review as written in the form or sent to the API. What happened and the prevention are required to publish, not to save. */
export const reviewFields = z.object({
  whatHappened: section('what happened').default(''),
  rootCause: section('the root cause').default(''),
  fix: section('the fix').default(''),
  prevention: section('the prevention').default(''),
  lessons: section('the lessons').default(''),
});

export function toReview(row: Selectable<ReviewsTable>): Review {
  return {
    id: row.id, incidentId: row.incident_id, whatHappened: row.what_happened, rootCause: row.root_cause, fix: row.fix,
    prevention: row.prevention, lessons: row.lessons, updateId: row.update_id, publishedAt: row.published_at,
    updatedBy: row.updated_by, updatedAt: row.updated_at,
  };
}

/** "2 h 25 min": how long the incident lasted. */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h${m > 0 ? ` ${m} min` : ''}` : `${m} min`;
}

/**
 * The first draft of "what happened", from the record rather than memory: each update's time and
 * status (the team's own alert marked), the components affected and how long it lasted.
 */
export function timelineDraft(incident: Incident, updates: IncidentUpdate[], componentNames: string[]): string {
  const end = incident.resolvedAt ?? updates.at(-1)?.createdAt ?? incident.startedAt;
  const lines = updates.map((u) => `${utcDateTime(u.createdAt)}  ${STATUS_LABELS[u.status]}${u.internal ? ' (team alert)' : ''}`);
  const affected = componentNames.length > 0 ? componentNames.join(', ') : 'no component named';
  return [
    ...lines,
    '',
    `Affected: ${affected}.`,
    `Duration: ${durationText(end - incident.startedAt)} (from ${utcClock(incident.startedAt)} to ${utcClock(end)}).`,
  ].join('\n');
}

const SECTION_LABELS: Record<(typeof REVIEW_FIELDS)[number], string> = {
  whatHappened: 'What happened', rootCause: 'Root cause', fix: 'The fix', prevention: 'What prevents a repeat', lessons: 'Lessons',
};

/** The sections a reader sees, in order, leaving out the empty ones. */
export function reviewSections(fields: ReviewFields): { label: string; text: string }[] {
  return REVIEW_FIELDS.filter((f) => fields[f].trim() !== '').map((f) => ({ label: SECTION_LABELS[f], text: fields[f] }));
}

/** The review as plain text, for the feed and the status JSON. */
export function reviewText(fields: ReviewFields): string {
  return reviewSections(fields).map((s) => `${s.label}\n${s.text}`).join('\n\n');
}

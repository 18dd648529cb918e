import { z } from 'zod';
import { KEY_PATTERN } from '../import/import-schema';

/**
 * The small-problem log: things that went wrong without being an incident (a failed card
 * payment, a late delivery, a customer who could not sign in). The second of a kind within the
 * recurrence window is treated as an emergency; see recurrence.service.ts.
 */
export interface Problem {
  id: number;
  category: string;
  contactId: number | null;
  /** The customer's key and name, when the problem came from one. */
  customer: { key: string; name: string } | null;
  note: string;
  loggedBy: string;
  createdAt: number;
}

export interface RecurrenceAlert {
  id: number;
  /** `category:<name>` or `customer:<contact id>`. */
  subject: string;
  windowStart: number;
  windowEnd: number;
  problemId: number;
  incidentId: number | null;
  /** Why the owner could not be alerted through the lanes, when they could not. */
  notSent: string | null;
  createdAt: number;
}

/** Categories compare lower-cased with single spaces, so "Billing " and "billing" are one kind. */
export const normalizeCategory = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase();

const blankIsNone = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A problem as the console form and the JSON API take it. */
export const problemInput = z.object({
  category: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).transform(normalizeCategory)
    .pipe(z.string().min(1, { error: 'is required' }).max(60, { error: 'must be at most 60 characters' })),
  customer: z.preprocess(blankIsNone, z.string({ error: 'must be a contact key' }).trim().max(64, { error: 'must be at most 64 characters' })
    .regex(KEY_PATTERN, { error: 'must be a contact key (lowercase letters, digits, ".", "_" or "-")' }).optional()),
  note: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim()
    .min(1, { error: 'is required' }).max(1000, { error: 'must be at most 1000 characters' }),
});
export type ProblemInput = z.infer<typeof problemInput>;

export const categorySubject = (category: string) => `category:${category}`;
export const customerSubject = (contactId: number) => `customer:${contactId}`;

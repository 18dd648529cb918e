import { z } from 'zod';

/**
 * A promise made during an incident (a month's credit to a reseller, a refund, a call back): what,
 * to whom (a contact from the directory, or a name), which team member owns it and when it is
 * due. When it falls due its owner is reminded once; marking it kept ends it.
 */
export interface Commitment {
  id: number;
  incidentId: number;
  incidentTitle: string;
  what: string;
  contactId: number | null;
  /** The contact's name from the directory, else the name written down. */
  to: string;
  ownerId: number | null;
  ownerName: string | null;
  dueAt: number;
  remindedAt: number | null;
  keptAt: number | null;
  keptBy: string | null;
}

export const isOverdue = (c: Commitment, now: number) => c.keptAt === null && c.dueAt <= now;

const id = (field: string) => z.coerce.number({ error: `${field} must be a number` }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' });
const blankIsNone = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), inner.optional());

/**
 * A due time as an ISO 8601 moment. Without an offset it is read as UTC: the console shows every
 * time in UTC, and a browser's datetime-local field sends none.
 */
const dueAt = z.string({ error: 'is required, as a date and time (2026-12-01T15:00Z)' }).trim().max(40)
  .transform((v, ctx) => {
    const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v}Z`;
    const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) ? Date.parse(zoned) : Number.NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be a date and time such as 2026-12-01T15:00Z' });
      return z.NEVER;
    }
    return ms;
  });

export const commitmentInput = z.object({
  what: z.string({ error: 'is required' }).trim().min(3, { error: 'must say what was promised (at least 3 characters)' }).max(500, { error: 'must be at most 500 characters' }),
  /** The contact's key in the directory (as in the import). */
  contactKey: blankIsNone(z.string({ error: 'must be text' }).trim().max(100, { error: 'must be at most 100 characters' })),
  toName: blankIsNone(z.string({ error: 'must be text' }).trim().max(200, { error: 'must be at most 200 characters' })),
  ownerId: id('ownerId'),
  dueAt,
}).refine((v) => v.contactKey !== undefined || (v.toName !== undefined && v.toName !== ''), {
  error: 'say to whom: a contact from the directory or a name', path: ['toName'],
});
export type CommitmentInput = z.infer<typeof commitmentInput>;

export const keepInput = z.object({
  /** Tell the contact it was kept: a checkbox in the form, a boolean in the API. */
  notify: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
});

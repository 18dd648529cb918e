import { z } from 'zod';

/**
 * The directory file (contacts.example.json): who is on the team, what can fail and who fixes it,
 * the product's components, and the customers and resellers to tell. Each entry is checked on
 * its own, so one bad entry is reported and skipped while the rest import. Keys are the stable
 * names entries are matched by on re-import and referred to by from other sections.
 */

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') }).trim().min(1, 'must not be empty');

export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const key = () => text().regex(KEY_PATTERN, 'must be 1-64 lowercase letters, digits, ".", "_" or "-"');

const email = () => text().toLowerCase().pipe(z.email({ error: 'must be an email address, such as ops@example.com' }));
const phone = () => text().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, such as +15555550123');

const SLACK_ID = /^[CDGUW][A-Z0-9]{8,}$/;
const isHttpsUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
};
const slackId = () => text().regex(SLACK_ID, 'must be a Slack member or channel id, such as U0EXAMPLE1 or C0EXAMPLE1');
const httpsUrl = () => text().refine(isHttpsUrl, 'must be an https:// URL');
const slackTarget = () =>
  text().refine((v) => SLACK_ID.test(v) || isHttpsUrl(v), {
    message: 'must be a Slack channel id such as C0EXAMPLE1 or an incoming-webhook URL such as https://hooks.slack.com/services/T000/B000/XXXX',
  });

export const teamMemberEntry = z
  .strictObject({
    key: key(),
    name: text(),
    role: text(),
    email: email().optional(),
    phone: phone().optional(),
    slack: slackId().optional(),
    backup: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .refine((m) => m.email !== undefined || m.phone !== undefined || m.slack !== undefined, {
    message: 'needs at least one of email, phone or slack, so they can be reached',
  });

export const componentEntry = z.strictObject({
  key: key(),
  name: text(),
  description: z.string({ error: 'must be text' }).trim().default(''),
});

export const failureTypeEntry = z.strictObject({
  key: key(),
  name: text(),
  description: z.string({ error: 'must be text' }).trim().default(''),
  /** Team member keys in the order they are alerted: the first is the primary, the rest backups. */
  responders: z.array(key(), { error: 'must be a list of team member keys' }).min(1, 'must name at least one responder (the first is the primary)'),
});

export const subscriptionEntry = z.strictObject({
  consent: z.enum(['pending', 'confirmed', 'unsubscribed'], { error: 'must be pending, confirmed or unsubscribed' }),
  /** Where the consent came from: "checkout opt-in box", "signed reseller agreement"… */
  source: text(),
  at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, such as 2025-01-14T09:30:00Z' }),
  /** Component keys this address follows; empty or left out means every component. */
  components: z.array(key(), { error: 'must be a list of component keys' }).default([]),
});

const withSubscription = { subscription: subscriptionEntry.optional() };
export const addressEntry = z.discriminatedUnion(
  'channel',
  [
    z.strictObject({ channel: z.literal('email'), address: email(), ...withSubscription }),
    z.strictObject({ channel: z.literal('sms'), address: phone(), ...withSubscription }),
    z.strictObject({ channel: z.literal('slack'), address: slackTarget(), ...withSubscription }),
    z.strictObject({ channel: z.literal('webhook'), address: httpsUrl(), ...withSubscription }),
  ],
  { error: 'must be one of email, sms, slack, webhook' },
);

export const contactEntry = z.strictObject({
  key: key(),
  kind: z.enum(['customer', 'reseller'], { error: 'must be customer or reseller' }),
  name: text(),
  organization: text().optional(),
  tags: z.array(text(), { error: 'must be a list of tags' }).default([]),
  addresses: z.array(addressEntry, { error: 'must be a list of addresses' }).min(1, 'must list at least one address'),
});

const section = z.array(z.unknown(), { error: 'must be a list' }).default([]);
/** The file's outer shape only; entries are checked one by one with the schemas above. */
export const directoryShape = z.strictObject(
  { team: section, failureTypes: section, components: section, contacts: section },
  { error: 'must be a JSON object with the lists team, failureTypes, components and contacts' },
);

export type TeamMemberEntry = z.infer<typeof teamMemberEntry>;
export type ComponentEntry = z.infer<typeof componentEntry>;
export type FailureTypeEntry = z.infer<typeof failureTypeEntry>;
export type SubscriptionEntry = z.infer<typeof subscriptionEntry>;
export type AddressEntry = z.infer<typeof addressEntry>;
export type ContactEntry = z.infer<typeof contactEntry>;
export type DirectorySections = z.infer<typeof directoryShape>;
export type ImportSection = keyof DirectorySections;
export const IMPORT_SECTIONS: ImportSection[] = ['team', 'components', 'failureTypes', 'contacts'];

import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema';

/**
 * Bulk seeding for the benchmark, the fault tests and the demo: N customers, each with an email
 * address, a phone number, a Slack incoming webhook (and optionally a Teams webhook), all with
 * confirmed consent; and one
 * approved script. Inserted in chunks straight into the tables, because 100,000 contacts through
 * the per-row repositories would measure the seeding, not the sending.
 */
export interface SeededAudience {
  contacts: number;
  email: string[];
  sms: string[];
  slack: string[];
  teams: string[];
}

const CHUNK = 400;

export function phoneFor(n: number): string {
  return `+1555${String(n).padStart(7, '0')}`;
}

export async function seedCustomers(db: Kysely<Database>, count: number, options: { slackWebhooks?: boolean; slackWebhookBase?: string; teamsWebhooks?: boolean; prefix?: string } = {}): Promise<SeededAudience> {
  const prefix = options.prefix ?? 'c';
  const now = Date.now();
  const seeded: SeededAudience = { contacts: count, email: [], sms: [], slack: [], teams: [] };
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const contacts = await db
      .insertInto('contacts')
      .values(range(start, end).map((n) => ({ key: `${prefix}${n}`, kind: 'customer' as const, name: `Customer ${n}`, organization: null, tags: '[]', created_at: now })))
      .returning(['id', 'key'])
      .execute();
    const addresses = contacts.flatMap((c) => {
      const n = Number(c.key.slice(prefix.length));
      const rows = [
        { contact_id: c.id, channel: 'email', address: `${prefix}${n}@example.com`, created_at: now },
        { contact_id: c.id, channel: 'sms', address: phoneFor(n), created_at: now },
      ];
      if (options.slackWebhooks) rows.push({ contact_id: c.id, channel: 'slack', address: `${options.slackWebhookBase ?? 'https://hooks.slack.com'}/services/T0SEED/B${prefix}${n}/x`, created_at: now });
      if (options.teamsWebhooks) rows.push({ contact_id: c.id, channel: 'teams', address: `https://seed.webhook.office.com/webhookb2/${prefix}${n}/IncomingWebhook/x`, created_at: now });
      return rows;
    });
    const inserted = await db.insertInto('addresses').values(addresses).returning(['id', 'contact_id', 'channel', 'address']).execute();
    await db
      .insertInto('subscriptions')
      .values(inserted.map((a) => ({
        contact_id: a.contact_id, address_id: a.id, components: '[]', consent: 'confirmed' as const, consent_source: 'seed',
        consent_at: now, confirm_token: null, manage_token: crypto.randomBytes(18).toString('base64url'), created_at: now,
      })))
      .execute();
    for (const a of inserted) (seeded[a.channel as 'email' | 'sms' | 'slack' | 'teams'] as string[]).push(a.address);
  }
  return seeded;
}

export async function seedApprovedScript(db: Kysely<Database>, key = 'outage'): Promise<number> {
  const now = Date.now();
  const script = await db.insertInto('scripts').values({ key, name: 'Service outage', failure_type_id: null, created_at: now }).returning('id').executeTakeFirstOrThrow();
  const version = await db
    .insertInto('script_versions')
    .values({
      script_id: script.id, version: 1, state: 'approved', author: 'comms-lead', approver: 'owner', approved_at: now, created_at: now,
      email_subject: '{{service}}: {{summary}}',
      email_body: 'We are seeing a problem with {{service}}: {{summary}}.\n\nWe will post the next update by {{next_update}}.',
      sms: '{{service}}: {{summary}}. Next update by {{next_update}}.',
      slack: '*{{service}}*: {{summary}}. Next update by {{next_update}}.',
      x: '{{service}}: {{summary}}. Next update by {{next_update}}.',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return version.id;
}

export const SCRIPT_VARIABLES = { service: 'Checkout', summary: 'payments are failing for some customers', next_update: '14:30 UTC' };

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

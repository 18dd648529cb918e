import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema';
import { newWebhookSecret, sealWebhookSecret } from '../../src/subscriptions/webhook-secret';

/**
 * Bulk seeding for the benchmark, the fault tests and the demo: N customers, each with an email
 * address, a phone number, a Slack incoming webhook, optionally a Teams webhook and a signed
 * webhook of their own (each with its own secret), all with confirmed consent; and one approved
 * script. Inserted in chunks straight into the tables, because 100,000 contacts through
 * the per-row repositories would measure the seeding, not the sending.
 */
export interface SeededAudience {
  contacts: number;
  email: string[];
  sms: string[];
  slack: string[];
  webhook: string[];
  /** Each seeded webhook URL's signing secret, as the subscriber would hold it. */
  webhookSecrets: Map<string, string>;
  teams: string[];
}

const CHUNK = 400;

export function phoneFor(n: number): string {
  return `+1555${String(n).padStart(7, '0')}`;
}

export interface SeedOptions {
  slackWebhooks?: boolean;
  slackWebhookBase?: string;
  /** Give each customer a Teams incoming webhook (the sandbox posts these to its Teams fake). */
  teamsWebhooks?: boolean;
  prefix?: string;
  /** Give each customer a signed webhook under this base URL, its secret sealed with secretKey. */
  webhooks?: { base: string; secretKey: string };
}

export async function seedCustomers(db: Kysely<Database>, count: number, options: SeedOptions = {}): Promise<SeededAudience> {
  const prefix = options.prefix ?? 'c';
  const now = Date.now();
  const seeded: SeededAudience = { contacts: count, email: [], sms: [], slack: [], teams: [], webhook: [], webhookSecrets: new Map() };
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
      if (options.webhooks) rows.push({ contact_id: c.id, channel: 'webhook', address: `${options.webhooks.base}/hooks/${prefix}${n}`, created_at: now });
      if (options.teamsWebhooks) rows.push({ contact_id: c.id, channel: 'teams', address: `https://seed.webhook.office.com/webhookb2/${prefix}${n}/IncomingWebhook/x`, created_at: now });
      return rows;
    });
    const inserted = await db.insertInto('addresses').values(addresses).returning(['id', 'contact_id', 'channel', 'address']).execute();
    await db
      .insertInto('subscriptions')
      .values(inserted.map((a) => ({
        contact_id: a.contact_id, address_id: a.id, components: '[]', consent: 'confirmed' as const, consent_source: 'seed',
        consent_at: now, confirm_token: null, manage_token: crypto.randomBytes(18).toString('base64url'), created_at: now,
        webhook_secret: a.channel === 'webhook' && options.webhooks ? sealWebhookSecret(options.webhooks.secretKey, secretFor(seeded, a.address)) : null,
      })))
      .execute();
    for (const a of inserted) (seeded[a.channel as 'email' | 'sms' | 'slack' | 'teams' | 'webhook'] as string[]).push(a.address);
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

function secretFor(seeded: SeededAudience, url: string): string {
  const secret = newWebhookSecret();
  seeded.webhookSecrets.set(url, secret);
  return secret;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

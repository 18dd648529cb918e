import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Generic webhook subscribers. Crier signs each POST with a secret of the subscriber's, so it
 * keeps that secret encrypted (AES-256-GCM under a key derived from SECRET_KEY), not as a
 * digest: it must be able to sign. The contact email receives the confirmation link and, later,
 * the notice that the webhook was disabled. Consecutive failed deliveries are counted on the
 * subscription; at the limit it is disabled (skipped at publish) until a test ping succeeds.
 */
export function webhookSubscribers(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('subscriptions').addColumn('webhook_secret', 'text').execute();
      await db.schema.alterTable('subscriptions').addColumn('contact_email', 'text').execute();
      await db.schema.alterTable('subscriptions').addColumn('webhook_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('subscriptions').addColumn('disabled_at', caps.timeType).execute();
      await db.schema.alterTable('subscriptions').addColumn('disabled_reason', 'text').execute();
    },
  };
}

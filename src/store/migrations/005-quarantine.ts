import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Quarantine: an address a provider has said is bad (hard bounce, invalid or landline number,
 * Slack webhook gone) is skipped by later broadcasts until someone fixes or releases it. It is
 * kept apart from opted_out_at, which records the person's wish and changes their consent.
 */
export function quarantine(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('addresses').addColumn('quarantined_at', caps.timeType).execute();
      await db.schema.alterTable('addresses').addColumn('quarantine_reason', 'text').execute();
    },
  };
}

import type { Kysely } from 'kysely';

/**
 * A team member can have an alternate email and an alternate phone: the second inbox and the
 * second handset that reach them when the first does not. The alert goes to both.
 */
export const rosterAlternates = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('team_members').addColumn('alt_email', 'text').execute();
    await db.schema.alterTable('team_members').addColumn('alt_phone', 'text').execute();
  },
};

import type { Kysely } from 'kysely';

/**
 * An update can be internal: the alert that reaches the team first when an incident opens. It
 * is kept with the incident's timeline for the review, but never shown on the public page.
 */
export const internalUpdates = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('incident_updates').addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};

import type { Kysely } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Components carry their state for the status page (Statuspage's five states), the time it last
 * changed, and their order on the page.
 */
export function componentStatus(caps: Capabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('components').addColumn('status', 'text', (c) => c.notNull().defaultTo('operational')).execute();
      await db.schema.alterTable('components').addColumn('status_changed_at', caps.timeType).execute();
      await db.schema.alterTable('components').addColumn('position', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}

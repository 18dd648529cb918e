import type { Kysely } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Follow-through on an incident: its post-incident review (one per incident, drafted, then
 * published with the follow-up update it was sent as) and the promises made during it, each with
 * an owner, a due time, when its owner was reminded and when it was kept.
 */
export function followup(caps: Capabilities) {
  const table = (db: Kysely<unknown>, name: string) => db.schema.createTable(name)
    .addColumn('id', caps.idType, (c) => (caps.idType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()));
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await table(db, 'reviews')
        .addColumn('incident_id', 'integer', (c) => c.notNull().unique().references('incidents.id').onDelete('cascade'))
        .addColumn('what_happened', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('root_cause', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('fix', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('prevention', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('lessons', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('update_id', 'integer', (c) => c.references('incident_updates.id').onDelete('set null'))
        .addColumn('published_at', caps.timeType)
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', caps.timeType, (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .execute();
      await table(db, 'commitments')
        .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('what', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
        .addColumn('to_name', 'text')
        .addColumn('owner_id', 'integer', (c) => c.references('team_members.id').onDelete('set null'))
        .addColumn('due_at', caps.timeType, (c) => c.notNull())
        .addColumn('reminded_at', caps.timeType)
        .addColumn('kept_at', caps.timeType)
        .addColumn('kept_by', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .execute();
      // The reminder timer's query: open promises that fall due, oldest first.
      await db.schema.createIndex('commitments_due').on('commitments').columns(['kept_at', 'reminded_at', 'due_at']).execute();
      await db.schema.createIndex('commitments_by_incident').on('commitments').columns(['incident_id']).execute();
    },
  };
}

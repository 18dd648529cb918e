import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Follow-through: the small-problem log with its recurrence alerts, and monitors of the
 * business's own sites with their check history and outages.
 *
 * - `recurrence_watch` has one row per watched subject (a category, a customer); logging a problem
 *   upserts it first, which locks it until commit, so concurrent logs of one subject take turns.
 * - `recurrence_alerts` is unique on (subject, window_start): at most one alert per window, even
 *   if two instances decide at once.
 * - `monitor_outages` ties a down period to the draft incident it opened.
 */
export function recurrenceAndMonitors(caps: Capabilities) {
  const id = (c: ColumnDefinitionBuilder) => (caps.idType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('problems')
        .addColumn('id', caps.idType, id)
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('logged_by', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull()).execute();
      await db.schema.createIndex('problems_by_category').on('problems').columns(['category', 'created_at']).execute();
      await db.schema.createIndex('problems_by_contact').on('problems').columns(['contact_id', 'created_at']).execute();
      await db.schema.createTable('recurrence_watch')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('window_end', caps.timeType, (c) => c.notNull().defaultTo(0))
        .addColumn('touched_at', caps.timeType, (c) => c.notNull()).execute();
      await db.schema.createTable('recurrence_alerts')
        .addColumn('id', caps.idType, id)
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('window_start', caps.timeType, (c) => c.notNull())
        .addColumn('window_end', caps.timeType, (c) => c.notNull())
        .addColumn('problem_id', 'integer', (c) => c.notNull().references('problems.id').onDelete('cascade'))
        .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
        .addColumn('not_sent', 'text')
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .addUniqueConstraint('recurrence_alerts_once_per_window', ['subject', 'window_start']).execute();

      await db.schema.createTable('monitors')
        .addColumn('id', caps.idType, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('interval_seconds', 'integer', (c) => c.notNull())
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('expected_status', 'integer', (c) => c.notNull())
        .addColumn('failures_to_down', 'integer', (c) => c.notNull())
        .addColumn('component_key', 'text')
        .addColumn('failure_type_id', 'integer', (c) => c.references('failure_types.id').onDelete('set null'))
        .addColumn('auto_notice', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('unknown'))
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_check_at', caps.timeType, (c) => c.notNull())
        .addColumn('last_checked_at', caps.timeType)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull()).execute();
      await db.schema.createIndex('monitors_due').on('monitors').column('next_check_at').execute();
      await db.schema.createTable('monitor_checks')
        .addColumn('id', caps.idType, id)
        .addColumn('monitor_id', 'integer', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
        .addColumn('at', caps.timeType, (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text').execute();
      await db.schema.createIndex('monitor_checks_by_monitor').on('monitor_checks').columns(['monitor_id', 'at']).execute();
      await db.schema.createTable('monitor_outages')
        .addColumn('id', caps.idType, id)
        .addColumn('monitor_id', 'integer', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
        .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
        .addColumn('down_at', caps.timeType, (c) => c.notNull())
        .addColumn('up_at', caps.timeType)
        .addColumn('script_version_id', 'integer', (c) => c.references('script_versions.id'))
        .addColumn('variables', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('notice_sent_at', caps.timeType)
        .addColumn('notice_problem', 'text').execute();
      await db.schema.createIndex('monitor_outages_by_monitor').on('monitor_outages').columns(['monitor_id', 'down_at']).execute();
    },
  };
}

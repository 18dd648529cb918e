import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * For when everything else is down:
 * - a team member's SMS trigger PIN, stored as a scrypt hash, never the PIN;
 * - every trigger text Crier received (`sms_commands`): its MessageSid is unique, so a replayed
 *   text is told from a new one by the database, and wrong PINs are counted from here for the
 *   lockout;
 * - drills: an incident marked as a drill reaches the team only and never the public pages;
 * - the last result of each provider's credentials check (`channel_checks`), with `due_at`
 *   claimed by a conditional update so one instance of a cluster runs each periodic check.
 */
export function hotlineDrillsChecks(caps: Capabilities): Migration {
  const id = (c: ColumnDefinitionBuilder) => (caps.idType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('team_members').addColumn('trigger_pin_hash', 'text').execute();
      await db.schema.alterTable('incidents').addColumn('drill', 'integer', (c) => c.notNull().defaultTo(0)).execute();

      await db.schema.createTable('sms_commands')
        .addColumn('id', caps.idType, id)
        .addColumn('message_sid', 'text', (c) => c.notNull().unique())
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('team_member_id', 'integer')
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'integer')
        .addColumn('received_at', caps.timeType, (c) => c.notNull()).execute();
      await db.schema.createIndex('sms_commands_by_number').on('sms_commands').columns(['from_number', 'received_at']).execute();

      await db.schema.createTable('channel_checks')
        .addColumn('provider', 'text', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('latency_ms', 'integer')
        .addColumn('checked_at', caps.timeType)
        .addColumn('due_at', caps.timeType, (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}

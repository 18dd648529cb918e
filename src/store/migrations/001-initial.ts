import type { CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Capabilities } from '../dialect';

/** The first cut of the data model (see docs/data-model.md). */
export function initial(caps: Capabilities) {
  const table = (db: Kysely<unknown>, name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', caps.idType, (c) => (caps.idType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()));
  const created = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
    t.addColumn('created_at', caps.timeType, (c) => c.notNull().defaultTo(sql`0`));

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await created(table(db, 'users').addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')).execute();
      await created(table(db, 'team_members').addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('role', 'text', (c) => c.notNull())
        .addColumn('email', 'text').addColumn('phone', 'text').addColumn('slack', 'text')
        .addColumn('is_backup', 'integer', (c) => c.notNull().defaultTo(0))).execute();
      await created(table(db, 'failure_types').addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('description', 'text', (c) => c.notNull().defaultTo(''))).execute();
      await table(db, 'responders')
        .addColumn('failure_type_id', 'integer', (c) => c.notNull().references('failure_types.id').onDelete('cascade'))
        .addColumn('team_member_id', 'integer', (c) => c.notNull().references('team_members.id').onDelete('cascade'))
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addUniqueConstraint('responders_unique', ['failure_type_id', 'team_member_id']).execute();
      await created(table(db, 'components').addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('description', 'text', (c) => c.notNull().defaultTo(''))).execute();
      await created(table(db, 'contacts').addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull())
        .addColumn('organization', 'text').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))).execute();
      await created(table(db, 'addresses')
        .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull()).addColumn('address', 'text', (c) => c.notNull())
        .addColumn('opted_out_at', caps.timeType).addColumn('opt_out_reason', 'text')
        .addUniqueConstraint('addresses_unique', ['contact_id', 'channel', 'address'])).execute();
      await db.schema.createIndex('addresses_by_address').on('addresses').columns(['channel', 'address']).execute();
      await created(table(db, 'subscriptions')
        .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('address_id', 'integer', (c) => c.notNull().unique().references('addresses.id').onDelete('cascade'))
        .addColumn('components', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('consent', 'text', (c) => c.notNull()).addColumn('consent_source', 'text', (c) => c.notNull())
        .addColumn('consent_at', caps.timeType, (c) => c.notNull()).addColumn('confirm_token', 'text', (c) => c.unique())
        .addColumn('manage_token', 'text', (c) => c.notNull().unique())).execute();
      await created(table(db, 'scripts').addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('failure_type_id', 'integer', (c) => c.references('failure_types.id').onDelete('set null'))).execute();
      await created(table(db, 'script_versions')
        .addColumn('script_id', 'integer', (c) => c.notNull().references('scripts.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull())
        .addColumn('email_subject', 'text', (c) => c.notNull()).addColumn('email_body', 'text', (c) => c.notNull())
        .addColumn('sms', 'text', (c) => c.notNull()).addColumn('slack', 'text', (c) => c.notNull())
        .addColumn('x', 'text', (c) => c.notNull()).addColumn('author', 'text', (c) => c.notNull())
        .addColumn('approver', 'text').addColumn('approved_at', caps.timeType)
        .addUniqueConstraint('script_versions_unique', ['script_id', 'version'])).execute();
      await created(table(db, 'incidents').addColumn('title', 'text', (c) => c.notNull())
        .addColumn('failure_type_id', 'integer', (c) => c.references('failure_types.id').onDelete('set null'))
        .addColumn('status', 'text', (c) => c.notNull()).addColumn('impact', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('started_at', caps.timeType, (c) => c.notNull()).addColumn('resolved_at', caps.timeType)
        .addColumn('x_thread_id', 'text')).execute();
      await created(table(db, 'incident_updates')
        .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('script_version_id', 'integer', (c) => c.notNull().references('script_versions.id'))
        .addColumn('variables', 'text', (c) => c.notNull()).addColumn('rendered', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())).execute();
      await created(table(db, 'broadcasts')
        .addColumn('update_id', 'integer', (c) => c.notNull().references('incident_updates.id').onDelete('cascade'))
        .addColumn('audiences', 'text', (c) => c.notNull()).addColumn('channels', 'text', (c) => c.notNull())).execute();
      await created(table(db, 'deliveries')
        .addColumn('broadcast_id', 'integer', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
        .addColumn('address', 'text', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull())
        .addColumn('skip_reason', 'text').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', caps.timeType, (c) => c.notNull())
        .addColumn('lease_until', caps.timeType).addColumn('lease_owner', 'text')
        .addColumn('provider', 'text').addColumn('provider_message_id', 'text')
        .addColumn('error_code', 'text').addColumn('last_error', 'text')
        .addColumn('receipt_rank', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', caps.timeType, (c) => c.notNull()).addColumn('sent_at', caps.timeType)).execute();
      // The lanes' claim query: due work of one channel, oldest first.
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['channel', 'state', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_by_broadcast').on('deliveries').columns(['broadcast_id', 'channel']).execute();
      await db.schema.createIndex('deliveries_by_provider_message').on('deliveries').columns(['provider_message_id']).execute();
      await table(db, 'delivery_events')
        .addColumn('delivery_id', 'integer', (c) => c.references('deliveries.id').onDelete('cascade'))
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique()).addColumn('source', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull()).addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('received_at', caps.timeType, (c) => c.notNull()).execute();
      await table(db, 'audit_log').addColumn('at', caps.timeType, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull()).addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull()).addColumn('detail', 'text', (c) => c.notNull()).execute();
    },
  };
}

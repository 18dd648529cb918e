import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * Accounts: lockout state on users, server-side sessions, one-time links (first-run setup and
 * invitations), API tokens, and an audit log the database itself keeps append-only. Secrets are
 * never stored: sessions, links and tokens are kept as SHA-256 digests of high-entropy values.
 */
export function accounts(caps: Capabilities) {
  const id = (c: ColumnDefinitionBuilder) => (caps.idType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('users').addColumn('locked_until', caps.timeType).execute();
      await db.schema.alterTable('users').addColumn('last_login_at', caps.timeType).execute();
      await db.schema.alterTable('users').addColumn('disabled_at', caps.timeType).execute();

      await db.schema.createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .addColumn('last_seen_at', caps.timeType, (c) => c.notNull())
        .addColumn('expires_at', caps.timeType, (c) => c.notNull()).execute();
      await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();

      await db.schema.createTable('account_links')
        .addColumn('id', caps.idType, id)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('email', 'text').addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .addColumn('expires_at', caps.timeType, (c) => c.notNull())
        .addColumn('used_at', caps.timeType).execute();

      await db.schema.createTable('api_tokens')
        .addColumn('id', caps.idType, id)
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', caps.timeType, (c) => c.notNull())
        .addColumn('last_used_at', caps.timeType).addColumn('revoked_at', caps.timeType).execute();

      await db.schema.createIndex('audit_by_actor').on('audit_log').columns(['actor', 'id']).execute();
      await db.schema.createIndex('audit_by_action').on('audit_log').columns(['action', 'id']).execute();
      // Append-only in the database itself, so no code path (or a future bug) can rewrite history.
      if (caps.idType === 'integer') {
        for (const op of ['UPDATE', 'DELETE']) {
          await sql.raw(`CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`).execute(db);
        }
      } else {
        await sql.raw(`CREATE FUNCTION crier_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`).execute(db);
        await sql.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION crier_audit_append_only()`).execute(db);
        await sql.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION crier_audit_append_only()`).execute(db);
      }
    },
  };
}

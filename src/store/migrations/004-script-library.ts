import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../dialect';

/**
 * The script library: what a script is for, the rest of each version's wording (phone talking
 * points with likely questions, a note resellers can forward), the variables a version declares,
 * and when it was retired. A script has at most one approved version, the one in force; approving
 * a newer version retires it, so older rows with two approved versions are settled first.
 */
export function scriptLibrary(caps: Capabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('scripts').addColumn('description', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('scripts').addColumn('situation', 'text', (c) => c.notNull().defaultTo('')).execute();
      const versions = [
        ['phone', 'text', ''], ['phone_qa', 'text', '[]'], ['reseller', 'text', ''], ['variables', 'text', '[]'],
      ] as const;
      for (const [name, type, initial] of versions) {
        await db.schema.alterTable('script_versions').addColumn(name, type, (c) => c.notNull().defaultTo(initial)).execute();
      }
      await db.schema.alterTable('script_versions').addColumn('retired_at', caps.timeType).execute();
      await sql`
        update script_versions set state = 'retired', retired_at = approved_at
        where state = 'approved' and exists (
          select 1 from script_versions newer
          where newer.script_id = script_versions.script_id and newer.state = 'approved' and newer.version > script_versions.version
        )`.execute(db);
      await db.schema.createIndex('script_versions_one_in_force').on('script_versions').column('script_id').unique()
        .where(sql.ref('state'), '=', 'approved').execute();
    },
  };
}

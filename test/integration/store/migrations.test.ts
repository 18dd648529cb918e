import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest } from '../../../src/store/migrate';
import { createComponent, listComponents } from '../../../src/components/component.repository';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';
import { buildComponent } from '../../support/factories';

const TABLES = [
  'users', 'team_members', 'failure_types', 'responders', 'components', 'contacts', 'addresses', 'subscriptions',
  'scripts', 'script_versions', 'incidents', 'incident_updates', 'broadcasts', 'deliveries', 'delivery_events', 'audit_log',
  'sessions', 'account_links', 'api_tokens',
];
/** Every migration file in the tree, by name: each must be applied, once, in name order. */
const MIGRATION_FILES = fs.readdirSync(path.join(__dirname, '../../../src/store/migrations')).map((f) => f.replace(/\.ts$/, '')).sort();

describe.each(DIALECTS)('%s: migrations', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when an empty database is migrated, then every table exists and each migration is recorded once', async () => {
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(TABLES));
    const applied = await sql<{ name: string }>`select name from crier_migrations order by name`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATION_FILES);
    expect(MIGRATION_FILES.slice(0, 6)).toEqual(['001-initial', '002-delivery-per-address', '003-accounts', '004-script-library', '005-quarantine', '006-component-status']);
  });

  it('[F3] when migrateToLatest runs again, then it applies nothing and the data stays', async () => {
    const component = await createComponent(store.db, buildComponent());
    await expect(migrateToLatest(store)).resolves.toEqual([]);
    expect((await listComponents(store.db)).map((c) => c.key)).toContain(component.key);
  });
});

import { Migrator, type Migration } from 'kysely';
import type { Store } from './dialect';
import { initial } from './migrations/001-initial';
import { deliveryPerAddress } from './migrations/002-delivery-per-address';
import { accounts } from './migrations/003-accounts';
import { scriptLibrary } from './migrations/004-script-library';
import { quarantine } from './migrations/005-quarantine';
import { componentStatus } from './migrations/006-component-status';
import { internalUpdates } from './migrations/007-internal-updates';
import { rosterAlternates } from './migrations/008-roster-alternates';
import { subscriptionTokenDigests } from './migrations/009-subscription-token-digests';
import { webhookSubscribers } from './migrations/010-webhook-subscribers';
import { followup } from './migrations/011-followup';
import { recurrenceAndMonitors } from './migrations/012-recurrence-and-monitors';
import { hotlineDrillsChecks } from './migrations/014-hotline-drills-checks';
import { incidentThreads } from './migrations/015-incident-threads';
import { namedLocks } from './migrations/016-named-locks';

/** Versioned migrations, applied in name order at start-up. Never edit one that has shipped. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '001-initial': initial(store.caps),
    '002-delivery-per-address': deliveryPerAddress,
    '003-accounts': accounts(store.caps),
    '004-script-library': scriptLibrary(store.caps),
    '005-quarantine': quarantine(store.caps),
    '006-component-status': componentStatus(store.caps),
    '007-internal-updates': internalUpdates,
    '008-roster-alternates': rosterAlternates,
    '009-subscription-token-digests': subscriptionTokenDigests,
    '010-webhook-subscribers': webhookSubscribers(store.caps),
    '011-followup': followup(store.caps),
    '012-recurrence-and-monitors': recurrenceAndMonitors(store.caps),
    '014-hotline-drills-checks': hotlineDrillsChecks(store.caps),
    '015-incident-threads': incidentThreads(store.caps),
    '016-named-locks': namedLocks(store.caps),
  };
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  return migrate(store, (m) => m.migrateToLatest());
}

/** Applies migrations up to and including `name`: for upgrade tests that need an older schema. */
export async function migrateTo(store: Store, name: string): Promise<string[]> {
  return migrate(store, (m) => m.migrateTo(name));
}

async function migrate(store: Store, run: (m: Migrator) => ReturnType<Migrator['migrateToLatest']>): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store) },
    migrationTableName: 'crier_migrations',
    migrationLockTableName: 'crier_migrations_lock',
  });
  const { error, results } = await run(migrator);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

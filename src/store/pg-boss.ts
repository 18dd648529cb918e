import { CompiledQuery, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from './schema';

/**
 * pg-boss for the scale-out store: one instance per process, shared by the delivery queue and
 * the cluster-wide timers. It keeps its own tables in the `pgboss` schema of Crier's database
 * (created and migrated at start) and its own small pool.
 */
export interface BossLog {
  warn(obj: object, msg: string): void;
}

export function createBoss(url: string, log: BossLog): PgBoss {
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    application_name: 'crier-pgboss',
    // Crier runs no pg-boss cron schedules (timers are second-grained, see PgBossTimers), so the
    // cron clock and its skew monitor would only add queries.
    schedule: false,
  });
  // An error pg-boss raises in its background loops (a dropped connection) must not crash the
  // process; the loops retry on their own.
  boss.on('error', (err) => log.warn({ err }, 'pg-boss background error'));
  return boss;
}

/** pg-boss's executor bound to a Kysely transaction, so a job commits or rolls back with it. */
export function inTransaction(trx: Transaction<Database>): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: [...result.rows] };
    },
  };
}

/**
 * Creates a queue unless it exists. Instances starting together on a fresh database create the
 * same queues at once, and pg-boss's createQueue (a table partition each) can then deadlock or
 * collide; Postgres aborts one side, which looks again and finds the queue made.
 */
export async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    if (await boss.getQueue(queue.name)) return;
    try {
      await boss.createQueue(queue.name, queue);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '23505')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

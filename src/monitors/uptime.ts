import { sql, type Kysely } from 'kysely';
import { HISTORY_DAYS } from '../status/snapshot';
import type { Database } from '../store/schema';

export interface UptimeDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  checks: number;
  ok: number;
}

/** Per component with monitors: its last HISTORY_DAYS days, oldest first, one entry per day. */
export type Uptime = Map<string, UptimeDay[]>;

const DAY = 86_400_000;

/**
 * The uptime bars' data, from the kept check results: for each component, the share of checks
 * that passed on each UTC day (every monitor of the component counts). A day without checks is
 * shown as no data, not as up.
 */
export async function loadUptime(db: Kysely<Database>, now: number): Promise<Uptime> {
  const today = Math.floor(now / DAY);
  const first = today - HISTORY_DAYS + 1;
  const dayOf = sql<number>`monitor_checks.at / ${sql.lit(DAY)}`;
  const rows = await db.selectFrom('monitor_checks').innerJoin('monitors', 'monitors.id', 'monitor_checks.monitor_id')
    .select(['monitors.component_key', dayOf.as('day'), (eb) => eb.fn.countAll<number>().as('checks'), (eb) => eb.fn.sum<number>('monitor_checks.ok').as('ok')])
    .where('monitors.component_key', 'is not', null).where('monitor_checks.at', '>=', first * DAY)
    .groupBy(['monitors.component_key', dayOf]).execute();
  const uptime: Uptime = new Map();
  for (const key of new Set(rows.map((r) => r.component_key as string))) {
    const byDay = new Map(rows.filter((r) => r.component_key === key).map((r) => [Math.floor(Number(r.day)), r]));
    uptime.set(key, Array.from({ length: HISTORY_DAYS }, (_, i) => {
      const d = first + i;
      const r = byDay.get(d);
      return { day: new Date(d * DAY).toISOString().slice(0, 10), checks: Number(r?.checks ?? 0), ok: Number(r?.ok ?? 0) };
    }));
  }
  return uptime;
}

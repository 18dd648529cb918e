import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, MonitorOutagesTable, MonitorsTable } from '../store/schema';
import type { CheckResult, Monitor, MonitorState } from './monitor';

type Db = Kysely<Database> | Transaction<Database>;
export type Outage = Selectable<MonitorOutagesTable>;

export function toMonitor(r: Selectable<MonitorsTable>): Monitor {
  return {
    id: r.id, name: r.name, url: r.url, intervalSeconds: r.interval_seconds, timeoutMs: r.timeout_ms, expectedStatus: r.expected_status,
    failuresToDown: r.failures_to_down, componentKey: r.component_key, failureTypeId: r.failure_type_id, autoNotice: r.auto_notice === 1,
    state: r.state as MonitorState, consecutiveFailures: r.consecutive_failures, nextCheckAt: r.next_check_at, lastCheckedAt: r.last_checked_at,
  };
}

export async function createMonitor(db: Db, m: Omit<Monitor, 'id' | 'state' | 'consecutiveFailures' | 'lastCheckedAt'> & { createdBy: string; now: number }): Promise<Monitor> {
  const row = await db.insertInto('monitors').values({
    name: m.name, url: m.url, interval_seconds: m.intervalSeconds, timeout_ms: m.timeoutMs, expected_status: m.expectedStatus,
    failures_to_down: m.failuresToDown, component_key: m.componentKey, failure_type_id: m.failureTypeId, auto_notice: m.autoNotice ? 1 : 0,
    next_check_at: m.nextCheckAt, created_by: m.createdBy, created_at: m.now,
  }).returningAll().executeTakeFirstOrThrow();
  return toMonitor(row);
}

export async function updateMonitor(
  db: Db, id: number,
  m: Pick<Monitor, 'name' | 'url' | 'intervalSeconds' | 'timeoutMs' | 'expectedStatus' | 'failuresToDown' | 'componentKey' | 'failureTypeId' | 'autoNotice' | 'nextCheckAt'> & { consecutiveFailures?: number },
): Promise<Monitor> {
  const row = await db.updateTable('monitors').set({
    name: m.name, url: m.url, interval_seconds: m.intervalSeconds, timeout_ms: m.timeoutMs, expected_status: m.expectedStatus,
    failures_to_down: m.failuresToDown, component_key: m.componentKey, failure_type_id: m.failureTypeId, auto_notice: m.autoNotice ? 1 : 0,
    next_check_at: m.nextCheckAt, ...(m.consecutiveFailures === undefined ? {} : { consecutive_failures: m.consecutiveFailures }),
  }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toMonitor(row);
}

export async function getMonitor(db: Db, id: number): Promise<Monitor | undefined> {
  const row = await db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMonitor(row);
}

export async function listMonitors(db: Db): Promise<Monitor[]> {
  return (await db.selectFrom('monitors').selectAll().orderBy('name').orderBy('id').execute()).map(toMonitor);
}

export async function deleteMonitor(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('monitors').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function dueMonitors(db: Db, now: number, limit: number): Promise<Monitor[]> {
  return (await db.selectFrom('monitors').selectAll().where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit).execute()).map(toMonitor);
}

/**
 * Claims one check: moves the next-check time on only if it is still the one read. Of several
 * instances that saw the monitor due, exactly one changes the row and runs the check.
 */
export async function claimCheck(db: Db, id: number, seenNextCheckAt: number, nextCheckAt: number): Promise<boolean> {
  const r = await db.updateTable('monitors').set({ next_check_at: nextCheckAt })
    .where('id', '=', id).where('next_check_at', '=', seenNextCheckAt).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Keeps the result and counts consecutive failures; returns the count after this check. */
export async function recordCheck(db: Transaction<Database>, id: number, result: CheckResult, at: number): Promise<number> {
  await db.insertInto('monitor_checks').values({ monitor_id: id, at, ok: result.ok ? 1 : 0, status: result.status, duration_ms: result.durationMs, error: result.error }).execute();
  const row = await db.updateTable('monitors')
    .set((eb) => ({ consecutive_failures: result.ok ? 0 : eb('consecutive_failures', '+', 1), last_checked_at: at }))
    .where('id', '=', id).returning('consecutive_failures').executeTakeFirstOrThrow();
  return row.consecutive_failures;
}

/** Moves the monitor into `to` (from `from` only, when given); true for the one caller that moved it. */
export async function moveState(db: Db, id: number, to: MonitorState, from?: MonitorState): Promise<boolean> {
  const q = db.updateTable('monitors').set({ state: to }).where('id', '=', id).where('state', '!=', to);
  const r = await (from ? q.where('state', '=', from) : q).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recentChecks(db: Db, id: number, limit = 20) {
  return db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Check history older than the status page shows is not needed. */
export async function pruneChecks(db: Db, before: number): Promise<void> {
  await db.deleteFrom('monitor_checks').where('at', '<', before).execute();
}

export async function insertOutage(db: Db, o: Omit<Outage, 'id' | 'up_at' | 'notice_sent_at'>): Promise<number> {
  return (await db.insertInto('monitor_outages').values(o).returning('id').executeTakeFirstOrThrow()).id;
}

export async function getOutage(db: Db, id: number): Promise<Outage | undefined> {
  return db.selectFrom('monitor_outages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openOutageOf(db: Db, monitorId: number): Promise<Outage | undefined> {
  return db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', monitorId).where('up_at', 'is', null).orderBy('id', 'desc').executeTakeFirst();
}

/** Outages whose incident is still open: drafts to announce, recoveries to resolve. */
export async function outagesToAct(db: Db): Promise<(Outage & { monitor_name: string })[]> {
  return db.selectFrom('monitor_outages').innerJoin('monitors', 'monitors.id', 'monitor_outages.monitor_id')
    .innerJoin('incidents', 'incidents.id', 'monitor_outages.incident_id')
    .selectAll('monitor_outages').select('monitors.name as monitor_name')
    .where('incidents.resolved_at', 'is', null).orderBy('monitor_outages.down_at', 'desc').limit(50).execute();
}

export async function setOutage(db: Db, id: number, patch: Partial<Pick<Outage, 'up_at' | 'notice_sent_at' | 'notice_problem'>>): Promise<void> {
  await db.updateTable('monitor_outages').set(patch).where('id', '=', id).execute();
}

/** Claims the first notice: true for the one caller that may send it. */
export async function claimNotice(db: Db, id: number, now: number): Promise<boolean> {
  const r = await db.updateTable('monitor_outages').set({ notice_sent_at: now }).where('id', '=', id).where('notice_sent_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import type { Monitor, MonitorInput } from './monitor';
import { createMonitor, deleteMonitor, getMonitor, updateMonitor } from './monitor.repository';

/** The monitor's component and failure type must exist; returns the failure type's id. */
async function references(trx: Transaction<Database>, input: MonitorInput): Promise<number | null> {
  if (input.component && !(await trx.selectFrom('components').select('id').where('key', '=', input.component).executeTakeFirst())) {
    throw new AppError('invalid_input', `No component ${input.component}.`, [{ field: 'component', message: 'no component with this key' }]);
  }
  const failureType = input.failureType === undefined ? undefined : await trx.selectFrom('failure_types').select('id').where('key', '=', input.failureType).executeTakeFirst();
  if (input.failureType && !failureType) throw new AppError('invalid_input', `No failure type ${input.failureType}.`, [{ field: 'failureType', message: 'no failure type with this key' }]);
  return failureType?.id ?? null;
}

const settings = (input: MonitorInput, failureTypeId: number | null) => ({
  name: input.name, url: input.url, intervalSeconds: input.intervalSeconds, timeoutMs: input.timeoutMs, expectedStatus: input.expectedStatus,
  failuresToDown: input.failuresToDown, componentKey: input.component ?? null, failureTypeId, autoNotice: input.autoNotice,
});

/** Adds a monitor, checked for the first time at once; its component and failure type must exist. */
export async function addMonitor(db: Kysely<Database>, input: MonitorInput, actor: string, now: number): Promise<Monitor> {
  return db.transaction().execute(async (trx) => {
    const monitor = await createMonitor(trx, { ...settings(input, await references(trx, input)), nextCheckAt: now, createdBy: actor, now });
    await recordAudit(trx, { at: now, actor, action: 'monitor.created', subject: `monitor:${monitor.id}`, detail: { name: monitor.name, url: monitor.url, autoNotice: monitor.autoNotice } });
    return monitor;
  });
}

/**
 * Changes a monitor's settings and checks it again at once. Its state stays (a monitor that is
 * down stays down until a check passes, so an open outage is not forgotten), but when what is
 * checked changes (URL, expected status) the failures counted against the old check start over.
 */
export async function changeMonitor(db: Kysely<Database>, id: number, input: MonitorInput, actor: string, now: number): Promise<Monitor> {
  return db.transaction().execute(async (trx) => {
    const before = await getMonitor(trx, id);
    if (!before) throw new AppError('not_found', `No monitor ${id}.`, [{ field: 'id', message: 'no monitor with this id' }]);
    const next = settings(input, await references(trx, input));
    const recount = next.url !== before.url || next.expectedStatus !== before.expectedStatus;
    const monitor = await updateMonitor(trx, id, { ...next, nextCheckAt: now, ...(recount ? { consecutiveFailures: 0 } : {}) });
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== before[k]);
    await recordAudit(trx, { at: now, actor, action: 'monitor.changed', subject: `monitor:${id}`, detail: { name: monitor.name, changed } });
    return monitor;
  });
}

export async function removeMonitor(db: Kysely<Database>, id: number, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const monitor = await getMonitor(trx, id);
    if (!monitor || !(await deleteMonitor(trx, id))) throw new AppError('not_found', `No monitor ${id}.`, [{ field: 'id', message: 'no monitor with this id' }]);
    await recordAudit(trx, { at: now, actor, action: 'monitor.deleted', subject: `monitor:${id}`, detail: { name: monitor.name, url: monitor.url } });
  });
}

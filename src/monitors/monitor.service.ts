import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import type { Monitor, MonitorInput } from './monitor';
import { createMonitor, deleteMonitor, getMonitor } from './monitor.repository';

/** Adds a monitor, checked for the first time at once; its component and failure type must exist. */
export async function addMonitor(db: Kysely<Database>, input: MonitorInput, actor: string, now: number): Promise<Monitor> {
  return db.transaction().execute(async (trx) => {
    if (input.component && !(await trx.selectFrom('components').select('id').where('key', '=', input.component).executeTakeFirst())) {
      throw new AppError('invalid_input', `No component ${input.component}.`, [{ field: 'component', message: 'no component with this key' }]);
    }
    const failureType = input.failureType === undefined ? undefined : await trx.selectFrom('failure_types').select('id').where('key', '=', input.failureType).executeTakeFirst();
    if (input.failureType && !failureType) throw new AppError('invalid_input', `No failure type ${input.failureType}.`, [{ field: 'failureType', message: 'no failure type with this key' }]);
    const monitor = await createMonitor(trx, {
      name: input.name, url: input.url, intervalSeconds: input.intervalSeconds, timeoutMs: input.timeoutMs, expectedStatus: input.expectedStatus,
      failuresToDown: input.failuresToDown, componentKey: input.component ?? null, failureTypeId: failureType?.id ?? null, autoNotice: input.autoNotice,
      nextCheckAt: now, createdBy: actor, now,
    });
    await recordAudit(trx, { at: now, actor, action: 'monitor.created', subject: `monitor:${monitor.id}`, detail: { name: monitor.name, url: monitor.url, autoNotice: monitor.autoNotice } });
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

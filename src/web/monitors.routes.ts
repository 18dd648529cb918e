import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../auth/user';
import { can } from '../auth/roles';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import { closeDraft } from '../incidents/draft-incident';
import type { PublishContext } from '../incidents/publish.service';
import { monitorInput } from '../monitors/monitor';
import { getMonitor, listMonitors, recentChecks } from '../monitors/monitor.repository';
import { addMonitor, changeMonitor, removeMonitor } from '../monitors/monitor.service';
import { sendFirstNotice } from '../monitors/outage.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access, type Allow } from './access';
import { doc } from './openapi/api-doc';
import type { ConsoleContext } from './views/console.view';
import { monitorEditView, monitorsView, monitorValues } from './views/monitors.view';

export interface MonitorRoutesDeps {
  db: Kysely<Database>;
  publishContext(actor: string): PublishContext;
  published(channels: string[]): void;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const FIELDS = ['name', 'url', 'intervalSeconds', 'timeoutMs', 'expectedStatus', 'failuresToDown', 'component', 'failureType', 'autoNotice'];

function typed(body: unknown): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(FIELDS.map((f) => [f, typeof b[f] === 'string' ? (b[f] as string).slice(0, 2000) : '']));
}

/** Console pages for monitors, and the one-tap actions on drafts shown on the console home. */
export function monitorConsoleRoutes(deps: MonitorRoutesDeps & { access: Access; brand: string }): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => ({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) });
  const show = async (req: Request, res: Response, status: number, state = {}) => {
    const c = ctx(req, res);
    res.status(status).type('html').send(monitorsView(c, await listMonitors(db), can(c.principal.role, 'incidents:write'), state));
  };

  router.get('/monitors', allow(rules.need('incidents:read')), async (req, res) => show(req, res, 200));

  router.post('/monitors', allow(rules.need('incidents:write')), async (req, res) => {
    const values = typed(req.body);
    const parsed = monitorInput.safeParse(req.body ?? {});
    if (!parsed.success) return show(req, res, 400, { problems: fieldProblems(parsed.error.issues), values });
    try {
      await addMonitor(db, parsed.data, actorOf(principalOf(req)), Date.now());
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') return show(req, res, 400, { problems: err.details, values });
      throw err;
    }
    res.redirect(303, '/console/monitors');
  });

  const existing = async (id: number) => {
    const monitor = await getMonitor(db, id);
    if (!monitor) throw new AppError('not_found', `No monitor ${id}.`, [{ field: 'id', message: 'no monitor with this id' }]);
    return monitor;
  };
  router.get('/monitors/:id/edit', allow(rules.need('incidents:write')), async (req, res) => {
    const monitor = await existing(idParam.parse(req.params).id);
    const failureType = monitor.failureTypeId === null ? undefined : await db.selectFrom('failure_types').select('key').where('id', '=', monitor.failureTypeId).executeTakeFirst();
    res.type('html').send(monitorEditView(ctx(req, res), monitor, monitorValues(monitor, failureType?.key ?? null)));
  });

  router.post('/monitors/:id', allow(rules.need('incidents:write')), async (req, res) => {
    const monitor = await existing(idParam.parse(req.params).id);
    const values = typed(req.body);
    const refuse = (problems: FieldProblem[]) => res.status(400).type('html').send(monitorEditView(ctx(req, res), monitor, values, { problems }));
    const parsed = monitorInput.safeParse(req.body ?? {});
    if (!parsed.success) return refuse(fieldProblems(parsed.error.issues));
    try {
      await changeMonitor(db, monitor.id, parsed.data, actorOf(principalOf(req)), Date.now());
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') return refuse(err.details);
      throw err;
    }
    res.redirect(303, '/console/monitors');
  });

  router.post('/monitors/:id/delete', allow(rules.need('incidents:write')), async (req, res) => {
    await removeMonitor(db, idParam.parse(req.params).id, actorOf(principalOf(req)), Date.now());
    res.redirect(303, '/console/monitors');
  });

  router.post('/monitors/outages/:id/notice', allow(rules.need('incidents:write')), async (req, res) => {
    const result = await sendFirstNotice(db, idParam.parse(req.params).id, deps.publishContext(actorOf(principalOf(req))));
    deps.published(result.deliveries.map((d) => d.channel));
    res.redirect(303, `/console/broadcasts/${result.broadcastId}`);
  });

  router.post('/drafts/:id/close', allow(rules.need('incidents:write')), async (req, res) => {
    await closeDraft(db, idParam.parse(req.params).id, actorOf(principalOf(req)), Date.now());
    res.redirect(303, '/console');
  });
  return router;
}

/** The JSON API for monitors: the same rules as the console. */
export function monitorApiRoutes(deps: MonitorRoutesDeps & { allow: Allow }): Router {
  const router = Router();
  const { allow, db } = deps;

  router.get('/monitors', allow(rules.need('incidents:read')), doc({ tag: 'monitors', summary: 'List the HTTP(S) monitors and their state' }), async (_req, res) => {
    res.json({ monitors: await listMonitors(db) });
  });
  router.get('/monitors/:id', allow(rules.need('incidents:read')), doc({ tag: 'monitors', summary: 'One monitor with its recent checks', params: idParam }), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const monitor = await getMonitor(db, id);
    if (!monitor) throw new AppError('not_found', `No monitor ${id}.`, [{ field: 'id', message: 'no monitor with this id' }]);
    res.json({ monitor, checks: await recentChecks(db, id) });
  });
  router.post('/monitors', allow(rules.need('incidents:write')), doc({ tag: 'monitors', summary: 'Add a monitor: URL, interval, timeout, expected status, failures before down, component, automatic first notice', body: monitorInput }), async (req, res) => {
    const monitor = await addMonitor(db, monitorInput.parse(req.body), actorOf(principalOf(req)), Date.now());
    res.status(201).json({ monitor });
  });
  router.post('/monitors/:id', allow(rules.need('incidents:write')), doc({ tag: 'monitors', summary: 'Change a monitor: the same fields as adding one; it is checked again at once', params: idParam, body: monitorInput }), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const monitor = await changeMonitor(db, id, monitorInput.parse(req.body), actorOf(principalOf(req)), Date.now());
    res.json({ monitor });
  });
  router.post('/monitors/:id/delete', allow(rules.need('incidents:write')), doc({ tag: 'monitors', summary: 'Delete a monitor and its history', params: idParam, success: { status: 200, description: 'Deleted' } }), async (req, res) => {
    await removeMonitor(db, idParam.parse(req.params).id, actorOf(principalOf(req)), Date.now());
    res.json({ deleted: true });
  });
  router.post('/monitors/outages/:id/notice', allow(rules.need('incidents:write')), doc({ tag: 'monitors', summary: 'Send the first notice of an outage a monitor found: publishes its draft incident with the approved investigating script', params: idParam }), async (req, res) => {
    const result = await sendFirstNotice(db, idParam.parse(req.params).id, deps.publishContext(actorOf(principalOf(req))));
    deps.published(result.deliveries.map((d) => d.channel));
    res.status(201).json(result);
  });
  return router;
}

import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../auth/user';
import { listAudit } from '../audit/audit.repository';
import { countByChannel, countByState } from '../delivery/delivery.repository';
import { AppError } from '../errors';
import { getIncident, listIncidents, listUpdates } from '../incidents/incident.repository';
import { publishInput } from '../incidents/publish';
import { publishUpdate, type PublishContext } from '../incidents/publish.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Allow } from './access';
import { parseAuditQuery } from './console.routes';

export interface ApiDeps {
  db: Kysely<Database>;
  allow: Allow;
  publishContext(actor: string): PublishContext;
  /** Called after the publish transaction commits: wake the lanes of these channels. */
  published(channels: string[]): void;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a positive whole number' }).positive({ error: 'must be a positive whole number' }).max(2 ** 31, { error: 'is too large' }) });

/** The JSON API: thin routes over the services; input parsed with zod, errors by the one handler. */
export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { allow } = deps;

  router.post('/updates', allow(rules.need('incidents:write')), async (req, res) => {
    const input = publishInput.parse(req.body);
    const result = await publishUpdate(deps.db, input, deps.publishContext(actorOf(principalOf(req))));
    deps.published(input.channels);
    res.status(201).json(result);
  });

  router.get('/incidents', allow(rules.need('incidents:read')), async (_req, res) => {
    res.json({ incidents: await listIncidents(deps.db) });
  });

  router.get('/incidents/:id', allow(rules.need('incidents:read')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const incident = await getIncident(deps.db, id);
    if (!incident) throw new AppError('not_found', `No incident ${id}.`, [{ field: 'id', message: 'no incident with this id' }]);
    res.json({ incident, updates: await listUpdates(deps.db, id) });
  });

  router.get('/broadcasts/:id/deliveries', allow(rules.need('incidents:read')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    res.json({ broadcastId: id, states: await countByState(deps.db, { broadcastId: id }), channels: await countByChannel(deps.db, id) });
  });

  router.get('/audit', allow(rules.need('audit:read')), async (req, res) => {
    res.json({ entries: await listAudit(deps.db, parseAuditQuery(req.query)) });
  });

  return router;
}

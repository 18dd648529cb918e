import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { countByState } from '../delivery/delivery.repository';
import { AppError } from '../errors';
import { getIncident, listIncidents, listUpdates } from '../incidents/incident.repository';
import { publishInput } from '../incidents/publish';
import { publishUpdate, type PublishContext } from '../incidents/publish.service';
import type { Database } from '../store/schema';

export interface ApiDeps {
  db: Kysely<Database>;
  publishContext(actor: string): PublishContext;
  /** Called after the publish transaction commits: wake the lanes of these channels. */
  published(channels: string[]): void;
}

const idParam = z.object({ id: z.coerce.number().int().positive({ error: 'must be a positive whole number' }) });

/** The JSON API: thin routes over the services; input parsed with zod, errors by the one handler. */
export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.post('/updates', async (req, res) => {
    const input = publishInput.parse(req.body);
    const result = await publishUpdate(deps.db, input, deps.publishContext('api'));
    deps.published(input.channels);
    res.status(201).json(result);
  });

  router.get('/incidents', async (_req, res) => {
    res.json({ incidents: await listIncidents(deps.db) });
  });

  router.get('/incidents/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const incident = await getIncident(deps.db, id);
    if (!incident) throw new AppError('not_found', `No incident ${id}.`);
    res.json({ incident, updates: await listUpdates(deps.db, id) });
  });

  router.get('/broadcasts/:id/deliveries', async (req, res) => {
    const { id } = idParam.parse(req.params);
    res.json({ broadcastId: id, states: await countByState(deps.db, { broadcastId: id }) });
  });

  return router;
}

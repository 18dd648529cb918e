import fs from 'node:fs';
import path from 'node:path';
import { Router, type Express } from 'express';
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
import { doc } from './openapi/api-doc';
import { openApiDocument } from './openapi/openapi';
import { auditQuery, parseAuditQuery } from './console.routes';

export interface ApiDeps {
  db: Kysely<Database>;
  allow: Allow;
  publishContext(actor: string): PublishContext;
  /** Called after the publish transaction commits: wake the lanes of these channels. */
  published(channels: string[]): void;
  publicUrl(): string;
}

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a positive whole number' }).positive({ error: 'must be a positive whole number' }).max(2 ** 31, { error: 'is too large' }) });

/** The JSON API: thin routes over the services; input parsed with zod, errors by the one handler. */
export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { allow } = deps;
  // Built on first request, when every route is registered; the routes never change after start.
  let document: Record<string, unknown> | undefined;

  router.post('/updates', allow(rules.need('incidents:write')), doc({ tag: 'incidents', summary: 'Publish a status update: opens an incident or follows one up, and broadcasts it', body: publishInput, success: { status: 201, description: 'The update, its broadcast and the deliveries queued and skipped per channel' } }), async (req, res) => {
    const input = publishInput.parse(req.body);
    const result = await publishUpdate(deps.db, input, deps.publishContext(actorOf(principalOf(req))));
    deps.published(input.channels);
    res.status(201).json(result);
  });

  router.get('/incidents', allow(rules.need('incidents:read')), doc({ tag: 'incidents', summary: 'List incidents, newest first' }), async (_req, res) => {
    res.json({ incidents: await listIncidents(deps.db) });
  });

  router.get('/incidents/:id', allow(rules.need('incidents:read')), doc({ tag: 'incidents', summary: 'One incident with its updates', params: idParam }), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const incident = await getIncident(deps.db, id);
    if (!incident) throw new AppError('not_found', `No incident ${id}.`, [{ field: 'id', message: 'no incident with this id' }]);
    res.json({ incident, updates: await listUpdates(deps.db, id) });
  });

  router.get('/broadcasts/:id/deliveries', allow(rules.need('incidents:read')), doc({ tag: 'incidents', summary: 'How many of a broadcast\'s deliveries are in each state', params: idParam }), async (req, res) => {
    const { id } = idParam.parse(req.params);
    res.json({ broadcastId: id, states: await countByState(deps.db, { broadcastId: id }), channels: await countByChannel(deps.db, id) });
  });

  router.get('/openapi.json', allow(rules.public), doc({ tag: 'meta', summary: 'This document: every JSON API route, from the schemas the routes parse with', success: { status: 200, description: 'OpenAPI 3.1' } }), (req, res) => {
    document ??= openApiDocument(req.app as Express, { title: 'Crier API', version: VERSION, serverUrl: deps.publicUrl() });
    res.json(document);
  });

  router.get('/audit', allow(rules.need('audit:read')), doc({ tag: 'audit', summary: 'Audit log entries, newest first, filtered by actor, action and subject', query: auditQuery }), async (req, res) => {
    res.json({ entries: await listAudit(deps.db, parseAuditQuery(req.query)) });
  });

  return router;
}

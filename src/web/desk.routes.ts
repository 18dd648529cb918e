import { Router } from 'express';
import type { Kysely } from 'kysely';
import { deskIncidents } from '../desk/desk.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { doc } from './openapi/api-doc';
import { deskView } from './views/desk.view';

export interface DeskRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  publicUrl(): string;
}

/** The staff desk as a phone-first page and as JSON: approved text only, filled in, read-only. */
export function deskRoutes(deps: DeskRoutesDeps): Router {
  const router = Router();
  const { access } = deps;
  const desk = () => deskIncidents(deps.db, { brandName: deps.brand, statusPageUrl: `${deps.publicUrl()}/status` });

  router.get('/desk', access.allow(rules.need('desk:read')), async (req, res) => {
    const incidents = await desk();
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(deskView({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) }, incidents, Date.now()));
  });

  router.get('/api/desk', access.allow(rules.need('desk:read')), doc({ tag: 'desk', summary: 'The staff desk: approved scripts for each open incident, filled in' }), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ incidents: await desk() });
  });

  return router;
}

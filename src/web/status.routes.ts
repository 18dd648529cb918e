import { Router } from 'express';
import type { Kysely } from 'kysely';
import { listIncidents, listUpdates } from '../incidents/incident.repository';
import type { RenderedUpdate } from '../render';
import type { Database } from '../store/schema';
import { rules, type Allow } from './access';
import { statusPage, type StatusIncident } from './views/status.view';

/** The public status page every message links to: open incidents first, then recent ones. */
export function statusRoutes(deps: { db: Kysely<Database>; brandName: string; allow: Allow }): Router {
  const router = Router();
  router.get('/', deps.allow(rules.public), async (_req, res) => {
    const incidents = await listIncidents(deps.db, { limit: 20 });
    const view: StatusIncident[] = [];
    for (const incident of incidents) {
      const updates = await listUpdates(deps.db, incident.id);
      view.push({
        title: incident.title,
        status: incident.status,
        open: incident.resolvedAt === null,
        updates: updates.reverse().map((u) => {
          const page = (u.rendered as Partial<RenderedUpdate>).page;
          return { status: u.status, at: new Date(u.createdAt).toISOString(), title: page?.title ?? '', body: page?.body ?? '' };
        }),
      });
    }
    res.setHeader('Cache-Control', 'public, max-age=15');
    res.type('html').send(statusPage(deps.brandName, view));
  });
  return router;
}

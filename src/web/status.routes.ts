import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { loadUptime } from '../monitors/uptime';
import { atomFeed, statusJson } from '../status/feeds';
import { loadSnapshot } from '../status/snapshot';
import type { Database } from '../store/schema';
import { rules, type Allow } from './access';
import { statusPage } from './views/status.view';

/**
 * The public status page every message links to, its Atom feed and its JSON. Short shared
 * caching: during an incident many people reload at once, and fifteen seconds old is fresh
 * enough. Express adds an ETag, so a reload that changed nothing costs a 304.
 */
export function statusRoutes(deps: { db: Kysely<Database>; brandName: string; publicUrl(): string; allow: Allow }): Router {
  const router = Router();
  const snapshot = () => loadSnapshot(deps.db, { brand: deps.brandName, url: `${deps.publicUrl()}/status`, now: Date.now() });
  const cache = (res: Response) => res.setHeader('Cache-Control', 'public, max-age=15, stale-while-revalidate=60');

  router.get('/', deps.allow(rules.public), async (_req, res) => {
    const s = await snapshot();
    const uptime = await loadUptime(deps.db, s.generatedAt);
    cache(res);
    res.type('html').send(statusPage(s, '/status/', '/assets/crier.css', uptime));
  });
  router.get('/feed.atom', deps.allow(rules.public), async (_req, res) => {
    const s = await snapshot();
    cache(res);
    res.type('application/atom+xml').send(atomFeed(s));
  });
  router.get('/status.json', deps.allow(rules.public), async (_req, res) => {
    const s = await snapshot();
    cache(res);
    res.json(statusJson(s));
  });
  return router;
}

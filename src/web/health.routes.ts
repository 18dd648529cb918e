import { Router } from 'express';
import { sql } from 'kysely';
import type { Store } from '../store/dialect';
import { rules, type Allow } from './access';

export interface HealthDeps {
  store: Store;
  channels(): Record<string, unknown>;
  allow: Allow;
}

/** /healthz: the process answers. /readyz: the store answers too, with each channel's state. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', deps.allow(rules.public), (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', deps.allow(rules.public), async (req, res) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      res.json({ ok: true, store: deps.store.kind, channels: deps.channels() });
    } catch (err) {
      req.log.warn({ err }, 'store unreachable');
      res.status(503).json({ ok: false, store: 'unreachable' });
    }
  });
  return router;
}

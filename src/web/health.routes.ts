import { Router } from 'express';
import { sql } from 'kysely';
import type { Store } from '../store/dialect';
import type { CheckResult } from '../checks/channel-check';
import { rules, type Allow } from './access';

export interface HealthDeps {
  store: Store;
  channels(): Record<string, unknown>;
  /** The last credentials check of each provider, from the store: a probe never calls a provider. */
  checks(): Promise<CheckResult[]>;
  allow: Allow;
}

/**
 * /healthz: the process answers. /readyz: the store answers too, with each channel's state and
 * each provider's last credentials check (`checks`). A failed check does not make Crier unready:
 * the other channels, and the other provider of the same channel, still carry messages.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', deps.allow(rules.public), (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', deps.allow(rules.public), async (req, res) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      const checks = Object.fromEntries((await deps.checks()).map((c) => [c.provider, {
        channel: c.channel, ok: c.ok, detail: c.detail, latencyMs: c.latencyMs, checkedAt: new Date(c.checkedAt).toISOString(),
      }]));
      res.json({ ok: true, store: deps.store.kind, channels: deps.channels(), checks });
    } catch (err) {
      req.log.warn({ err }, 'store unreachable');
      res.status(503).json({ ok: false, store: 'unreachable' });
    }
  });
  return router;
}

import crypto from 'node:crypto';
import { Router } from 'express';
import { AppError } from '../errors';
import type { Metrics } from '../observability/metrics';
import { rules, type Allow } from './access';

export interface MetricsDeps {
  metrics: Metrics;
  /** METRICS_TOKEN; without it the endpoint refuses everyone. */
  token?: string;
  allow: Allow;
}

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/**
 * GET /metrics for a Prometheus scraper. It proves itself with its own bearer token, not an
 * account: a scraper's credential should read numbers and nothing else.
 */
export function metricsRoutes(deps: MetricsDeps): Router {
  const router = Router();
  router.get('/metrics', deps.allow(rules.exempt('bearer METRICS_TOKEN')), async (req, res) => {
    const given = /^Bearer (\S{1,200})$/.exec(req.get('authorization') ?? '')?.[1];
    if (!deps.token) throw new AppError('forbidden', 'Metrics are off: set METRICS_TOKEN and scrape with Authorization: Bearer <it>.', [{ field: 'authorization', message: 'METRICS_TOKEN is not set' }]);
    if (!given || !crypto.timingSafeEqual(digest(given), digest(deps.token))) {
      throw new AppError('forbidden', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.', [{ field: 'authorization', message: 'missing or wrong metrics token' }]);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type(deps.metrics.contentType).send(await deps.metrics.text());
  });
  return router;
}

import { Router } from 'express';
import type { ChannelChecks } from '../checks/channel-check.service';
import { principalOf, rules, type Access } from './access';
import { channelsView } from './views/channels.view';

export interface ChannelRoutesDeps {
  checks: Pick<ChannelChecks, 'latest' | 'runAll'>;
  access: Access;
  brand: string;
}

/** "Check channels": the last result per provider, and a run on demand. */
export function channelRoutes(deps: ChannelRoutesDeps): Router {
  const router = Router();
  const { access } = deps;

  router.get('/', access.allow(rules.need('incidents:read')), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(channelsView({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) }, await deps.checks.latest()));
  });

  router.post('/check', access.allow(rules.need('incidents:write')), async (_req, res) => {
    await deps.checks.runAll();
    res.redirect(303, '/console/channels');
  });

  return router;
}

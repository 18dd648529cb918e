import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Sandbox } from '../channels/sandbox';
import type { Store } from '../store/dialect';
import { requireApiToken } from './api-auth';
import { apiRoutes, type ApiDeps } from './api.routes';
import { errorHandler, notFound } from './error-handler';
import { healthRoutes } from './health.routes';
import { requestLog } from './request-log';
import { sandboxRoutes } from './sandbox.routes';
import { statusRoutes } from './status.routes';
import { unsubscribeRoutes } from './unsubscribe.routes';
import { webhookRoutes } from './webhooks.routes';

export interface AppDeps {
  store: Store;
  logger: Logger;
  apiToken?: string;
  secret: string;
  brandName: string;
  publicUrl(): string;
  twilioAuthToken?: string;
  sendgridPublicKey?: string;
  sandbox?: Sandbox;
  channels(): Record<string, unknown>;
  api: Omit<ApiDeps, 'db'>;
}

/** The HTTP surface. Routes stay thin; every error reaches the one error handler. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  app.use(healthRoutes({ store: deps.store, channels: deps.channels }));
  // Webhooks verify signatures over the raw bytes, so they parse their own bodies. They are built
  // on first use because the public URL (part of Twilio's signature) is known only once listening.
  let webhooks: ReturnType<typeof webhookRoutes> | undefined;
  app.use('/webhooks', (req, res, next) => {
    webhooks ??= webhookRoutes({ db: deps.store.db, twilioAuthToken: deps.twilioAuthToken, sendgridPublicKey: deps.sendgridPublicKey, publicUrl: deps.publicUrl() });
    webhooks(req, res, next);
  });
  app.use('/status', statusRoutes({ db: deps.store.db, brandName: deps.brandName }));
  app.use('/unsubscribe', unsubscribeRoutes({ db: deps.store.db, secret: deps.secret }));
  app.use('/api', express.json({ limit: '1mb' }), requireApiToken(deps.apiToken), apiRoutes({ db: deps.store.db, ...deps.api }));
  if (deps.sandbox) app.use('/sandbox', sandboxRoutes(deps.sandbox));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

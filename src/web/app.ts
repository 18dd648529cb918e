import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Accounts } from '../auth/accounts.service';
import type { Sandbox } from '../channels/sandbox';
import type { ScriptRules } from '../scripts/script.service';
import type { Store } from '../store/dialect';
import { createAccess, rules } from './access';
import { accountRoutes } from './account.routes';
import { adminApiRoutes } from './admin-api.routes';
import { apiRoutes, type ApiDeps } from './api.routes';
import { consoleRoutes } from './console.routes';
import { deskRoutes } from './desk.routes';
import { errorHandler, notFound } from './error-handler';
import { followupApiRoutes } from './followup-api.routes';
import { followupRoutes } from './followup.routes';
import { healthRoutes } from './health.routes';
import { metricsRoutes } from './metrics.routes';
import type { Metrics } from '../observability/metrics';
import { refuseNul } from './nul-guard';
import { DEFAULT_RATE_LIMITS, perMinute, type RateLimits } from './rate-limits';
import { requestLog } from './request-log';
import { rosterRoutes } from './roster.routes';
import { rosterPinRoutes } from './roster-pin.routes';
import { sandboxRoutes } from './sandbox.routes';
import { scriptApiRoutes } from './scripts-api.routes';
import { scriptRoutes } from './scripts.routes';
import { sendRoutes } from './send.routes';
import { subscribeRoutes, type SubscribeRoutesDeps } from './subscribe.routes';
import { subscribeApiRoutes } from './subscribe-api.routes';
import { statusRoutes } from './status.routes';
import { unsubscribeRoutes } from './unsubscribe.routes';
import { webhookRoutes } from './webhooks.routes';
import type { PinHasher } from './roster-pin.routes';
import type { ChannelChecks } from '../checks/channel-check.service';
import { channelRoutes } from './channels.routes';
import { monitorApiRoutes, monitorConsoleRoutes } from './monitors.routes';
import { problemApiRoutes, problemConsoleRoutes } from './problems.routes';

export interface AppDeps {
  store: Store;
  logger: Logger;
  accounts: Accounts;
  secret: string;
  brandName: string;
  publicUrl(): string;
  /** express's `trust proxy` setting, from TRUST_PROXY. */
  trustProxy?: boolean | number | string;
  rateLimits?: Partial<RateLimits>;
  /** Waits out the slow-down after wrong passwords (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
  twilioAuthToken?: string;
  sendgridPublicKey?: string;
  sandbox?: Sandbox;
  channels(): Record<string, unknown>;
  metrics: Metrics;
  /** METRICS_TOKEN: the bearer a Prometheus scraper sends to GET /metrics. */
  metricsToken?: string;
  /** The two-person rule and the SMS segment limit, from SCRIPTS_TWO_PERSON_RULE and SMS_MAX_SEGMENTS. */
  scriptRules: ScriptRules;
  api: Omit<ApiDeps, 'db' | 'allow' | 'publicUrl'>;
  subscriptions: Pick<SubscribeRoutesDeps, 'defaultPhoneCountry' | 'allowLoopbackWebhooks' | 'notify' | 'ping'>;
  /** Hashes and checks SMS trigger PINs (scrypt, like passwords). */
  pins: PinHasher;
  /** Each provider's credentials check: the last results and a run on demand. */
  checks: Pick<ChannelChecks, 'latest' | 'runAll'>;
  /** RECURRENCE_WINDOW_DAYS: how close together two small problems make a recurrence. */
  recurrenceWindowDays: number;
}

const CSS = fs.readFileSync(path.join(__dirname, 'assets', 'crier.css'));
const DESK_JS = fs.readFileSync(path.join(__dirname, 'assets', 'desk.js'));

/**
 * The HTTP surface. Routes stay thin; every error reaches the one error handler. Every route's
 * first handler is `allow(rule)`, which says who may call it (see access.ts).
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const httpsOnly = () => deps.publicUrl().startsWith('https:');
  const access = createAccess({ accounts: deps.accounts, secret: deps.secret, get httpsOnly() { return httpsOnly(); } });
  const { allow } = access;

  app.use(requestLog(deps.logger));
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
        fontSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: httpsOnly() ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  }));

  const assets = express.Router();
  assets.get('/crier.css', allow(rules.public), (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(CSS);
  });
  assets.get('/desk.js', allow(rules.public), (_req, res) => {
    res.type('js').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(DESK_JS);
  });
  app.use('/assets', assets);
  app.use(healthRoutes({ store: deps.store, channels: deps.channels, checks: () => deps.checks.latest(), allow }));
  // Before `identify`: the scraper's bearer is the metrics token, not an account's API token.
  app.use(metricsRoutes({ metrics: deps.metrics, token: deps.metricsToken, allow }));
  // Webhooks verify signatures over the raw bytes, so they parse their own bodies.
  app.use('/webhooks', webhookRoutes({
    db: deps.store.db, twilioAuthToken: deps.twilioAuthToken, sendgridPublicKey: deps.sendgridPublicKey, publicUrl: deps.publicUrl, allow,
    brandName: deps.brandName, trigger: { pins: deps.pins, publishContext: deps.api.publishContext, published: deps.api.published },
  }));

  app.use('/api', express.json({ limit: '256kb' }), perMinute(limits.api, 'API'));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(refuseNul);
  app.use(access.identify);

  app.use('/status', statusRoutes({ db: deps.store.db, brandName: deps.brandName, publicUrl: deps.publicUrl, allow }));
  app.use('/subscribe', subscribeRoutes({ db: deps.store.db, access, brand: deps.brandName, publicUrl: deps.publicUrl, limit: perMinute(limits.publicForms, 'subscription'), secretKey: deps.secret, ...deps.subscriptions }));
  app.use('/unsubscribe', unsubscribeRoutes({ db: deps.store.db, secret: deps.secret, allow, limit: perMinute(limits.publicForms, 'unsubscribe') }));
  app.use(accountRoutes({ accounts: deps.accounts, access, brand: deps.brandName, limits, sleep: deps.sleep }));
  app.use('/console/scripts', scriptRoutes({ db: deps.store.db, access, brand: deps.brandName, scriptRules: deps.scriptRules }));
  app.use(deskRoutes({ db: deps.store.db, access, brand: deps.brandName, publicUrl: deps.publicUrl }));
  app.use('/console', consoleRoutes({ db: deps.store.db, accounts: deps.accounts, access, brand: deps.brandName, publicUrl: deps.publicUrl }));
  app.use('/console/roster', rosterRoutes({ db: deps.store.db, access, brand: deps.brandName, defaultPhoneCountry: deps.subscriptions.defaultPhoneCountry }));
  app.use('/console/channels', channelRoutes({ checks: deps.checks, access, brand: deps.brandName }));
  app.use('/console/roster', rosterPinRoutes({ db: deps.store.db, access, brand: deps.brandName, pins: deps.pins }));
  app.use('/console', sendRoutes({ db: deps.store.db, access, brand: deps.brandName, publishContext: deps.api.publishContext, published: deps.api.published }));
  app.use('/api', apiRoutes({ db: deps.store.db, allow, publicUrl: deps.publicUrl, ...deps.api }));
  app.use('/api', subscribeApiRoutes({ db: deps.store.db, allow, brand: deps.brandName, publicUrl: deps.publicUrl, limit: perMinute(limits.publicForms, 'subscription'), secretKey: deps.secret, ...deps.subscriptions }));
  app.use('/api', scriptApiRoutes({ db: deps.store.db, allow, scriptRules: deps.scriptRules }));
  app.use('/api', adminApiRoutes({ db: deps.store.db, accounts: deps.accounts, allow, publicUrl: deps.publicUrl, defaultPhoneCountry: deps.subscriptions.defaultPhoneCountry }));
  const followThrough = { db: deps.store.db, publishContext: deps.api.publishContext, published: deps.api.published };
  app.use('/console', monitorConsoleRoutes({ ...followThrough, access, brand: deps.brandName }));
  app.use('/api', monitorApiRoutes({ ...followThrough, allow }));
  app.use('/console', problemConsoleRoutes({ ...followThrough, access, brand: deps.brandName, windowDays: deps.recurrenceWindowDays }));
  app.use('/api', problemApiRoutes({ ...followThrough, allow, windowDays: deps.recurrenceWindowDays }));
  app.use('/console', followupRoutes({ db: deps.store.db, access, brand: deps.brandName, publishContext: deps.api.publishContext, published: deps.api.published }));
  app.use('/api', followupApiRoutes({ db: deps.store.db, allow, publishContext: deps.api.publishContext, published: deps.api.published }));
  if (deps.sandbox) app.use('/sandbox', sandboxRoutes(deps.sandbox, allow));
  const root = express.Router();
  root.get('/', allow(rules.public), (req, res) => {
    res.redirect(303, req.principal ? '/console' : '/status');
  });
  // Browsers ask for it on every first visit; no icon, and no 404 noise in the logs.
  root.get('/favicon.ico', allow(rules.public), (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.status(204).end();
  });
  app.use(root);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { Accounts, type LockoutPolicy } from './auth/accounts.service';
import { PasswordHasher } from './auth/password';
import { buildChannels, liveChannels } from './channels/channel-set';
import { ChannelChecks } from './checks/channel-check.service';
import { Sandbox } from './channels/sandbox';
import { ConfigError, loadConfig, type Config } from './config';
import { Dispatcher } from './delivery/dispatcher';
import { InProcessQueue, type DeliveryQueue } from './delivery/delivery-queue';
import { PgBossQueue } from './delivery/pg-boss-queue';
import { remindDuePromises } from './followup/commitment.service';
import { afterSettleHooks } from './delivery/settle-hooks';
import { RenderedMessageSource } from './delivery/message-source';
import { pingEvent } from './delivery/webhook-envelope';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './delivery/retry-policy';
import { createLogger } from './logger';
import { Metrics } from './observability/metrics';
import type { PublishContext } from './incidents/publish.service';
import { MonitorRunner } from './monitors/monitor-runner';
import { ensureStarterLibrary } from './scripts/starter-library';
import { openStore, type Store } from './store/dialect';
import { InProcessTimers } from './timers/in-process-timers';
import { PgBossTimers } from './timers/pg-boss-timers';
import { createBoss } from './store/pg-boss';
import type { Timers } from './timers/timers';
import { migrateToLatest } from './store/migrate';
import { unsubscribeUrl } from './subscriptions/unsubscribe-link';
import { createApp } from './web/app';
import type { RateLimits } from './web/rate-limits';

/**
 * The composition root: the only reader of process.env and the only place that picks the
 * dialect and the concrete providers. Everything long-lived has start() and stop().
 */
export interface Crier {
  config: Config;
  store: Store;
  dispatcher: Dispatcher;
  /** How lanes hear of new deliveries: in-process, or pg-boss jobs shared by the cluster. */
  queue: DeliveryQueue;
  /** Periodic tasks (monitors, reminders); register with timers.every() before start(). */
  timers: Timers;
  sandbox?: Sandbox;
  server: http.Server;
  app: Express;
  accounts: Accounts;
  url(): string;
  /** The one-time link that creates the owner, while the store has no accounts. */
  setupUrl?: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Knobs tests and the benchmark turn; production uses the defaults. */
export interface CrierOverrides {
  policy?: Partial<RetryPolicy>;
  breaker?: { threshold: number; cooldownMs: number };
  idleMs?: number;
  sandbox?: Sandbox;
  hasher?: PasswordHasher;
  lockout?: LockoutPolicy;
  rateLimits?: Partial<RateLimits>;
  sleep?: (ms: number) => Promise<void>;
  timers?: Timers;
  /** Where the one-time setup link is shown; standard output by default. */
  announce?: (text: string) => void;
}

/** How often due promises are looked for: a reminder is at most this late. */
const PROMISE_REMINDER_INTERVAL_MS = 60_000;

export async function buildCrier(config: Config, logger: Logger, overrides: CrierOverrides = {}): Promise<Crier> {
  const store = config.databaseKind === 'postgres'
    ? openStore({ kind: 'postgres', url: config.DATABASE_URL as string, onIdleError: (err) => logger.warn({ err }, 'idle database connection dropped') })
    : openStore({ kind: 'sqlite', file: config.sqliteFile });
  await migrateToLatest(store);
  await ensureStarterLibrary(store.db);
  const secret = config.SECRET_KEY ?? loadOrCreateSecret(config);
  const needsSandbox = Object.values(liveChannels(config)).some((live) => !live);
  const ownSandbox = needsSandbox && !overrides.sandbox ? new Sandbox() : undefined;
  const sandbox = overrides.sandbox ?? ownSandbox;
  if (ownSandbox) await ownSandbox.start();

  let listening = '';
  const publicUrl = (): string => config.PUBLIC_URL?.replace(/\/$/, '') ?? listening;
  // The breakers are read at scrape time, once the dispatcher exists.
  const metrics: Metrics = new Metrics({ db: store.db, breakers: () => dispatcher.health() });
  const channels = buildChannels({
    config, sandbox, publicUrl,
    failover: { timeoutMs: config.PROVIDER_TIMEOUT_MS, breaker: overrides.breaker ?? { threshold: 5, cooldownMs: 30_000 }, observe: metrics.observeProvider },
  });
  const concurrency = {
    email: config.LANE_EMAIL_CONCURRENCY, sms: config.LANE_SMS_CONCURRENCY, slack: config.LANE_SLACK_CONCURRENCY, x: config.LANE_X_CONCURRENCY,
    mastodon: config.LANE_MASTODON_CONCURRENCY, bluesky: config.LANE_BLUESKY_CONCURRENCY, teams: config.LANE_TEAMS_CONCURRENCY,
    webhook: config.LANE_WEBHOOK_CONCURRENCY,
  };
  const rate = {
    email: config.LANE_EMAIL_RATE, sms: config.LANE_SMS_RATE, slack: config.LANE_SLACK_RATE, x: config.LANE_X_RATE,
    mastodon: config.LANE_MASTODON_RATE, bluesky: config.LANE_BLUESKY_RATE, teams: config.LANE_TEAMS_RATE, webhook: config.LANE_WEBHOOK_RATE,
  };
  const dispatcher = new Dispatcher({
    store,
    lanes: Object.fromEntries(Object.entries(channels.chains).map(([ch, chain]) => [ch, { chain, concurrency: concurrency[ch as keyof typeof concurrency], ratePerSecond: rate[ch as keyof typeof rate] }])),
    source: new RenderedMessageSource(store.db, {
      unsubscribeUrl: (channel, address) => unsubscribeUrl(publicUrl(), secret, { channel, address }),
      smsValiditySeconds: config.SMS_VALIDITY_SECONDS,
      webhooks: { secretKey: secret, brand: config.BRAND_NAME, statusPageUrl: () => `${publicUrl()}/status` },
    }),
    policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: config.MAX_ATTEMPTS, ...overrides.policy },
    leaseMs: config.LEASE_MS,
    idleMs: overrides.idleMs,
    hooks: afterSettleHooks(store.db, logger, { brand: config.BRAND_NAME, statusPageUrl: () => `${publicUrl()}/status` }),
    logger,
  });

  // Scale-out: one pg-boss per process carries the lanes' wake-ups and the cluster-wide timers.
  const boss = store.kind === 'postgres' ? createBoss(config.DATABASE_URL as string, logger) : undefined;
  const queue: DeliveryQueue = boss ? new PgBossQueue(boss, [...dispatcher.lanes.keys()]) : new InProcessQueue();
  const timers = overrides.timers ?? (boss ? new PgBossTimers(boss, logger) : new InProcessTimers(logger));
  const checks = new ChannelChecks(store.db, channels.checks, { timeoutMs: config.PROVIDER_TIMEOUT_MS, intervalMs: config.CHANNEL_CHECK_MINUTES * 60_000 });
  // Ticks every minute; each provider's due time, claimed in the store, keeps the interval cluster-wide.
  timers.every('channel-checks', 60_000, async (now) => { await checks.runDue(now); });
  const publishContext = (actor: string, now: number): PublishContext => ({
    actor, brandName: config.BRAND_NAME, statusPageUrl: `${publicUrl()}/status`, now,
    teamSlackChannels: config.SLACK_TEAM_CHANNELS?.split(',') ?? [], smsMaxSegments: config.SMS_MAX_SEGMENTS,
    enqueue: (trx, chs) => queue.enqueue(trx, chs),
  });
  const monitors = new MonitorRunner({ db: store.db, publishContext, published: (chs) => dispatcher.wake(chs), log: logger });
  timers.every('monitor-checks', config.MONITOR_TICK_MS, (now) => monitors.runDue(now).then(() => undefined));
  timers.every('promise-reminders', PROMISE_REMINDER_INTERVAL_MS, async (now) => {
    dispatcher.wake(await remindDuePromises(store.db, publishContext('system:promise-reminders', now), logger));
  });

  const hasher = overrides.hasher ?? new PasswordHasher();
  const accounts = new Accounts(store.db, {
    hasher,
    lockout: overrides.lockout,
    sessions: { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_MAX_DAYS * 86_400_000 },
    envToken: config.API_TOKEN ? { secret: config.API_TOKEN, role: config.API_TOKEN_ROLE } : undefined,
  });
  const app = createApp({
    store, logger, secret, sandbox, accounts, brandName: config.BRAND_NAME,
    publicUrl, trustProxy: trustProxySetting(config.TRUST_PROXY), rateLimits: overrides.rateLimits, sleep: overrides.sleep,
    twilioAuthToken: config.TWILIO_AUTH_TOKEN ?? sandbox?.twilio.authToken,
    sendgridPublicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY,
    channels: () => dispatcher.health(),
    metrics, metricsToken: config.METRICS_TOKEN,
    pins: hasher,
    checks,
    scriptRules: { twoPersonRule: config.SCRIPTS_TWO_PERSON_RULE, smsMaxSegments: config.SMS_MAX_SEGMENTS },
    recurrenceWindowDays: config.RECURRENCE_WINDOW_DAYS,
    subscriptions: {
      defaultPhoneCountry: config.DEFAULT_PHONE_COUNTRY,
      allowLoopbackWebhooks: config.ALLOW_LOOPBACK_WEBHOOKS,
      // Confirmations go out at once, through the channel's providers and breakers: the person
      // is on the page and can try again, which a queue would hide from them.
      notify: async (channel, address, message) => {
        const [routed] = await channels.chains[channel].send([{
          deliveryId: 0, channel, address, subject: message.subject, text: message.text, contentKey: `notice:${crypto.randomUUID()}`,
        }]);
        return routed?.outcome.ok === true;
      },
      // The manage page's test ping, sent at once like a confirmation: the subscriber is waiting.
      ping: async (url, secret) => {
        const body = JSON.stringify(await pingEvent(store.db, { brand: config.BRAND_NAME, statusPageUrl: `${publicUrl()}/status`, now: Date.now() }));
        const [routed] = await channels.chains.webhook.send([{ deliveryId: 0, channel: 'webhook', address: url, text: 'ping', contentKey: `ping:${crypto.randomUUID()}`, webhook: { body, secret } }]);
        return routed?.outcome.ok ? { ok: true } : { ok: false, reason: routed?.outcome.ok === false ? routed.outcome.error.message : 'no provider' };
      },
    },
    api: {
      publishContext: (actor) => publishContext(actor, Date.now()),
      published: (chs) => dispatcher.wake(chs),
    },
  });
  const server = http.createServer(app);

  const crier: Crier = {
    config, store, dispatcher, queue, timers, sandbox, server, app, accounts,
    url: publicUrl,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      listening = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
      await boss?.start();
      dispatcher.start();
      await queue.start((channel) => dispatcher.wake([channel]));
      await timers.start();
      logger.info({ url: listening, store: store.kind, sandboxed: channels.sandboxed }, 'crier started');
      const setupToken = await accounts.openSetup();
      if (setupToken) {
        crier.setupUrl = `${publicUrl()}/setup/${setupToken}`;
        // Printed, not logged: the link is a one-time secret meant for the person starting Crier.
        (overrides.announce ?? ((text) => process.stdout.write(text)))(`\nCrier has no accounts yet. Open this one-time link to create the owner account:\n\n  ${crier.setupUrl}\n\n`);
      }
    },
    async stop() {
      // Stop taking requests and let those in flight finish; then drain the lanes.
      // Keep-alive connections that finish their request meanwhile are closed as they go idle.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(reaper);
      try {
        await timers.stop();
        await queue.stop();
        await dispatcher.stop();
        await channels.close();
        if (ownSandbox) await ownSandbox.stop();
      } finally {
        // Waits for pg-boss's jobs in flight (a timer task) before closing its pool.
        await boss?.stop({ graceful: true, wait: true, timeout: config.SHUTDOWN_TIMEOUT_MS });
        await store.close();
      }
    },
  };
  return crier;
}

/** TRUST_PROXY as express wants it: a boolean, a hop count, or the list of trusted addresses. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The embedded default keeps its signing secret beside its database, created on first start. */
function loadOrCreateSecret(config: Config): string {
  if (config.databaseKind === 'postgres') {
    throw new ConfigError(['SECRET_KEY: is required with Postgres, so every instance signs links alike (e.g. openssl rand -hex 32)']);
  }
  const file = path.join(path.dirname(path.resolve(config.sqliteFile)), 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function run(): Promise<void> {
  // .env is optional; real environment variables win over it.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const crier = await buildCrier(config, logger);
  await crier.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    crier.stop().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}

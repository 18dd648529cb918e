import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * The environment, parsed once at start-up into a typed, frozen config. A bad value stops
 * start-up with a message naming the variable and the form it expects. Only src/main.ts reads
 * process.env; everything else receives this object.
 */

const port = z.coerce.number({ error: 'must be a whole number from 0 to 65535' }).int('must be a whole number from 0 to 65535').min(0).max(65535);
const positiveInt = z.coerce.number({ error: 'must be a positive whole number' }).int('must be a whole number').positive('must be positive');
const optionalUrl = z.url({ error: 'must be a URL such as https://api.example.com' }).optional();
const nonEmpty = z.string().trim().min(1).optional();

const databaseUrl = z
  .string()
  .refine((v) => /^(sqlite:.+|postgres(ql)?:\/\/[^/\s]+\/\S+)$/.test(v), {
    error: 'must be postgres://user:pass@host:port/db or sqlite:<file path>',
  })
  .optional();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(8080),
  PUBLIC_URL: z.url({ error: 'must be the public base URL, such as https://status.example.com' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  }).default('info'),
  DATABASE_URL: databaseUrl,
  DATA_DIR: z.string().default('./data'),
  BRAND_NAME: z.string().trim().min(1).default('Crier'),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  SECRET_KEY: z.string().min(32, { error: 'must be at least 32 characters (e.g. openssl rand -hex 32)' }).optional(),
  API_TOKEN: z.string().min(24, { error: 'must be at least 24 characters (e.g. openssl rand -hex 24)' }).optional(),
  METRICS_TOKEN: z.string().min(24, { error: 'must be at least 24 characters (e.g. openssl rand -hex 24)' }).optional(),
  API_TOKEN_ROLE: z.enum(['owner', 'comms', 'staff'], { error: 'must be owner, comms or staff' }).default('comms'),
  TRUST_PROXY: z.string().trim().regex(/^(true|false|\d{1,2}|[\w.:/]+(,\s*[\w.:/]+)*)$/, {
    error: 'must be true, false, a hop count, or comma-separated addresses/CIDRs (e.g. loopback, 10.0.0.0/8)',
  }).default('false'),
  SESSION_IDLE_MINUTES: positiveInt.max(10_080, { error: 'must be at most 10080 (a week)' }).default(480),
  SESSION_MAX_DAYS: positiveInt.max(90, { error: 'must be at most 90' }).default(7),
  SLACK_TEAM_CHANNELS: z.string().regex(/^[A-Za-z0-9_#-]+(,[A-Za-z0-9_#-]+)*$/, { error: 'must be comma-separated Slack channel ids' }).optional(),
  SMS_VALIDITY_SECONDS: positiveInt.max(36_000, { error: 'must be at most 36000 (Twilio\'s limit)' }).default(14_400),
  SMS_MAX_SEGMENTS: positiveInt.max(10, { error: 'must be at most 10' }).default(2),
  SCRIPTS_TWO_PERSON_RULE: z.stringbool({ error: 'must be true or false' }).default(false),
  DEFAULT_PHONE_COUNTRY: z.string().trim().toUpperCase().refine(isSupportedCountry, { error: 'must be a two-letter country code, such as US or GB' }).default('US'),
  ALLOW_LOOPBACK_WEBHOOKS: z.stringbool({ error: 'must be true or false' }).default(false),

  SENDGRID_API_URL: optionalUrl,
  SENDGRID_API_KEY: nonEmpty,
  SENDGRID_WEBHOOK_PUBLIC_KEY: nonEmpty,
  EMAIL_FROM: z.email({ error: 'must be an email address' }).default('status@crier.invalid'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, { error: 'must be smtp://user:pass@host:port or smtps://…' }).optional(),
  TWILIO_API_URL: optionalUrl,
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, { error: 'must be AC followed by 32 hex digits' }).optional(),
  TWILIO_AUTH_TOKEN: nonEmpty,
  TWILIO_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, { error: 'must be an E.164 number such as +15005550006' }).optional(),
  SLACK_API_URL: optionalUrl,
  SLACK_BOT_TOKEN: nonEmpty,
  X_API_URL: optionalUrl,
  X_APP_KEY: nonEmpty,
  X_APP_SECRET: nonEmpty,
  X_ACCESS_TOKEN: nonEmpty,
  X_ACCESS_SECRET: nonEmpty,

  LANE_EMAIL_CONCURRENCY: positiveInt.default(4),
  LANE_SMS_CONCURRENCY: positiveInt.default(10),
  LANE_SLACK_CONCURRENCY: positiveInt.default(4),
  LANE_X_CONCURRENCY: positiveInt.default(1),
  LANE_WEBHOOK_CONCURRENCY: positiveInt.default(8),
  LANE_EMAIL_RATE: positiveInt.optional(),
  LANE_SMS_RATE: positiveInt.optional(),
  LANE_SLACK_RATE: positiveInt.optional(),
  LANE_X_RATE: positiveInt.optional(),
  LANE_WEBHOOK_RATE: positiveInt.optional(),
  PROVIDER_TIMEOUT_MS: positiveInt.default(10_000),
  LEASE_MS: positiveInt.default(60_000),
  MAX_ATTEMPTS: positiveInt.default(10),
  CHANNEL_CHECK_MINUTES: positiveInt.max(1440, { error: 'must be at most 1440 (a day)' }).default(5),
  RECURRENCE_WINDOW_DAYS: positiveInt.max(90, { error: 'must be at most 90' }).default(3),
  MONITOR_TICK_MS: positiveInt.min(100, { error: 'must be at least 100' }).default(5_000),

  MASTODON_URL: z.url({ error: 'must be your Mastodon server, such as https://mastodon.social' }).optional(),
  MASTODON_ACCESS_TOKEN: nonEmpty,
  BLUESKY_SERVICE: z.url({ error: 'must be your Bluesky service, such as https://bsky.social' }).default('https://bsky.social'),
  BLUESKY_IDENTIFIER: nonEmpty,
  BLUESKY_APP_PASSWORD: nonEmpty,
  TEAMS_WEBHOOKS_LIVE: z.stringbool({ error: 'must be true or false' }).default(false),
  LANE_MASTODON_CONCURRENCY: positiveInt.default(1),
  LANE_BLUESKY_CONCURRENCY: positiveInt.default(1),
  LANE_TEAMS_CONCURRENCY: positiveInt.default(4),
  LANE_MASTODON_RATE: positiveInt.optional(),
  LANE_BLUESKY_RATE: positiveInt.optional(),
  LANE_TEAMS_RATE: positiveInt.optional(),
});

export type Env = z.infer<typeof schema>;
export type Config = Readonly<Env & { databaseKind: 'sqlite' | 'postgres'; sqliteFile: string }>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment; throws ConfigError naming each bad variable. Empty strings mean unset. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])] ?? null)})`),
    );
  }
  const e = parsed.data;
  const url = e.DATABASE_URL;
  const databaseKind = url?.startsWith('postgres') ? 'postgres' : 'sqlite';
  const sqliteFile = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : `${e.DATA_DIR}/crier.db`;
  return Object.freeze({ ...e, databaseKind, sqliteFile });
}

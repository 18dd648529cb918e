import type { Sandbox } from '../../src/channels/sandbox';
import { freePort, spawnInRepo, waitFor, type Spawned } from './process';

/**
 * Crier as a real child process (`src/main.ts`), its providers pointed at fakes the test
 * process runs, so a test can count at the fakes what every instance sent and SIGKILL one.
 */
export const INSTANCE_TOKEN = 'instance-test-token-0123456789';

export interface Instance extends Spawned {
  port: number;
  env: Record<string, string>;
}

export function instanceEnv(databaseUrl: string, sandbox: Sandbox, env: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', SECRET_KEY: 's'.repeat(32), API_TOKEN: INSTANCE_TOKEN,
    PROVIDER_TIMEOUT_MS: '2000',
    // The child treats the parent's fakes as live providers.
    SENDGRID_API_URL: sandbox.sendgrid.url, SENDGRID_API_KEY: 'SG.instance', SMTP_URL: sandbox.smtp.url,
    TWILIO_API_URL: sandbox.twilio.url, TWILIO_ACCOUNT_SID: sandbox.twilio.accountSid, TWILIO_AUTH_TOKEN: sandbox.twilio.authToken, TWILIO_FROM: '+15005550006',
    SLACK_API_URL: sandbox.slack.url, SLACK_BOT_TOKEN: 'xoxb-instance',
    X_API_URL: sandbox.x.url, X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 's',
    ...env,
  };
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const withPort = { ...env, PORT: String(port) };
  const child = spawnInRepo('node', ['--import', 'tsx', 'src/main.ts'], withPort);
  const up = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 20_000, 50);
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`instance did not start:\n${child.output()}`);
  }
  return { ...child, port, env: withPort };
}

/** Publishes one update through an instance's JSON API, as an owner's tool would. */
export async function publishThrough(instance: Instance, body: object): Promise<{ broadcastId: number }> {
  const res = await fetch(`http://127.0.0.1:${instance.port}/api/updates`, {
    method: 'POST', headers: { authorization: `Bearer ${INSTANCE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`publish failed with ${res.status}: ${await res.text()}`);
  return (await res.json()) as { broadcastId: number };
}

/** How many times each item occurs. */
export function tally(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

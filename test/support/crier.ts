import pino from 'pino';
import { Sandbox } from '../../src/channels/sandbox';
import { loadConfig } from '../../src/config';
import { countByState } from '../../src/delivery/delivery.repository';
import { publishUpdate } from '../../src/incidents/publish.service';
import type { PublishInput, PublishResult } from '../../src/incidents/publish';
import { buildCrier, type Crier, type CrierOverrides } from '../../src/main';
import { seedApprovedScript, seedCustomers, SCRIPT_VARIABLES, type SeededAudience } from '../../scripts/lib/seed';
import type { Store } from '../../src/store/dialect';
import { openTestStore, type DialectName } from './stores';
import { waitFor } from './process';
import { testHasher } from './session';

/**
 * A whole Crier in-process on a fresh store, with its channels on a sandbox the test controls
 * (faults injected there), started on port 0. Retries are fast so fault tests finish quickly.
 */
export interface TestCrier {
  crier: Crier;
  /** The running Crier's own store: one SQLite connection per process, as in production. */
  store: Store;
  sandbox: Sandbox;
  audience: SeededAudience;
  scriptVersionId: number;
  publish(overrides?: Partial<PublishInput>): Promise<PublishResult>;
  states(broadcastId: number, channel?: string): Promise<Record<string, number>>;
  /** Waits until no delivery of the broadcast (optionally one channel) is pending or sending. */
  settled(broadcastId: number, timeoutMs: number, channel?: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface TestCrierOptions {
  recipients?: number;
  env?: Record<string, string>;
  overrides?: CrierOverrides;
  slackWebhooks?: boolean;
  /** Seed each recipient a signed webhook pointing at the sandbox's webhook fake (loopback allowed). */
  webhooks?: boolean;
  teamsWebhooks?: boolean;
}

export async function startTestCrier(dialect: DialectName, options: TestCrierOptions = {}): Promise<TestCrier> {
  const testStore = await openTestStore(dialect);
  const sandbox = await new Sandbox().start();
  const secretKey = 'k'.repeat(32);
  const webhooks = options.webhooks ? { base: sandbox.webhook.url, secretKey } : undefined;
  const audience = await seedCustomers(testStore.db, options.recipients ?? 10, { slackWebhooks: options.slackWebhooks ?? true, webhooks, teamsWebhooks: options.teamsWebhooks });
  for (const [url, secret] of audience.webhookSecrets) sandbox.webhook.expectSecret(new URL(url).pathname, secret);
  const scriptVersionId = await seedApprovedScript(testStore.db);
  const config = loadConfig({
    DATABASE_URL: testStore.location, PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: secretKey, API_TOKEN: 't'.repeat(24),
    PROVIDER_TIMEOUT_MS: '2000', LEASE_MS: '5000', ...(webhooks ? { ALLOW_LOOPBACK_WEBHOOKS: 'true' } : {}), ...options.env,
  });
  const crier = await buildCrier(config, pino({ level: 'silent' }), {
    sandbox, hasher: testHasher, announce: () => undefined, idleMs: 50, policy: { baseMs: 50, maxDelayMs: 500 }, breaker: { threshold: 5, cooldownMs: 300 }, ...options.overrides,
  });
  await crier.start();
  const store = crier.store;
  const states = (broadcastId: number, channel?: string) => countByState(store.db, { broadcastId, channel });
  return {
    crier, store, sandbox, audience, scriptVersionId,
    async publish(overrides = {}) {
      const input: PublishInput = {
        incident: { title: 'Checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId,
        variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email', 'sms', 'slack', 'x'], ...overrides,
      };
      const result = await publishUpdate(store.db, input, {
        actor: 'test', brandName: 'Crier', statusPageUrl: `${crier.url()}/status`, teamSlackChannels: [], now: Date.now(),
      });
      crier.dispatcher.wake(input.channels);
      return result;
    },
    states,
    async settled(broadcastId, timeoutMs, channel) {
      return waitFor(async () => {
        const s = await states(broadcastId, channel);
        return !s.pending && !s.sending;
      }, timeoutMs, 25);
    },
    async stop() {
      await crier.stop();
      await sandbox.stop();
      await testStore.dispose();
    },
  };
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Kysely } from 'kysely';
import { laneCounts } from '../delivery/delivery.repository';
import type { Database } from '../store/schema';

/** What the metrics read at scrape time; the store is asked then, never on the sending path. */
export interface MetricsSources {
  db: Kysely<Database>;
  /** Each channel's providers and their breaker states (the dispatcher's health()). */
  breakers(): Record<string, { providers: Record<string, string> }>;
  now?: () => number;
}

const BREAKER_VALUE: Record<string, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Prometheus metrics for one process, on a registry of its own (so two Criers in one test
 * process never share counters): deliveries by lane and state, queue depth, provider request
 * latency and breaker states, plus the process defaults.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<'provider' | 'outcome'>;
  private readonly requests: Counter<'provider' | 'outcome'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const now = sources.now ?? Date.now;
    collectDefaultMetrics({ register: this.registry, prefix: 'crier_' });
    this.latency = new Histogram({
      name: 'crier_provider_request_duration_seconds', help: 'Provider request latency, by provider and outcome.',
      labelNames: ['provider', 'outcome'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
    this.requests = new Counter({ name: 'crier_provider_requests_total', help: 'Provider requests, by provider and outcome.', labelNames: ['provider', 'outcome'], registers });
    let counts: Promise<Awaited<ReturnType<typeof laneCounts>>> | undefined;
    // One store read serves both gauges of a scrape.
    const read = () => (counts ??= laneCounts(sources.db, now()).finally(() => setImmediate(() => { counts = undefined; })));
    new Gauge({
      name: 'crier_deliveries', help: 'Deliveries by lane (channel) and state.', labelNames: ['lane', 'state'], registers,
      async collect() {
        this.reset();
        for (const r of (await read()).byState) this.set({ lane: r.channel, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: 'crier_queue_depth', help: 'Pending deliveries due now, by lane.', labelNames: ['lane'], registers,
      async collect() {
        this.reset();
        for (const r of (await read()).due) this.set({ lane: r.channel }, r.n);
      },
    });
    new Gauge({
      name: 'crier_provider_breaker_state', help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open.', labelNames: ['lane', 'provider'], registers,
      collect() {
        this.reset();
        for (const [lane, { providers }] of Object.entries(sources.breakers())) {
          for (const [provider, state] of Object.entries(providers)) this.set({ lane, provider }, BREAKER_VALUE[state] ?? -1);
        }
      },
    });
  }

  /** Hook for the failover chains: one observation per provider request. */
  readonly observeProvider = (provider: string, outcome: string, seconds: number): void => {
    this.latency.observe({ provider, outcome }, seconds);
    this.requests.inc({ provider, outcome });
  };

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

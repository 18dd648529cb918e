import { CircuitBreaker, type BreakerOptions } from './circuit-breaker';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';

/**
 * The failover strategy: try a channel's providers in order; the first that accepts wins.
 * It knows nothing of vendors. A whole-request failure moves on to the next provider unless the
 * fault is the recipient's or its endpoint's (another provider would refuse too). Every outcome
 * comes back as data with the id of the provider that produced it, so one message's failure
 * never rejects the batch.
 */
export interface RoutedOutcome {
  providerId: string;
  outcome: SendOutcome;
}

export interface FailoverOptions {
  timeoutMs: number;
  breaker: BreakerOptions;
  now?: () => number;
  /** Told how long each provider request took and how it ended (for /metrics). */
  observe?: (providerId: string, outcome: 'accepted' | 'recipient_fault' | 'failed', seconds: number) => void;
}

export class FailoverChain {
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** The failure that last tripped each provider's breaker, reported while it stays open. */
  private readonly lastFailure = new Map<string, DeliveryError>();

  constructor(readonly providers: readonly Provider[], private readonly options: FailoverOptions) {
    for (const p of providers) this.breakers.set(p.id, new CircuitBreaker(options.breaker, options.now));
  }

  /** The largest batch the first provider takes; lanes size their claims by it. */
  get maxBatch(): number {
    return this.providers[0]?.maxBatch ?? 1;
  }

  /** How long until any provider of the chain may be tried again; 0 when one may go now. */
  waitMs(): number {
    let soonest = Infinity;
    for (const breaker of this.breakers.values()) soonest = Math.min(soonest, breaker.waitMs());
    return soonest === Infinity ? 0 : soonest;
  }

  breakerState(providerId: string): string {
    return this.breakers.get(providerId)?.state() ?? 'unknown';
  }

  async send(messages: OutboundMessage[]): Promise<RoutedOutcome[]> {
    const address = messages[0]?.address ?? '';
    const candidates = this.providers.filter((p) => p.accepts(address));
    let lastError: DeliveryError = new DeliveryError(`no provider accepts ${address || 'this address'}`, 'none', false, { recipientFault: true, code: 'no_provider' });
    let soonest = Infinity;
    for (const provider of candidates) {
      const breaker = this.breakers.get(provider.id) as CircuitBreaker;
      if (!breaker.tryAcquire()) {
        soonest = Math.min(soonest, breaker.waitMs());
        lastError = this.openCircuitError(provider.id, soonest);
        continue;
      }
      const started = performance.now();
      const took = () => (performance.now() - started) / 1000;
      try {
        const outcomes = await this.sendInChunks(provider, messages);
        breaker.success();
        this.options.observe?.(provider.id, 'accepted', took());
        return outcomes.map((outcome) => ({ providerId: provider.id, outcome }));
      } catch (err) {
        const error = asDeliveryError(err, provider.id);
        if (error.recipientFault || error.endpointFault) {
          breaker.success();
          this.options.observe?.(provider.id, 'recipient_fault', took());
          return messages.map(() => ({ providerId: provider.id, outcome: { ok: false, error } }));
        }
        this.options.observe?.(provider.id, 'failed', took());
        breaker.failure();
        this.lastFailure.set(provider.id, error);
        lastError = error;
      }
    }
    return messages.map(() => ({ providerId: lastError.providerId, outcome: { ok: false, error: lastError } }));
  }

  /**
   * While a breaker is open, a permanent cause (bad credentials, suspended account) fails the
   * message at once with the provider's own code; a transient one is retried when the breaker
   * lets a trial through, still under the provider's code.
   */
  private openCircuitError(providerId: string, waitMs: number): DeliveryError {
    const cause = this.lastFailure.get(providerId);
    if (cause && !cause.retryable) return cause;
    return new DeliveryError(`${providerId} circuit open after: ${cause?.message ?? 'repeated failures'}`, providerId, true, {
      code: cause?.code ?? 'circuit_open', retryAfterMs: waitMs,
    });
  }

  private async sendInChunks(provider: Provider, messages: OutboundMessage[]): Promise<SendOutcome[]> {
    const results: SendOutcome[] = [];
    for (let i = 0; i < messages.length; i += provider.maxBatch) {
      results.push(...(await withTimeout(provider, messages.slice(i, i + provider.maxBatch), this.options.timeoutMs)));
    }
    return results;
  }
}

/** Abort the request after timeoutMs and treat it as "maybe sent", retryable. */
async function withTimeout(provider: Provider, messages: OutboundMessage[], timeoutMs: number): Promise<SendOutcome[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeliveryError(`${provider.id} timed out after ${timeoutMs} ms`, provider.id, true, { code: 'timeout', maybeSent: true }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([provider.send(messages, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function asDeliveryError(err: unknown, providerId: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(message, providerId, true, { code: 'unexpected', cause: err, maybeSent: true });
}

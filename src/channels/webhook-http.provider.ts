import { checkWebhookUrl, safeLookup, type Resolver } from '../subscriptions/webhook-url';
import { SIGNATURE_HEADER, signWebhook } from '../subscriptions/webhook-signature';
import { AppError } from '../errors';
import { JsonPoster, type JsonReply } from './json-post';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { retryAfterMs } from './request-timing';

const MAX_REPLY_BYTES = 2048;
/** Network errors that say the resolver or Crier's own network is in trouble, not the endpoint. */
const CRIER_SIDE = new Set(['EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN']);

export interface WebhookHttpOptions {
  /** ALLOW_LOOPBACK_WEBHOOKS: sandbox and tests may post to loopback (and plain http there). */
  allowLoopback: boolean;
  /** Bounds each request; kept below the lane's timeout so a slow endpoint counts as its own fault. */
  timeoutMs: number;
  /** The resolver of the check before each send (tests stand in a name that rebinds after it). */
  lookup?: Resolver;
  now?: () => number;
}

/**
 * POSTs the signed JSON envelope to a subscriber's own endpoint. Every URL is checked again
 * before each send (SSRF), and the agents resolve through `safeLookup`, so a name that rebinds to
 * an internal address between the check and the connect is refused at connect time. Redirects
 * are not followed. Faults of one endpoint (5xx, 4xx, timeouts, refused connections) are marked
 * `endpointFault`, so they never open the breaker for every other subscriber.
 */
export class WebhookHttpProvider implements Provider {
  readonly id = 'webhook-http';
  readonly channel = 'webhook' as const;
  readonly maxBatch = 1;
  private readonly poster: JsonPoster;

  constructor(private readonly options: WebhookHttpOptions) {
    this.poster = new JsonPoster({
      timeoutMs: options.timeoutMs, maxReplyBytes: MAX_REPLY_BYTES, timeoutMessage: 'webhook endpoint timed out',
      lookup: safeLookup({ allowLoopback: options.allowLoopback }),
    });
  }

  accepts(address: string): boolean {
    return /^https?:\/\//.test(address) && URL.canParse(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message?.webhook || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one signed message per call`);
    let url: URL;
    try {
      url = await checkWebhookUrl(message.address, { allowLoopback: this.options.allowLoopback, lookup: this.options.lookup });
    } catch (err) {
      throw this.refused(err);
    }
    const { body, secret } = message.webhook;
    let reply: JsonReply;
    try {
      reply = await this.poster.post(url, body, {
        'content-type': 'application/json', 'user-agent': 'Crier-Webhook/1', 'x-crier-delivery': String(message.deliveryId),
        [SIGNATURE_HEADER]: signWebhook(secret, body, (this.options.now ?? Date.now)()),
      }, signal);
    } catch (err) {
      throw this.unreachable(err, signal);
    }
    if (reply.status >= 200 && reply.status < 300) return [{ ok: true }];
    throw classifyReply(reply, this.id);
  }

  async close(): Promise<void> {
    this.poster.destroy();
  }

  private refused(err: unknown): DeliveryError {
    const reason = err instanceof AppError ? err.details[0]?.message ?? err.message : String(err);
    return new DeliveryError(`webhook URL refused: ${reason}`, this.id, false, { code: 'url_refused', recipientFault: true, cause: err });
  }

  private unreachable(err: unknown, signal: AbortSignal): DeliveryError {
    if (err instanceof AppError) return this.refused(err);
    const code = signal.aborted ? 'timeout' : (err as NodeJS.ErrnoException).code ?? 'network';
    return new DeliveryError(`webhook endpoint unreachable: ${String(err)}`, this.id, true, {
      code, maybeSent: code !== 'ECONNREFUSED' && code !== 'ENOTFOUND', endpointFault: !CRIER_SIDE.has(code), cause: err,
    });
  }
}

/**
 * 2xx is accepted. 408, 429 and 5xx are retried, never sooner than Retry-After; 410 Gone means
 * the endpoint was retired on purpose, so the address is quarantined; any other answer (other
 * 4xx, a redirect) is final: repeating the same request would get the same answer.
 */
function classifyReply(reply: JsonReply, providerId: string): DeliveryError {
  const code = String(reply.status);
  const reason = reply.body.trim().slice(0, 200);
  const message = `webhook endpoint answered ${reply.status}${reason ? `: ${reason}` : ''}`;
  if (reply.status === 408 || reply.status === 429 || reply.status >= 500) {
    return new DeliveryError(message, providerId, true, { code, retryAfterMs: retryAfterMs(reply.headers['retry-after']), maybeSent: reply.status >= 500, endpointFault: true });
  }
  if (reply.status === 410) return new DeliveryError(message, providerId, false, { code, recipientFault: true });
  return new DeliveryError(message, providerId, false, { code, endpointFault: true });
}

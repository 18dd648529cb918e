import { createRestAPIClient, MastoHttpError, MastoTimeoutError, type mastodon } from 'masto';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { networkError } from './network-error';
import { abortable, retryAfterMs } from './request-timing';

const PROVIDER_ID = 'mastodon-masto';

export interface MastodonClientOptions {
  /** The account's server, e.g. https://mastodon.social; the fake's URL in the sandbox. */
  url: string;
  accessToken: string;
  timeoutMs: number;
}

/** A REST client for one Mastodon account; masto sends through global fetch with this timeout. */
export function createMastodonClient(o: MastodonClientOptions): mastodon.rest.Client {
  return createRestAPIClient({ url: o.url, accessToken: o.accessToken, timeout: o.timeoutMs });
}

type CreateStatus = (params: mastodon.rest.v1.CreateStatusParams, meta: { requestInit: RequestInit }) => Promise<{ id: string }>;

/** The one SDK call the provider makes; a client from createMastodonClient satisfies it. */
export interface MastodonStatusApi {
  v1: { statuses: { create: CreateStatus } };
}

/**
 * Posts to the configured Mastodon account (`POST /api/v1/statuses`). A message with replyToId
 * becomes a reply (`in_reply_to_id`), so one incident's updates form a thread. Mastodon, unlike
 * the other platforms here, honours an Idempotency-Key for an hour: a retry after a timeout
 * carries the delivery's key, so a post that did arrive is not posted twice.
 */
export class MastodonPostProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly channel = 'mastodon' as const;
  readonly maxBatch = 1;

  constructor(private readonly api: MastodonStatusApi, private readonly now: () => number = Date.now) {}

  /** The post goes to the account, not to a person: every address ('' by convention) is the account. */
  accepts(_address: string): boolean {
    return true;
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > 1) throw new RangeError(`${this.id} sends exactly one message per call`);
    const params: mastodon.rest.v1.CreateStatusParams = { status: message.text, visibility: 'public', inReplyToId: message.replyToId ?? null };
    const requestInit: RequestInit = { signal, headers: { 'Idempotency-Key': `crier-delivery-${message.deliveryId}` } };
    try {
      const status = await abortable(signal, () => this.api.v1.statuses.create(params, { requestInit }));
      return [{ ok: true, providerMessageId: status.id }];
    } catch (err) {
      throw classifyMastodon(err, signal, this.now());
    }
  }
}

/** Retry or stop: 429 waits for X-RateLimit-Reset, 5xx and the network retry; 401/403/422 are final. */
export function classifyMastodon(err: unknown, signal: AbortSignal, now: number): DeliveryError {
  if (signal.aborted || err instanceof MastoTimeoutError) {
    return new DeliveryError('Mastodon request timed out', PROVIDER_ID, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  if (err instanceof MastoHttpError) {
    const status = err.statusCode;
    const message = `Mastodon ${status}: ${err.message || err.description || 'no reason given'}`;
    if (status === 429) return new DeliveryError(message, PROVIDER_ID, true, { code: '429', retryAfterMs: rateLimitWait(err.cause, now), cause: err });
    if (status >= 500) return new DeliveryError(message, PROVIDER_ID, true, { code: String(status), maybeSent: true, cause: err });
    return new DeliveryError(message, PROVIDER_ID, false, { code: String(status), cause: err });
  }
  return networkError('Mastodon', PROVIDER_ID, err);
}

/** Mastodon's X-RateLimit-Reset is an ISO 8601 time, not epoch seconds; Retry-After when a proxy sets it. */
function rateLimitWait(cause: unknown, now: number): number | undefined {
  const headers = cause instanceof Response ? cause.headers : undefined;
  const reset = Date.parse(headers?.get('x-ratelimit-reset') ?? '');
  if (Number.isFinite(reset)) return Math.max(0, reset - now);
  return retryAfterMs(headers?.get('retry-after') ?? undefined, now);
}

import http from 'node:http';
import https from 'node:https';
import {
  ApiRequestError,
  ApiResponseError,
  TwitterApi,
  type ITwitterApiClientPlugin,
  type SendTweetV2Params,
  type SingleTwitterRateLimit,
  type TweetV2PostTweetResult,
} from 'twitter-api-v2';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable } from './request-timing';

const PROVIDER_ID = 'x-twitter';

export interface XClientOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  /** https://api.x.com in production; the fake's URL elsewhere. Only protocol, host and port are used. */
  apiUrl: string;
  /** Keep-alive agent for apiUrl's protocol; the caller owns it. One is made when absent. */
  agent?: http.Agent;
  /** Backstop for requests a lane has already given up on (abortable only stops waiting). */
  timeoutMs?: number;
}

const ownedAgents = new WeakMap<TwitterApi, http.Agent>();

/** An OAuth 1.0a user-context client whose requests go to `apiUrl` and nowhere else. */
export function createXClient(options: XClientOptions): TwitterApi {
  const base = new URL(options.apiUrl);
  // The SDK calls https.request, which accepts an http: URL only with an http.Agent.
  const made = options.agent ? undefined : new (base.protocol === 'http:' ? http.Agent : https.Agent)({ keepAlive: true });
  const timeout = options.timeoutMs ?? 30_000;
  // The SDK has no base-URL setting; it has signed the request for api.x.com before this runs.
  const toBaseUrl: ITwitterApiClientPlugin = {
    onBeforeRequest({ computedParams, requestOptions }) {
      computedParams.url.protocol = base.protocol;
      computedParams.url.hostname = base.hostname;
      computedParams.url.port = base.port;
      // Without a timeout the SDK would wait forever on a silent socket.
      requestOptions.timeout = timeout;
    },
  };
  const { appKey, appSecret, accessToken, accessSecret } = options;
  const tokens = { appKey, appSecret, accessToken, accessSecret };
  const client = new TwitterApi(tokens, { httpAgent: options.agent ?? made, plugins: [toBaseUrl] });
  if (made) ownedAgents.set(client, made);
  return client;
}

/** Closes the sockets of the agent createXClient made (a caller's agent stays the caller's). */
export function closeXClient(client: TwitterApi): void {
  ownedAgents.get(client)?.destroy();
  ownedAgents.delete(client);
}

/** The one SDK call the provider makes; a client from createXClient satisfies it. */
export interface XPostApi {
  v2: { tweet(payload: SendTweetV2Params): Promise<TweetV2PostTweetResult> };
}

/**
 * Posts to the configured X account. A message with replyToId becomes a reply, so one incident's
 * updates form a thread; the returned providerMessageId is what the next update replies to.
 */
export class XPostProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly channel = 'x' as const;
  readonly maxBatch = 1;

  constructor(
    private readonly api: XPostApi,
    private readonly now: () => number = Date.now,
  ) {}

  /** X posts to the account, not to a person: every address ('' by convention) is the account. */
  accepts(_address: string): boolean {
    return true;
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > 1) throw new RangeError(`${this.id} sends exactly one message per call`);
    const payload: SendTweetV2Params = { text: message.text };
    if (message.replyToId) payload.reply = { in_reply_to_tweet_id: message.replyToId };
    try {
      const posted = await abortable(signal, () => this.api.v2.tweet(payload));
      return [{ ok: true, providerMessageId: posted.data.id }];
    } catch (err) {
      throw classify(err, signal, this.now());
    }
  }
}

/** Retry or stop, per PROVIDERS.md: 429 and 5xx wait, 401/403 (duplicate content included) are final. */
function classify(err: unknown, signal: AbortSignal, now: number): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('X request aborted by the lane timeout', PROVIDER_ID, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  if (err instanceof ApiResponseError) {
    const status = err.code;
    // The SDK's own message omits a v2 problem's detail, which is what says "duplicate content".
    const message = `X ${status}: ${err.data?.detail ?? err.message}`;
    if (status === 429) {
      return new DeliveryError(message, PROVIDER_ID, true, { code: '429', retryAfterMs: untilReset(err, now), cause: err });
    }
    if (status >= 500) return new DeliveryError(message, PROVIDER_ID, true, { code: String(status), maybeSent: true, cause: err });
    const duplicate = status === 403 && /duplicate content/i.test(err.data?.detail ?? '');
    return new DeliveryError(message, PROVIDER_ID, false, { code: duplicate ? 'duplicate' : String(status), cause: err });
  }
  const code = err instanceof ApiRequestError ? socketErrorCode(err) : undefined;
  const refused = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  // Anything else (a cut-off response, a reset socket) may have left a post behind.
  return new DeliveryError(`X unreachable: ${String(err)}`, PROVIDER_ID, true, {
    code: code ?? 'network', maybeSent: !refused, cause: err,
  });
}

/** ApiRequestError.requestError reads a field the SDK never sets (1.29.1); the socket error is in _options. */
function socketErrorCode(err: ApiRequestError): string | undefined {
  const options = (err as unknown as { _options?: { error?: NodeJS.ErrnoException } })._options;
  const cause = (err.requestError as NodeJS.ErrnoException | undefined) ?? options?.error;
  return cause?.code;
}

/** X sends no Retry-After: wait for the latest reset among the exhausted windows (15 min, 24 h). */
function untilReset(err: ApiResponseError, now: number): number | undefined {
  const limit = err.rateLimit;
  const windows = [limit, limit?.day, limit?.userDay].filter((w): w is SingleTwitterRateLimit => w !== undefined);
  const exhausted = windows.filter((w) => w.remaining === 0).map((w) => w.reset);
  const resets = exhausted.length > 0 ? exhausted : [limit?.reset ?? Number(err.headers['x-rate-limit-reset'])];
  const reset = Math.max(...resets.filter(Number.isFinite));
  return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : undefined;
}

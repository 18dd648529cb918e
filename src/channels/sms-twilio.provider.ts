import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import TwilioServiceException from 'twilio/lib/base/TwilioServiceException';
import type Response from 'twilio/lib/http/response';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable, retryAfterMs } from './request-timing';

const PROVIDER_ID = 'sms-twilio';

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com in production; the fake's URL in the sandbox, tests and benchmark. */
  apiUrl: string;
  /** Keep-alive agent for apiUrl's protocol; the caller owns it. One is made when absent. */
  agent?: http.Agent;
  /** Most sockets the made agent opens; calls beyond what the account allows come back as 429/20429. */
  concurrency?: number;
  /** Backstop for requests a lane has already given up on (abortable only stops waiting). */
  timeoutMs?: number;
}

const ownedAgents = new WeakMap<twilio.Twilio, http.Agent>();

/** A Twilio client whose requests go to `apiUrl` and nowhere else, over keep-alive sockets. */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const httpClient = new RetryAfterRequestClient({ timeout: options.timeoutMs ?? 30_000 });
  const isHttps = options.apiUrl.startsWith('https:');
  const made = options.agent ? undefined : new (isHttps ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: options.concurrency });
  // The SDK's RequestClient builds an https agent only; a loopback fake is plain http.
  httpClient.axios.defaults[isHttps ? 'httpsAgent' : 'httpAgent'] = options.agent ?? made;
  // '' and not undefined: the SDK falls back with `??` to TWILIO_REGION / TWILIO_EDGE and would
  // rewrite the host (localhost → localhost.dublin.ie1.localhost). apiUrl alone decides the host.
  const client = twilio(options.accountSid, options.authToken, { httpClient, region: '', edge: '' });
  client.api.baseUrl = options.apiUrl;
  if (made) ownedAgents.set(client, made);
  return client;
}

/** Closes the sockets of the agent createTwilioClient made (a caller's agent stays the caller's). */
export function closeTwilioClient(client: twilio.Twilio): void {
  ownedAgents.get(client)?.destroy();
  ownedAgents.delete(client);
}

/** Twilio's exceptions drop the response headers, so a 429/5xx carrying Retry-After is raised here. */
class TwilioRetryAfterError extends Error {
  readonly status: number;
  readonly code?: number;

  constructor(
    response: Response<unknown>,
    readonly retryAfterMs: number,
  ) {
    super(`[HTTP ${response.statusCode}] retry after ${retryAfterMs} ms`);
    const code = (response.body as { code?: unknown } | undefined)?.code;
    this.status = response.statusCode;
    this.code = typeof code === 'number' ? code : undefined;
  }
}

class RetryAfterRequestClient extends RequestClient {
  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const response = await super.request(opts);
    const wait = retryAfterMs(response.headers?.['retry-after']);
    const transient = response.statusCode === 429 || response.statusCode >= 500;
    if (transient && wait !== undefined) throw new TwilioRetryAfterError(response, wait);
    return response;
  }
}

/** The one SDK call the provider makes; a client from createTwilioClient satisfies it. */
export interface TwilioMessagesApi {
  messages: { create(params: MessageListInstanceCreateOptions): Promise<{ sid: string }> };
}

export interface TwilioSmsOptions {
  from: string;
  /** Where Twilio posts status callbacks (delivery receipts) for one delivery. */
  statusCallbackUrl?: (deliveryId: number) => string;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const RECIPIENT_CODES = new Set([21211, 21614, 21635, 30006]);
const OPT_OUT_CODE = 21610;

/** SMS through Twilio's Messages API, one message per request (Twilio has no batch send). */
export class TwilioSmsProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly channel = 'sms' as const;
  readonly maxBatch = 1;

  constructor(
    private readonly api: TwilioMessagesApi,
    private readonly options: TwilioSmsOptions,
  ) {}

  accepts(address: string): boolean {
    return E164.test(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > 1) throw new RangeError(`${this.id} sends exactly one message per call`);
    const params: MessageListInstanceCreateOptions = {
      to: message.address,
      from: this.options.from,
      body: message.text,
      statusCallback: message.deliveryId > 0 ? this.options.statusCallbackUrl?.(message.deliveryId) : undefined,
      validityPeriod: message.validitySeconds,
    };
    try {
      const created = await abortable(signal, () => this.api.messages.create(params));
      return [{ ok: true, providerMessageId: created.sid }];
    } catch (err) {
      throw classify(err, signal);
    }
  }
}

/** Retry or stop, per Twilio's error codes (docs: PROVIDERS.md, "Errors: retry or stop"). */
function classify(err: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('Twilio request aborted by the lane timeout', PROVIDER_ID, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  if (err instanceof TwilioRetryAfterError) {
    const { status, code, retryAfterMs } = err;
    return new DeliveryError(err.message, PROVIDER_ID, true, {
      code: String(code ?? status), retryAfterMs, maybeSent: status >= 500, cause: err,
    });
  }
  if (err instanceof twilio.RestException || err instanceof TwilioServiceException) {
    // RestException leaves code undefined without a JSON body, TwilioServiceException sets 0.
    const twilioCode = err.code || undefined;
    const base = { code: String(twilioCode ?? err.status), cause: err };
    const message = `Twilio ${base.code}: ${err.message}`;
    if (err.status === 429 || twilioCode === 20429) return new DeliveryError(message, PROVIDER_ID, true, base);
    if (err.status >= 500) return new DeliveryError(message, PROVIDER_ID, true, { ...base, maybeSent: true });
    if (twilioCode === OPT_OUT_CODE) {
      return new DeliveryError(message, PROVIDER_ID, false, { ...base, recipientFault: true, optOut: true });
    }
    const recipientFault = twilioCode !== undefined && RECIPIENT_CODES.has(twilioCode);
    // Anything else (20003 auth, 21608 unverified, 30002 suspended, other 4xx) is ours to fix.
    return new DeliveryError(message, PROVIDER_ID, false, { ...base, recipientFault });
  }
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  const refused = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new DeliveryError(`Twilio unreachable: ${String(err)}`, PROVIDER_ID, true, {
    code: code ?? 'network', maybeSent: !refused, cause: err,
  });
}

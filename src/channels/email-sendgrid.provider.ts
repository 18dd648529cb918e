import http from 'node:http';
import https from 'node:https';
import { Client } from '@sendgrid/client';
import { MailService, type ClientResponse, type MailDataRequired } from '@sendgrid/mail';
import { UNSUBSCRIBE_TOKEN } from '../render/email';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable, retryAfterMs } from './request-timing';

/** The one SendGrid call this provider makes; a MailService satisfies it. */
export interface SendgridSender {
  send(data: MailDataRequired): Promise<[ClientResponse, unknown]>;
}

export interface SendgridMailOptions {
  apiKey: string;
  /** https://api.sendgrid.com in production, the loopback fake's url in the sandbox and tests. */
  baseUrl: string;
  /** Keep-alive agent for baseUrl's protocol; the caller owns it. One is made when absent. */
  agent?: http.Agent;
  /** Backstop for requests a lane has already given up on (abortable only stops waiting). */
  timeoutMs?: number;
}

/**
 * A MailService with its own Client: `@sendgrid/mail` holds a private client, and `setApiKey`
 * resets baseUrl, so the key goes first. The client hands every default request option to axios,
 * whose typings here list only httpsAgent, hence the widened setter.
 */
export function createSendgridMail(options: SendgridMailOptions): MailService {
  const mail = new MailService();
  mail.setClient(createSendgridClient(options));
  mail.setTimeout(options.timeoutMs ?? 30_000);
  return mail;
}

/** The HTTP client under a MailService, pointed at baseUrl; the channel check asks it for the key's scopes. */
export function createSendgridClient(options: SendgridMailOptions): Client {
  const client = new Client();
  client.setApiKey(options.apiKey);
  const setDefault = client.setDefaultRequest.bind(client) as (key: string, value: unknown) => Client;
  setDefault('baseUrl', options.baseUrl);
  const secure = options.baseUrl.startsWith('https:');
  setDefault(secure ? 'httpsAgent' : 'httpAgent', options.agent ?? sendgridAgent(options.baseUrl));
  return client;
}

/** A keep-alive agent for baseUrl's protocol, for the owner to share and destroy at stop. */
export function sendgridAgent(baseUrl: string): http.Agent {
  return baseUrl.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * SendGrid v3 mail send: one request per call, one personalization per message, so a batch of
 * up to 1000 recipients costs one round trip. SendGrid answers with a single X-Message-Id for the
 * whole request; each Accepted carries it bare (events are matched on custom_args.delivery_id,
 * and SendGrid's sg_message_id starts with this id).
 */
export class SendgridEmailProvider implements Provider {
  readonly id = 'email-sendgrid';
  readonly channel = 'email' as const;
  readonly maxBatch = 1000;

  constructor(
    private readonly sender: SendgridSender,
    private readonly options: { from: string },
  ) {}

  accepts(address: string): boolean {
    return EMAIL.test(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [first] = messages;
    if (!first || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends 1..${this.maxBatch} messages`);
    const mail: MailDataRequired = {
      from: this.options.from,
      // The placeholder is a literal token, not a {{handlebars}} name.
      substitutionWrappers: ['', ''],
      subject: first.subject,
      text: first.text,
      ...(first.html ? { html: first.html } : {}),
      personalizations: messages.map((m) => ({
        to: m.address,
        ...(m.headers ? { headers: m.headers } : {}),
        // Each recipient's own one-click link replaces the rendered body's placeholder.
        ...(m.unsubscribeUrl ? { substitutions: { [UNSUBSCRIBE_TOKEN]: m.unsubscribeUrl } } : {}),
        customArgs: { delivery_id: String(m.deliveryId) },
      })),
    };
    try {
      const [response] = await abortable(signal, () => this.sender.send(mail));
      const messageId = (response.headers as Record<string, string | undefined>)['x-message-id'];
      return messages.map(() => ({ ok: true, providerMessageId: messageId }));
    } catch (err) {
      throw classifySendgridError(err, signal, this.id);
    }
  }
}

interface SendgridFailure {
  code?: unknown;
  isAxiosError?: boolean;
  message?: string;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function classifySendgridError(err: unknown, signal: AbortSignal, providerId: string): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('SendGrid request aborted by the lane timeout', providerId, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  const failure = (err ?? {}) as SendgridFailure;
  if (typeof failure.code === 'number' && failure.response) {
    const status = failure.code;
    const message = `SendGrid ${status}: ${firstErrorMessage(failure.response.body) ?? failure.message ?? 'error'}`;
    if (status === 429) {
      const headers = failure.response.headers ?? {};
      return new DeliveryError(message, providerId, true, {
        code: '429',
        retryAfterMs: retryAfterMs(headers['retry-after']) ?? resetAfterMs(headers['x-ratelimit-reset']),
        cause: err,
      });
    }
    return new DeliveryError(message, providerId, status >= 500, { code: String(status), maybeSent: status >= 500, cause: err });
  }
  if (!failure.isAxiosError) {
    // The SDK validates the mail before any request (e.g. a malformed from): retrying cannot help.
    return new DeliveryError(`SendGrid request invalid: ${failure.message ?? String(err)}`, providerId, false, { code: 'invalid_request', cause: err });
  }
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  return new DeliveryError(`SendGrid unreachable: ${failure.message ?? String(err)}`, providerId, true, {
    code,
    maybeSent: !code || !NOT_SENT.has(code),
    cause: err,
  });
}

function firstErrorMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: { message?: string }[] } | undefined)?.errors;
  return Array.isArray(errors) ? errors[0]?.message : undefined;
}

/** SendGrid's own rate-limit reset header is epoch seconds, not a delay. */
function resetAfterMs(header: unknown, now = Date.now()): number | undefined {
  const epochSeconds = Number(header);
  return header !== undefined && Number.isFinite(epochSeconds) ? Math.max(0, epochSeconds * 1000 - now) : undefined;
}

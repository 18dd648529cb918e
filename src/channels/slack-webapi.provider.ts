import http from 'node:http';
import https from 'node:https';
import { ErrorCode, LogLevel, WebClient, type ChatPostMessageArguments } from '@slack/web-api';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable } from './request-timing';

export interface SlackClientOptions {
  token: string;
  /** https://slack.com in production, the loopback fake's url in the sandbox and tests. */
  apiUrl: string;
  /** Keep-alive agent for apiUrl's protocol; the caller owns it. One is made when absent. */
  agent?: http.Agent;
  /** Backstop for requests a lane has already given up on (abortable only stops waiting). */
  timeoutMs?: number;
}

/**
 * A WebClient fit for a lane: no retries of its own and no queue pause on 429 (the default
 * client would stall every call for up to ~30 min); the lane schedules the retry instead.
 * The client logs only errors, since every failure reaches the lane as a classified error.
 */
export function createSlackClient(options: SlackClientOptions): WebClient {
  const agent = options.agent ?? (options.apiUrl.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }));
  return new WebClient(options.token, {
    slackApiUrl: `${options.apiUrl.replace(/\/$/, '')}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    agent,
    timeout: options.timeoutMs ?? 30_000,
    logLevel: LogLevel.ERROR,
  });
}

/** The one Web API method this provider calls; a WebClient satisfies it. */
export interface SlackPoster {
  chat: { postMessage(args: ChatPostMessageArguments): Promise<{ ts?: string }> };
}

/** Channel ids (public C…, private G…, DM D…), user ids (U…/W…, a direct message) or #names; webhook URLs belong to slack-webhook. */
const SLACK_CHANNEL = /^([CGDUW][A-Z0-9]{8,}|#[a-z0-9][a-z0-9._-]{0,79})$/;
const RECIPIENT_FAULTS = new Set(['channel_not_found', 'not_in_channel', 'is_archived']);
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** chat.postMessage with the rendered mrkdwn as `text`, which also serves as the notification text. */
export class SlackWebApiProvider implements Provider {
  readonly id = 'slack-webapi';
  readonly channel = 'slack' as const;
  readonly maxBatch = 1;

  constructor(private readonly client: SlackPoster) {}

  accepts(address: string): boolean {
    return SLACK_CHANNEL.test(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one message per call`);
    try {
      const result = await abortable(signal, () => this.client.chat.postMessage({ channel: message.address, text: message.text }));
      return [{ ok: true, providerMessageId: result.ts }];
    } catch (err) {
      throw classifySlackError(err, signal, this.id);
    }
  }
}

interface SlackFailure {
  code?: string;
  message?: string;
  retryAfter?: number;
  data?: { error?: string };
  statusCode?: number;
  original?: { code?: string };
}

function classifySlackError(err: unknown, signal: AbortSignal, providerId: string): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('Slack request aborted by the lane timeout', providerId, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  const failure = (err ?? {}) as SlackFailure;
  const message = `Slack: ${failure.message ?? String(err)}`;
  switch (failure.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(message, providerId, true, { code: 'ratelimited', retryAfterMs: (failure.retryAfter ?? 0) * 1000, cause: err });
    case ErrorCode.PlatformError: {
      const code = failure.data?.error ?? 'unknown_error';
      const transient = TRANSIENT_PLATFORM_ERRORS.has(code);
      return new DeliveryError(message, providerId, transient, { code, recipientFault: RECIPIENT_FAULTS.has(code), maybeSent: transient, cause: err });
    }
    case ErrorCode.HTTPError: {
      const status = failure.statusCode ?? 0;
      return new DeliveryError(message, providerId, status >= 500, { code: String(status), maybeSent: status >= 500, cause: err });
    }
    case ErrorCode.RequestError: {
      const code = failure.original?.code;
      return new DeliveryError(message, providerId, true, { code, maybeSent: code !== 'ECONNREFUSED', cause: err });
    }
    default:
      // e.g. a 429 without a readable Retry-After: the SDK throws a plain Error; a later try can pass.
      return new DeliveryError(message, providerId, true, { cause: err });
  }
}

/**
 * Terminology used across channels/ and delivery/:
 * - message: what one recipient gets on one channel (subject/text/html, already rendered).
 * - channel: a way to reach people: email, sms, slack, x, mastodon, bluesky, teams, webhook (a
 *   subscriber's signed JSON endpoint).
 * - provider: one hosted platform that can carry a channel (sendgrid, smtp, twilio, slack, x,
 *   a Mastodon server, a Bluesky PDS, Microsoft Teams, the subscriber's own HTTP server).
 *   A channel has an ordered chain of providers; the first that accepts wins (failover).
 * - lane: the worker that drains one channel's deliveries; lanes share nothing that can block.
 * - delivery: one outbox row, recipient × channel × update; it ends in a terminal state
 *   (sent, delivered, failed, skipped, …) or carries the time of its next attempt.
 * - attempt: one claim of a delivery by a lane; a provider request happens inside it.
 */

export const CHANNELS = ['email', 'sms', 'slack', 'x', 'mastodon', 'bluesky', 'teams', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One recipient's message on one channel. Fields a channel does not use are left out. */
export interface OutboundMessage {
  deliveryId: number;
  channel: Channel;
  /** email address, E.164 phone, Slack channel id or incoming-webhook URL, Teams webhook URL, webhook URL, or '' for X, Mastodon and Bluesky. */
  address: string;
  subject?: string;
  text: string;
  html?: string;
  /** Email: this recipient's one-click unsubscribe URL; replaces the render's placeholder token. */
  unsubscribeUrl?: string;
  /** Per-recipient headers (email: List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** Messages with the same contentKey share subject/text/html and may ride one provider request. */
  contentKey: string;
  /** X, Mastodon, Bluesky: post as a reply to this post, so one incident's updates form a thread. */
  replyToId?: string;
  /** Teams: the Adaptive Card to post; built from subject and text when absent. */
  card?: Record<string, unknown>;
  /** SMS: seconds after which the carrier should drop a stale message. */
  validitySeconds?: number;
  /** Webhook: the JSON body, and the subscriber's secret the provider signs it with at send time. */
  webhook?: { body: string; secret: string };
}

/** What a provider returns for a message it accepted. */
export interface Accepted {
  ok: true;
  providerMessageId?: string;
}

/** What a provider returns for a message it refused while accepting others in the same request. */
export interface Refused {
  ok: false;
  error: DeliveryError;
}

export type SendOutcome = Accepted | Refused;

/**
 * A hosted platform that carries one channel. `send` gets 1..maxBatch messages that share a
 * contentKey and returns one outcome per message, in order. A failure of the whole request is
 * thrown as a DeliveryError. The signal aborts on the lane's timeout.
 */
export interface Provider {
  readonly id: string;
  readonly channel: Channel;
  readonly maxBatch: number;
  /** Whether this provider can reach the address at all (Slack: channel id vs webhook URL). */
  accepts(address: string): boolean;
  send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]>;
  close?(): Promise<void>;
}

export interface DeliveryErrorOptions {
  /** Provider's own error code (HTTP status, Twilio code, Slack error string). */
  code?: string;
  /** Wait at least this long before the next attempt (Retry-After, x-rate-limit-reset). */
  retryAfterMs?: number;
  /** The fault is the recipient's (invalid number, STOP): another provider would fail too. */
  recipientFault?: boolean;
  /**
   * The fault is one endpoint's (a subscriber's webhook server), not the platform's: it does not
   * count toward the provider's breaker, so one dead endpoint never holds up the others.
   */
  endpointFault?: boolean;
  /** The recipient asked not to be contacted (Twilio 21610): mirror it as an opt-out. */
  optOut?: boolean;
  /** The request may have reached the provider (timeout, 5xx after send). */
  maybeSent?: boolean;
  cause?: unknown;
}

/** A provider's refusal, classified by the provider that knows the vendor's codes. */
export class DeliveryError extends Error {
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly recipientFault: boolean;
  readonly endpointFault: boolean;
  readonly optOut: boolean;
  readonly maybeSent: boolean;

  constructor(
    message: string,
    readonly providerId: string,
    readonly retryable: boolean,
    options: DeliveryErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.recipientFault = options.recipientFault ?? false;
    this.endpointFault = options.endpointFault ?? false;
    this.optOut = options.optOut ?? false;
    this.maybeSent = options.maybeSent ?? false;
  }
}

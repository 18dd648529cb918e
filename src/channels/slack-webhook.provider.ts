import { JsonPoster, redirected, type JsonReply } from './json-post';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { retryAfterMs } from './request-timing';

/** Slack answers a dead webhook with these statuses: the URL (the address) is gone, not Crier. */
const ADDRESS_GONE = new Set([403, 404, 410]);
const MAX_REPLY_BYTES = 4096;

/**
 * Posts `{ text }` to the subscriber's incoming-webhook URL over keep-alive agents of its own
 * (json-post.ts), destroyed in close().
 */
export class SlackWebhookProvider implements Provider {
  readonly id = 'slack-webhook';
  readonly channel = 'slack' as const;
  readonly maxBatch = 1;
  private readonly poster: JsonPoster;

  /**
   * `timeoutMs` bounds a request even when the lane passes a signal that never aborts.
   * `redirectTo` (the sandbox) sends every webhook to that origin, keeping the URL's path.
   */
  constructor(private readonly options: { timeoutMs?: number; redirectTo?: string } = {}) {
    this.poster = new JsonPoster({ timeoutMs: options.timeoutMs ?? 30_000, maxReplyBytes: MAX_REPLY_BYTES, timeoutMessage: 'Slack webhook timed out' });
  }

  accepts(address: string): boolean {
    return /^https?:\/\/[^\s/]+\/\S*$/.test(address) && URL.canParse(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one message per call`);
    let reply: JsonReply;
    try {
      reply = await this.poster.post(redirected(message.address, this.options.redirectTo), JSON.stringify({ text: message.text }), { 'content-type': 'application/json' }, signal);
    } catch (err) {
      const code = signal.aborted ? 'timeout' : (err as NodeJS.ErrnoException).code;
      throw new DeliveryError(`Slack webhook unreachable: ${String(err)}`, this.id, true, { code, maybeSent: code !== 'ECONNREFUSED', cause: err });
    }
    if (reply.status >= 200 && reply.status < 300) return [{ ok: true }];
    throw classifyWebhookReply(reply, this.id);
  }

  async close(): Promise<void> {
    this.poster.destroy();
  }

}

function classifyWebhookReply(reply: JsonReply, providerId: string): DeliveryError {
  const reason = reply.body.trim();
  const code = /^[a-z_]+$/.test(reason) ? reason : String(reply.status);
  const message = `Slack webhook ${reply.status}: ${reason || 'no reason given'}`;
  if (reply.status === 429) {
    return new DeliveryError(message, providerId, true, { code, retryAfterMs: retryAfterMs(reply.headers['retry-after']) });
  }
  if (reply.status >= 500) return new DeliveryError(message, providerId, true, { code, maybeSent: true });
  return new DeliveryError(message, providerId, false, { code, recipientFault: ADDRESS_GONE.has(reply.status) });
}

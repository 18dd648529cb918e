import { renderTeams } from '../render/teams';
import { safeLookup } from '../subscriptions/webhook-url';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { retryAfterMs } from './request-timing';
import { teamsWebhookProblem } from './teams-url';
import { JsonPoster, redirected, type JsonReply } from './json-post';

const PROVIDER_ID = 'teams-webhook';
/** A deleted connector or workflow answers 404 or 410: the address is gone, so it is quarantined. */
const ADDRESS_GONE = new Set([404, 410]);
// The legacy connector sometimes wraps a failure in a 200: "Microsoft Teams endpoint returned HTTP error 429 …".
const WRAPPED_ERROR = /returned HTTP error (\d{3})/;

export interface TeamsWebhookOptions {
  timeoutMs: number;
  /** The sandbox: every webhook goes to this origin (the Teams fake), keeping the URL's path. */
  redirectTo?: string;
  allowLoopback: boolean;
}

/**
 * Posts the update's Adaptive Card to a subscriber's Teams incoming webhook (connector or Power
 * Automate workflow). The connection's lookup refuses private and loopback addresses, so a
 * host on the allow-list that resolves somewhere it should not is still not reached.
 */
export class TeamsWebhookProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly channel = 'teams' as const;
  readonly maxBatch = 1;
  private readonly poster: JsonPoster;

  constructor(private readonly options: TeamsWebhookOptions) {
    this.poster = new JsonPoster({
      timeoutMs: options.timeoutMs, maxReplyBytes: 4096, timeoutMessage: 'Teams webhook timed out',
      lookup: options.redirectTo ? undefined : safeLookup({ allowLoopback: options.allowLoopback, field: 'address' }),
    });
  }

  accepts(address: string): boolean {
    return teamsWebhookProblem(address, { allowLoopback: this.options.allowLoopback || this.options.redirectTo !== undefined }) === null;
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one message per call`);
    const card = message.card ?? renderTeams({ title: message.subject ?? '', body: message.text }).card;
    let reply: JsonReply;
    try {
      reply = await this.poster.post(redirected(message.address, this.options.redirectTo), JSON.stringify(card), { 'content-type': 'application/json' }, signal);
    } catch (err) {
      const code = signal.aborted ? 'timeout' : (err as NodeJS.ErrnoException).code ?? 'network';
      throw new DeliveryError(`Teams webhook unreachable: ${String(err)}`, PROVIDER_ID, true, { code, maybeSent: code !== 'ECONNREFUSED', cause: err });
    }
    const wrapped = reply.status === 200 ? WRAPPED_ERROR.exec(reply.body) : null;
    const status = wrapped ? Number(wrapped[1]) : reply.status;
    if (status >= 200 && status < 300) return [{ ok: true }];
    throw classifyTeams(status, reply);
  }

  async close(): Promise<void> {
    this.poster.destroy();
  }
}

function classifyTeams(status: number, reply: JsonReply): DeliveryError {
  const reason = reply.body.trim().slice(0, 200);
  const message = `Teams webhook ${status}: ${reason || 'no reason given'}`;
  const code = String(status);
  if (status === 429) return new DeliveryError(message, PROVIDER_ID, true, { code, retryAfterMs: retryAfterMs(reply.headers['retry-after']) });
  if (status >= 500) return new DeliveryError(message, PROVIDER_ID, true, { code, maybeSent: true });
  return new DeliveryError(message, PROVIDER_ID, false, { code, recipientFault: ADDRESS_GONE.has(status) });
}

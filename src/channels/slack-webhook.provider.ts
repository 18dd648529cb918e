import http from 'node:http';
import https from 'node:https';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { retryAfterMs } from './request-timing';

interface WebhookReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Slack answers a dead webhook with these statuses: the URL (the address) is gone, not Crier. */
const ADDRESS_GONE = new Set([403, 404, 410]);
const MAX_REPLY_BYTES = 4096;

/**
 * Posts `{ text }` to the subscriber's incoming-webhook URL. Node's http with keep-alive agents
 * rather than global fetch: on loopback fetch is several times slower, and http takes the lane's
 * AbortSignal directly. The provider owns its agents and destroys them in close().
 */
export class SlackWebhookProvider implements Provider {
  readonly id = 'slack-webhook';
  readonly channel = 'slack' as const;
  readonly maxBatch = 1;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  /**
   * `timeoutMs` bounds a request even when the lane passes a signal that never aborts.
   * `redirectTo` (the sandbox) sends every webhook to that origin, keeping the URL's path.
   */
  constructor(private readonly options: { timeoutMs?: number; redirectTo?: string } = {}) {}

  accepts(address: string): boolean {
    return /^https?:\/\/[^\s/]+\/\S*$/.test(address) && URL.canParse(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one message per call`);
    let reply: WebhookReply;
    try {
      reply = await this.post(this.target(message.address), JSON.stringify({ text: message.text }), signal);
    } catch (err) {
      const code = signal.aborted ? 'timeout' : (err as NodeJS.ErrnoException).code;
      throw new DeliveryError(`Slack webhook unreachable: ${String(err)}`, this.id, true, { code, maybeSent: code !== 'ECONNREFUSED', cause: err });
    }
    if (reply.status >= 200 && reply.status < 300) return [{ ok: true }];
    throw classifyWebhookReply(reply, this.id);
  }

  private target(address: string): string {
    if (!this.options.redirectTo) return address;
    const url = new URL(address);
    return new URL(url.pathname + url.search, this.options.redirectTo).toString();
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private post(url: string, body: string, signal: AbortSignal): Promise<WebhookReply> {
    const secure = url.startsWith('https:');
    const request = secure ? https.request : http.request;
    return new Promise<WebhookReply>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        signal,
        timeout: this.options.timeoutMs ?? 30_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('Slack webhook timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_REPLY_BYTES) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.slice(0, MAX_REPLY_BYTES) }));
        res.on('error', reject);
      });
      req.end(body);
    });
  }
}

function classifyWebhookReply(reply: WebhookReply, providerId: string): DeliveryError {
  const reason = reply.body.trim();
  const code = /^[a-z_]+$/.test(reason) ? reason : String(reply.status);
  const message = `Slack webhook ${reply.status}: ${reason || 'no reason given'}`;
  if (reply.status === 429) {
    return new DeliveryError(message, providerId, true, { code, retryAfterMs: retryAfterMs(reply.headers['retry-after']) });
  }
  if (reply.status >= 500) return new DeliveryError(message, providerId, true, { code, maybeSent: true });
  return new DeliveryError(message, providerId, false, { code, recipientFault: ADDRESS_GONE.has(reply.status) });
}

import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** What an endpoint answered: status, headers and the first bytes of its body. */
export interface JsonReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Keep-alive agents for one provider and a POST over them. Node's http rather than global fetch:
 * on loopback fetch is several times slower, and http takes the lane's AbortSignal directly.
 * The provider owns the agents and calls destroy() in its close().
 */
export class JsonPoster {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: { timeoutMs: number; maxReplyBytes: number; timeoutMessage: string; lookup?: LookupFunction }) {
    this.httpAgent = new http.Agent({ keepAlive: true, lookup: options.lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, lookup: options.lookup });
  }

  post(url: URL | string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<JsonReply> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const secure = target.protocol === 'https:';
    const request = secure ? https.request : http.request;
    const { timeoutMs, maxReplyBytes, timeoutMessage } = this.options;
    return new Promise<JsonReply>((resolve, reject) => {
      const req = request(target, {
        method: 'POST', agent: secure ? this.httpsAgent : this.httpAgent, signal, timeout: timeoutMs,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(timeoutMessage), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < maxReplyBytes) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.slice(0, maxReplyBytes) }));
        res.on('error', reject);
      });
      req.end(body);
    });
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** The sandbox's rewrite: the same path and query on the fake's origin; the URL itself when live. */
export function redirected(address: string, redirectTo: string | undefined): string {
  if (!redirectTo) return address;
  const url = new URL(address);
  return new URL(url.pathname + url.search, redirectTo).toString();
}

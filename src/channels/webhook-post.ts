import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * One JSON POST to a subscriber's webhook URL over node:http keep-alive agents, which take the
 * lane's AbortSignal directly and are several times faster than global fetch on loopback.
 */

export interface WebhookReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const MAX_REPLY_BYTES = 4096;

/** An http and an https keep-alive agent; the owner destroys both in its close(). */
export class WebhookAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;

  constructor(lookup?: LookupFunction) {
    this.http = new http.Agent({ keepAlive: true, lookup });
    this.https = new https.Agent({ keepAlive: true, lookup });
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** POSTs `body`; resolves with the reply (first 4 KiB of its body), rejects on a socket error or timeout. */
export function postJson(url: string, body: string, o: { agents: WebhookAgents; signal: AbortSignal; timeoutMs: number; label: string }): Promise<WebhookReply> {
  const secure = url.startsWith('https:');
  const request = secure ? https.request : http.request;
  return new Promise<WebhookReply>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: secure ? o.agents.https : o.agents.http,
      signal: o.signal,
      timeout: o.timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`${o.label} timed out`), { code: 'ETIMEDOUT' })));
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

/** The sandbox's rewrite: the same path and query on the fake's origin; the URL itself when live. */
export function redirected(address: string, redirectTo: string | undefined): string {
  if (!redirectTo) return address;
  const url = new URL(address);
  return new URL(url.pathname + url.search, redirectTo).toString();
}

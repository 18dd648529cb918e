import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that plays one provider's API for the sandbox, the tests and the
 * benchmark. It records what it received and takes injected faults, so the real SDKs can be
 * driven through every failure a lane must survive.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  at: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export interface Fault {
  /** Answer with this status (and body/headers) instead of the normal reply. */
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Wait this long before answering (applies to normal replies too). */
  latencyMs?: number;
  /** Never answer; the socket stays open until the client gives up or the fake stops. */
  hang?: boolean;
  /** Stop listening, so connections are refused, until the fault is cleared. */
  refuse?: boolean;
  /** Apply to this many requests, then clear itself. Unlimited when absent. */
  times?: number;
}

export type FakeHandler = (req: RecordedRequest) => FakeReply;

export interface FakeServerOptions {
  /** How many requests to keep in `received` (oldest dropped first); counters keep counting. */
  keep?: number;
  /** Latency added to every normal reply (the benchmark's provider latency). */
  latencyMs?: number;
}

export class FakeServer {
  readonly received: RecordedRequest[] = [];
  requestCount = 0;
  private server: http.Server;
  private port = 0;
  private fault: Fault | undefined;
  private readonly hanging = new Set<http.ServerResponse>();
  private readonly keep: number;
  latencyMs: number;

  constructor(readonly name: string, private readonly handler: FakeHandler, options: FakeServerOptions = {}) {
    this.keep = options.keep ?? 10_000;
    this.latencyMs = options.latencyMs ?? 0;
    this.server = this.createServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Inject a fault; `undefined` clears it. Refusal closes the listener and keeps the port. */
  async setFault(fault: Fault | undefined): Promise<void> {
    const wasRefusing = this.fault?.refuse === true;
    this.fault = fault;
    if (fault?.refuse && !wasRefusing) {
      await this.stop();
      this.server = this.createServer();
    } else if (!fault?.refuse && wasRefusing) {
      await this.start(this.port);
    }
    if (!fault?.hang) {
      for (const res of this.hanging) res.destroy();
      this.hanging.clear();
    }
  }

  clear(): void {
    this.received.length = 0;
    this.requestCount = 0;
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 30_000;
    return server;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.requestCount += 1;
      this.received.push(recorded);
      if (this.received.length > this.keep) this.received.shift();
      this.answer(recorded, res);
    });
  }

  private answer(recorded: RecordedRequest, res: http.ServerResponse): void {
    const fault = this.takeFault();
    if (fault?.hang) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    let reply: FakeReply;
    if (fault?.status !== undefined) {
      reply = { status: fault.status, headers: fault.headers, body: fault.body ?? '' };
    } else {
      try {
        reply = this.handler(recorded);
      } catch (err) {
        reply = { status: 400, body: { error: String(err) } };
      }
    }
    const delay = fault?.latencyMs ?? this.latencyMs;
    const send = (): void => writeReply(res, reply);
    if (delay > 0) setTimeout(send, delay);
    else send();
  }

  private takeFault(): Fault | undefined {
    const fault = this.fault;
    if (!fault || fault.refuse) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 0) return undefined;
      fault.times -= 1;
    }
    return fault;
  }
}

function writeReply(res: http.ServerResponse, reply: FakeReply): void {
  if (res.destroyed) return;
  const isJson = reply.body !== undefined && typeof reply.body === 'object';
  const body = isJson ? JSON.stringify(reply.body) : String(reply.body ?? '');
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (isJson && !headers['content-type']) headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(body);
}

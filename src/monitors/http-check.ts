import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLinkLocal, type CheckResult } from './monitor';

/** Resolves as usual, then refuses link-local answers: a DNS name must not reach them either. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isLinkLocal(a.address));
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to link-local ${bad.address}`), { code: 'ELINKLOCAL' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0] as dns.LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * One check: GET the URL and compare the status with the one expected. Redirects are not
 * followed (a redirect to a sign-in page answering 200 would hide an outage; expect the 301, or
 * check the final URL). The body is not read, and nothing of it is kept: only the status, the
 * time to the response headers and, on failure, why.
 */
export function checkUrl(url: string, options: { timeoutMs: number; expectedStatus: number }): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.request(url, {
      method: 'GET', agent: false, lookup: guardedLookup, headers: { 'user-agent': 'Crier-monitor/1', accept: '*/*' },
      signal: AbortSignal.timeout(options.timeoutMs),
    }, (res) => {
      const status = res.statusCode ?? 0;
      res.destroy();
      const ok = status === options.expectedStatus;
      resolve({ ok, status, durationMs: elapsed(), error: ok ? null : `answered ${status}, expected ${options.expectedStatus}` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
      resolve({ ok: false, status: null, durationMs: elapsed(), error: timedOut ? `no answer within ${options.timeoutMs} ms` : `${err.code ?? err.name}: ${err.message}`.slice(0, 300) });
    });
    req.end();
  });
}

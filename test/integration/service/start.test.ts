import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnInRepo, waitFor, type Spawned } from '../../support/process';

/**
 * The README's run command is `npm ci && npm start`; `npm start` is what a newcomer runs. These
 * tests are about that embedded default, so they stay on SQLite under TEST_STORE=postgres too.
 */
describe('starting the service', () => {
  let dir: string;
  const running: Spawned[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-start-'));
  });

  afterEach(async () => {
    for (const s of running.splice(0)) {
      s.kill('SIGKILL');
      await s.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[F1] when npm start runs with no .env, then /healthz answers 200 within 10 s on SQLite', async () => {
    const port = await freePort();
    const started = Date.now();
    const s = spawnInRepo('npm', ['start', '--silent'], { PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'info' });
    running.push(s);
    const healthy = await waitFor(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, 10_000, 100);
    expect({ healthy, output: healthy ? '' : s.output() }).toEqual({ healthy: true, output: '' });
    console.log(`[F1] /healthz answered after ${Date.now() - started} ms`);
    const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
    expect(ready).toMatchObject({ ok: true, store: 'sqlite' });
    expect(fs.existsSync(path.join(dir, 'crier.db'))).toBe(true);
  }, 20_000);

  it.each([
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be postgres:\/\//],
    ['PORT', 'abc', /PORT: must be a whole number/],
    ['LOG_LEVEL', 'chatty', /LOG_LEVEL: must be one of/],
  ])('[F4] when %s is %s, then start-up exits non-zero naming the variable', async (name, value, message) => {
    const s = spawnInRepo('node', ['--import', 'tsx', 'src/main.ts'], { DATA_DIR: dir, [name]: value });
    running.push(s);
    const code = await s.exited;
    expect(code).not.toBe(0);
    expect(s.output()).toMatch(message);
  }, 20_000);

  it('[F6] when SIGTERM arrives while a request is in flight, then the request completes and the process exits 0', async () => {
    const port = await freePort();
    const token = 'test-token-0123456789abcdef';
    const s = spawnInRepo('node', ['--import', 'tsx', 'src/main.ts'], { PORT: String(port), DATA_DIR: dir, API_TOKEN: token, LOG_LEVEL: 'warn' });
    running.push(s);
    expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 10_000, 100)).toBe(true);

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ status: 'investigating' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/updates', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(5)), 300);
      }, 200);
    });
    const answered = await response;
    // The body is valid JSON but an incomplete update: a 400 that names the missing fields.
    expect(answered.status).toBe(400);
    expect(JSON.parse(answered.text).error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['scriptVersionId', 'audiences', 'channels']));
    expect(await s.exited).toBe(0);
  }, 30_000);
});

import { execFileSync } from 'node:child_process';
import express from 'express';
import parsePrometheus from 'parse-prometheus-text-format';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { registeredRoutes } from '../../support/routes';
import { DIALECTS } from '../../support/stores';
import { openApiDocument } from '../../../src/web/openapi/openapi';

const METRICS_TOKEN = 'm'.repeat(32);

interface Family { name: string; type: string; metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[] }

describe.each(DIALECTS)('%s: /metrics', (dialect) => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(dialect, { recipients: 6, env: { METRICS_TOKEN } }); });
  afterAll(async () => { await t?.stop(); });

  const scrape = (authorization?: string) => fetch(`${t.crier.url()}/metrics`, { headers: authorization ? { authorization } : {} });

  it('[B6] when a broadcast has settled, then /metrics parses as Prometheus text and counts its deliveries by lane and state', async () => {
    const published = await t.publish();
    expect(await t.settled(published.broadcastId, 20_000)).toBe(true);
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheus(await res.text()) as Family[];
    const family = (name: string) => families.find((f) => f.name === name);

    const stored = await t.store.db.selectFrom('deliveries').select(['channel', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['channel', 'state']).execute();
    const deliveries = family('crier_deliveries');
    expect(deliveries?.type).toBe('GAUGE');
    const scraped = Object.fromEntries((deliveries?.metrics ?? []).map((m) => [`${m.labels?.lane}/${m.labels?.state}`, Number(m.value)]));
    expect(scraped).toEqual(Object.fromEntries(stored.map((r) => [`${r.channel}/${r.state}`, Number(r.n)])));
    expect(scraped['sms/sent']).toBe(6);

    // The parser folds a labelled histogram's series into one, so per-provider figures are read
    // from the request counter beside it; the histogram must be there and well-formed.
    expect(family('crier_provider_request_duration_seconds')?.type).toBe('HISTOGRAM');
    const requests = family('crier_provider_requests_total');
    const providers = new Set(requests?.metrics.map((m) => m.labels?.provider));
    expect([...providers].sort()).toEqual(expect.arrayContaining(['email-sendgrid', 'sms-twilio', 'x-twitter']));
    const sms = requests?.metrics.find((m) => m.labels?.provider === 'sms-twilio' && m.labels?.outcome === 'accepted');
    expect(Number(sms?.value)).toBe(6);

    const breakers = family('crier_provider_breaker_state');
    expect(breakers?.metrics.find((m) => m.labels?.provider === 'sms-twilio')).toMatchObject({ value: '0', labels: { lane: 'sms' } });
    expect(family('crier_queue_depth')?.type).toBe('GAUGE');
    expect(family('crier_process_resident_memory_bytes')).toBeDefined();
  });

  it('[B6] when /metrics is asked without the metrics token, then it refuses, even with a valid API token', async () => {
    const { secret } = await t.crier.accounts.createToken({ kind: 'user', id: 0, role: 'owner', label: 'test', sessionId: '', csrfToken: '' }, { name: 'owner-token', role: 'owner' });
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`, `Bearer ${secret}`, METRICS_TOKEN]) {
      const res = await scrape(authorization);
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 403 });
      expect(await res.text()).not.toContain('crier_deliveries');
    }
  });
});

describe('/metrics with no METRICS_TOKEN set', () => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(DIALECTS[0] ?? 'sqlite'); });
  afterAll(async () => { await t?.stop(); });

  it('[B6] when METRICS_TOKEN is not set, then /metrics refuses everyone and says which setting turns it on', async () => {
    const res = await fetch(`${t.crier.url()}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', details: [{ field: 'authorization', message: 'METRICS_TOKEN is not set' }] } });
  });

  it('[B6] when /api/openapi.json is fetched, then it is valid OpenAPI 3.1 and lists every JSON API route with its method', async () => {
    const res = await fetch(`${t.crier.url()}/api/openapi.json`);
    expect(res.status).toBe(200);
    const document = await res.json() as { openapi: string; paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown; 'x-crier-permission'?: string }>> };
    expect(validateOpenApi(document)).toEqual({ valid: true });
    expect(document.openapi).toBe('3.1.0');

    const routes = registeredRoutes(t.crier.app).filter((r) => r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path.replace(/^\/api/, '').replace(/:(\w+)/g, '{$1}')}`).sort();
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(routes);
    expect(routes.length).toBeGreaterThanOrEqual(13);

    const publish = document.paths['/updates']?.post;
    expect(publish?.['x-crier-permission']).toBe('incidents:write');
    expect(publish?.security).toEqual([{ bearer: [] }]);
    expect(JSON.stringify(publish?.requestBody)).toContain('scriptVersionId');
    expect(document.paths['/openapi.json']?.get?.security).toEqual([]);
  });
});

/** The validator ships as an ES module only, which jest's CommonJS runtime cannot load: run it in node. */
function validateOpenApi(document: unknown): unknown {
  const script = `import('@seriousme/openapi-schema-validator').then(async ({ Validator }) => {
    const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(await new Validator().validate(input)));
  })`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(document) }).toString()) as unknown;
}

describe('OpenAPI document', () => {
  it('[B6] when a JSON API route has no doc(), then building the document names it', () => {
    const app = express();
    const router = express.Router();
    router.get('/undocumented/:id', (_req, res) => { res.json({}); });
    app.use('/api', router);
    expect(() => openApiDocument(app, { title: 't', version: '1', serverUrl: 'http://127.0.0.1' })).toThrow('GET /api/undocumented/:id has no doc()');
  });
});

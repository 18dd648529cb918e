import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createComponent } from '../../../src/components/component.repository';
import { exportStatus } from '../../../src/status/export';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { SCRIPT_VARIABLES } from '../../../scripts/lib/seed';

const run = promisify(execFile);
const HOSTILE = '<script>window.pwned=1</script><img src=x onerror=alert(1)>';

function atomEntries(xml: string): { id: string; title: string; content: string }[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const feed = (new XMLParser({ ignoreAttributes: false }).parse(xml) as { feed: { entry?: unknown } }).feed;
  const entries = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? feed.entry : [feed.entry];
  return entries.map((e) => {
    const entry = e as { id: string; title: string; content: { '#text': string } | string };
    return { id: entry.id, title: entry.title, content: typeof entry.content === 'string' ? entry.content : entry.content['#text'] };
  });
}

describe('public status page, feed and JSON', () => {
  let t: TestCrier;
  let first: { incidentId: number };
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 2 });
    await createComponent(t.store.db, { key: 'checkout', name: 'Checkout' });
    await createComponent(t.store.db, { key: 'website', name: 'Website' });
    await createComponent(t.store.db, { key: 'api', name: `API ${HOSTILE}` });
    first = await t.publish({ incident: { title: `Payments failing ${HOSTILE}`, impact: 'major', components: ['checkout'] }, channels: ['email'] });
    await t.publish({ incidentId: first.incidentId, incident: undefined, status: 'identified', channels: ['email'], variables: { ...SCRIPT_VARIABLES, summary: `cause found ${HOSTILE}` } });
    const other = await t.publish({ incident: { title: 'Website slow', impact: 'minor', components: ['website'] }, channels: ['email'] });
    await t.publish({ incidentId: other.incidentId, incident: undefined, status: 'resolved', channels: ['email'] });
  });
  afterAll(async () => { await t?.stop(); });

  it('[C2] when incidents are open and past, then the page shows component states, the open incident with its timeline, history, and escapes user text', async () => {
    const res = await fetch(`${t.crier.url()}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=60');
    expect(res.headers.get('etag')).toBeTruthy();
    const page = await res.text();
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('Payments failing &lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(page).toContain('API &lt;script&gt;');
    expect(page).toMatch(/<td>Checkout<\/td><td class="state state-partial_outage">Partial outage<\/td>/);
    expect(page).toMatch(/<td>Website<\/td><td class="state state-operational">Operational<\/td>/);
    expect(page).toContain('Partial outage.');
    const open = page.slice(page.indexOf(`id="incident-${first.incidentId}"`));
    expect(open.indexOf('Identified')).toBeLessThan(open.indexOf('Investigating'));
    expect(page.slice(page.indexOf('Past incidents'))).toContain('Website slow');
    const etag = res.headers.get('etag') as string;
    const again = await fetch(`${t.crier.url()}/status`, { headers: { 'if-none-match': etag } });
    expect([200, 304]).toContain(again.status);
  });

  it('[C2] when the Atom feed is read, then it parses as XML with one entry per update, escaped', async () => {
    const res = await fetch(`${t.crier.url()}/status/feed.atom`);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    const entries = atomEntries(xml);
    const updates = await t.store.db.selectFrom('incident_updates').select('id').execute();
    expect(entries).toHaveLength(updates.length);
    expect(new Set(entries.map((e) => e.id)).size).toBe(updates.length);
    expect(entries.some((e) => e.title.includes('<script>window.pwned=1</script>'))).toBe(true);
    expect(xml).not.toContain('<script>');
  });

  it('[C2] when the JSON is read, then it has the shape of Statuspage\'s summary', async () => {
    const body = (await (await fetch(`${t.crier.url()}/status/status.json`)).json()) as {
      page: { name: string }; status: { indicator: string; description: string };
      components: { id: string; name: string; status: string }[]; incidents: { id: string; name: string; status: string; impact: string; incident_updates: { status: string; body: string }[] }[];
    };
    expect(body.page.name).toBe('Crier');
    expect(body.status).toEqual({ indicator: 'major', description: 'Partial outage' });
    expect(body.components.map((c) => [c.id, c.status])).toEqual([['checkout', 'partial_outage'], ['website', 'operational'], ['api', 'operational']]);
    expect(body.incidents).toHaveLength(1);
    expect(body.incidents[0]).toMatchObject({ id: String(first.incidentId), status: 'identified', impact: 'major' });
    expect(body.incidents[0]?.incident_updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
  });

  it('[C2] when the status is exported, then index.html, feed.atom and status.json are written and match what is served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-export-'));
    try {
      await exportStatus(t.store.db, { dir, url: 'https://status-mirror.example.net', brand: 'Crier' });
      expect(fs.readdirSync(dir).sort()).toEqual(['crier.css', 'feed.atom', 'index.html', 'status.json']);
      const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
      expect(index).toContain('href="crier.css"');
      expect(index).toContain('href="./feed.atom"');
      expect(index).toContain('Payments failing &lt;script&gt;');
      expect(atomEntries(fs.readFileSync(path.join(dir, 'feed.atom'), 'utf8')).length).toBe(4);
      expect(fs.readFileSync(path.join(dir, 'feed.atom'), 'utf8')).toContain('https://status-mirror.example.net/');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8'))).toMatchObject({ status: { indicator: 'major' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[C2] when npm run export-status runs, then it writes the files, and a missing directory exits 2 naming the argument', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-export-cli-'));
    const env = { ...process.env, DATABASE_URL: t.crier.config.DATABASE_URL, PUBLIC_URL: 'https://status.example.com', LOG_LEVEL: 'silent' };
    try {
      const out = await run('npm', ['run', '--silent', 'export-status', '--', dir], { env });
      expect(out.stdout).toContain('index.html');
      expect(fs.readdirSync(dir).sort()).toEqual(['crier.css', 'feed.atom', 'index.html', 'status.json']);
      await expect(run('npm', ['run', '--silent', 'export-status'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('<dir>') });
      await expect(run('npm', ['run', '--silent', 'export-status', '--', dir, '--url', 'nope'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--url') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { createComponent } from '../../../src/components/component.repository';
import { exportStatus } from '../../../src/status/export';
import { MonitorRunner } from '../../../src/monitors/monitor-runner';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import type { TimerTask, Timers } from '../../../src/timers/timers';
import { SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildComponent, buildMonitorBody, buildTeamMember } from '../../support/factories';
import { waitFor } from '../../support/process';
import { signedIn } from '../../support/session';
import { DIALECTS } from '../../support/stores';

/** Timers the test ticks itself, with the clock it chooses. */
class ManualTimers implements Timers {
  readonly tasks = new Map<string, TimerTask>();
  every(name: string, _ms: number, task: TimerTask): void { this.tasks.set(name, task); }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  tick(name: string, now: number): Promise<void> { return (this.tasks.get(name) as TimerTask)(now); }
}

/** A loopback site whose answer the test switches. */
async function site(): Promise<{ url: string; status: number; hits: number; close(): Promise<void> }> {
  const s = { url: '', status: 200, hits: 0, close: async (): Promise<void> => undefined };
  const server = http.createServer((_req, res) => { s.hits += 1; res.writeHead(s.status).end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  s.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return s;
}

const MINUTE = 60_000;

describe.each(DIALECTS)('%s: monitors', (dialect) => {
  let t: TestCrier;
  const timers = new ManualTimers();
  const api = (path: string, body?: unknown) => fetch(`${t.crier.url()}/api${path}`, {
    method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${'t'.repeat(24)}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const outageOf = (monitorId: number) => t.store.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', monitorId).orderBy('id', 'desc').executeTakeFirst();
  const publicUpdates = (incidentId: number) => t.store.db.selectFrom('incident_updates').select(['id', 'status']).where('incident_id', '=', incidentId).where('internal', '=', 0).execute();
  const smsTo = (to: string) => t.sandbox.twilio.messages().filter((m) => m.to === to);
  /** The test's clock starts ten minutes back, so what the checks write is already due for the lanes. */
  const rewind = async (id: number) => {
    const t0 = Date.now() - 10 * MINUTE;
    await t.store.db.updateTable('monitors').set({ next_check_at: t0 }).where('id', '=', id).execute();
    return t0;
  };

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 2, overrides: { timers } });
    await ensureStarterLibrary(t.store.db);
    const starter = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select(['script_versions.id', 'scripts.key']).where('scripts.key', 'in', ['investigating', 'internal-team-alert']).execute();
    for (const s of starter) await approve(t.store.db, s.id, 'user:1', DEFAULT_SCRIPT_RULES);
    await createComponent(t.store.db, buildComponent({ key: 'shop', name: 'Online shop' }));
    await createTeamMember(t.store.db, buildTeamMember({ key: 'olive', role: 'owner', email: 'olive@example.com', phone: '+15555550301' }));
    // The support contact is remembered from the last notice sent, as the send form does.
    const earlier = await t.publish({ variables: { ...SCRIPT_VARIABLES, support_contact: 'help@example.com' }, channels: ['email'] });
    await t.settled(earlier.broadcastId, 10_000);
  });
  afterAll(async () => { await t?.stop(); });

  it('[P4] when a loopback site starts failing, then after N failures a draft incident opens with the investigating script and the team is alerted; the one-tap notice reaches customers; recovery prompts to resolve', async () => {
    const s = await site();
    try {
      const created = await api('/monitors', buildMonitorBody(s.url, { name: 'Shop', component: 'shop', failuresToDown: 3 }));
      expect(created.status).toBe(201);
      const { monitor } = await created.json() as { monitor: { id: number } };
      const t0 = await rewind(monitor.id);
      await timers.tick('monitor-checks', t0);
      expect((await outageOf(monitor.id))).toBeUndefined();
      s.status = 503;
      await timers.tick('monitor-checks', t0 + MINUTE);
      await timers.tick('monitor-checks', t0 + MINUTE + 1000);
      await timers.tick('monitor-checks', t0 + 2 * MINUTE);
      expect(s.hits).toBe(3);
      expect(await outageOf(monitor.id)).toBeUndefined();
      await timers.tick('monitor-checks', t0 + 3 * MINUTE);
      const outage = await outageOf(monitor.id);
      expect(outage).toMatchObject({ notice_problem: null, notice_sent_at: null, up_at: null });
      const incidentId = outage?.incident_id as number;
      const investigating = await t.store.db.selectFrom('scripts').select('id').where('key', '=', 'investigating').executeTakeFirstOrThrow();
      const version = await t.store.db.selectFrom('script_versions').select(['id', 'script_id']).where('id', '=', outage?.script_version_id as number).executeTakeFirstOrThrow();
      expect(version.script_id).toBe(investigating.id);
      expect(await publicUpdates(incidentId)).toEqual([]);
      expect(await waitFor(() => smsTo('+15555550301').some((m) => /^INCIDENT: Shop is not answering/.test(m.body)), 10_000)).toBe(true);

      const owner = await signedIn(t.store, t.crier.url(), 'owner');
      const home = await owner.page('/console');
      expect(home.html).toContain(`action="/console/monitors/outages/${outage?.id}/notice"`);
      const status = await (await fetch(`${t.crier.url()}/status`)).text();
      expect(status).not.toContain('Shop is not answering');

      const sent = await owner.post(`/console/monitors/outages/${outage?.id}/notice`);
      expect(sent.status).toBe(303);
      expect((await publicUpdates(incidentId)).map((u) => u.status)).toEqual(['investigating']);
      expect(await waitFor(() => smsTo(t.audience.sms[0] as string).some((m) => m.body.includes('Online shop problem since')), 10_000)).toBe(true);
      expect((await owner.post(`/console/monitors/outages/${outage?.id}/notice`)).status).toBe(409);

      s.status = 200;
      await timers.tick('monitor-checks', t0 + 4 * MINUTE);
      expect((await outageOf(monitor.id))?.up_at).toBe(t0 + 4 * MINUTE);
      const after = await owner.page('/console');
      expect(after.html).toContain(`id="recovered-${outage?.id}"`);
      expect(after.html).toContain(`/console/send?incident=${incidentId}`);
      expect(await waitFor(() => smsTo('+15555550301').some((m) => m.body.startsWith('INCIDENT: RECOVERED: Shop answers again')), 10_000)).toBe(true);
      const uptime = await (await fetch(`${t.crier.url()}/status`)).text();
      // Five checks, two passed. The test's clock starts ten minutes back, so near midnight UTC
      // they fall on two days: the 90-day figure is the same either way.
      expect(uptime).toMatch(/uptime-day uptime-down" title="\d{4}-\d\d-\d\d: \d+\.\d\d% of checks passed"/);
      expect(uptime).toContain('90 days: 40.00% up');
      // The static copy for another host shows the same bars.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-export-uptime-'));
      try {
        await exportStatus(t.store.db, { dir, url: 'https://status-mirror.example.net', brand: 'Crier' });
        const bars = (page: string) => [...page.matchAll(/uptime-day uptime-\w+" title="[^"]+"/g)].map((m) => m[0]);
        const exported = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
        expect(bars(exported)).toHaveLength(90);
        expect(bars(exported)).toEqual(bars(uptime));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await s.close();
    }
  });

  it('[P4] when automatic sending is on and the site fails N times, then customers get the investigating notice at once, through the lanes to the sandbox', async () => {
    const s = await site();
    s.status = 500;
    try {
      const { monitor } = await (await api('/monitors', buildMonitorBody(s.url, { name: 'Checkout API', component: 'shop', failuresToDown: 2, autoNotice: true }))).json() as { monitor: { id: number } };
      const t0 = await rewind(monitor.id);
      await timers.tick('monitor-checks', t0);
      await timers.tick('monitor-checks', t0 + MINUTE);
      const outage = await outageOf(monitor.id);
      expect(outage?.notice_sent_at).toBe(t0 + MINUTE);
      const updates = await publicUpdates(outage?.incident_id as number);
      expect(updates.map((u) => u.status)).toEqual(['investigating']);
      const broadcast = await t.store.db.selectFrom('broadcasts').select('id').where('update_id', '=', (updates[0] as { id: number }).id).executeTakeFirstOrThrow();
      expect(await t.settled(broadcast.id, 10_000)).toBe(true);
      // Two customers on email, SMS and a Slack webhook, and one post each on X, Mastodon and Bluesky.
      expect(await t.states(broadcast.id)).toMatchObject({ sent: 9 });
      const mail = sendgridRecipients(t.sandbox.sendgrid).filter((r) => r.to.includes(t.audience.email[1] as string));
      expect(mail.some((r) => r.subject === 'Investigating: a problem with Online shop')).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('[P4] when two instances see the same monitor due at once, then it is checked once', async () => {
    const s = await site();
    try {
      const { monitor } = await (await api('/monitors', buildMonitorBody(s.url, { failuresToDown: 1 }))).json() as { monitor: { id: number } };
      const deps = { db: t.store.db, publishContext: (actor: string, now: number) => ({ actor, brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now }), published: () => undefined, log: { warn: () => undefined } };
      const t0 = await rewind(monitor.id);
      const ran = await Promise.all([new MonitorRunner(deps).runDue(t0), new MonitorRunner(deps).runDue(t0)]);
      const checks = await t.store.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitor.id).execute();
      expect(checks).toHaveLength(1);
      expect(s.hits).toBe(1);
      expect(ran.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('[P4] when no investigating script is approved, then the automatic notice falls back to the draft and the console says why', async () => {
    const investigating = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'investigating').where('script_versions.state', '=', 'approved').executeTakeFirstOrThrow();
    await t.store.db.updateTable('script_versions').set({ state: 'retired', retired_at: Date.now() }).where('id', '=', investigating.id).execute();
    const s = await site();
    s.status = 500;
    try {
      const { monitor } = await (await api('/monitors', buildMonitorBody(s.url, { name: 'Booking', failuresToDown: 1, autoNotice: true }))).json() as { monitor: { id: number } };
      await timers.tick('monitor-checks', await rewind(monitor.id));
      const outage = await outageOf(monitor.id);
      expect(outage).toMatchObject({ notice_problem: 'no investigating script is approved', notice_sent_at: null, script_version_id: null });
      expect(await publicUpdates(outage?.incident_id as number)).toEqual([]);
      const owner = await signedIn(t.store, t.crier.url(), 'owner');
      expect((await owner.page('/console')).html).toContain('The first notice was not sent: no investigating script is approved');
    } finally {
      await s.close();
    }
  });

  it('when a monitor is posted with a bad URL or numbers, then it is refused naming each field and nothing is stored', async () => {
    const before = (await (await api('/monitors')).json() as { monitors: unknown[] }).monitors.length;
    for (const [body, field] of [
      [buildMonitorBody('ftp://example.com/'), 'url'], [buildMonitorBody('http://user:pw@example.com/'), 'url'], [buildMonitorBody('http://169.254.169.254/latest'), 'url'],
      [buildMonitorBody('http://127.0.0.1/', { intervalSeconds: 5 }), 'intervalSeconds'], [buildMonitorBody('http://127.0.0.1/', { timeoutMs: 60_000, intervalSeconds: 30 }), 'timeoutMs'],
      [buildMonitorBody('http://127.0.0.1/', { component: 'nope' }), 'component'],
    ] as const) {
      const res = await api('/monitors', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(`"field":"${field}"`);
    }
    expect((await (await api('/monitors')).json() as { monitors: unknown[] }).monitors.length).toBe(before);
  });
  it('when a monitor is changed in the console or the API, then its settings change, it is checked again at once, and a bad value changes nothing', async () => {
    const created = await (await api('/monitors', buildMonitorBody('http://127.0.0.1:9/health', { name: 'Blog' }))).json() as { monitor: { id: number } };
    const id = created.monitor.id;
    await t.store.db.updateTable('monitors').set({ next_check_at: Date.now() + 10 * MINUTE, consecutive_failures: 2 }).where('id', '=', id).execute();
    const owner = await signedIn(t.store, t.crier.url(), 'owner');
    const edit = await owner.page(`/console/monitors/${id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('value="http://127.0.0.1:9/health"');
    expect(edit.html).toContain(`action="/console/monitors/${id}"`);

    const before = Date.now();
    const saved = await owner.post(`/console/monitors/${id}`, { name: 'Blog (new host)', url: 'http://127.0.0.1:9/status', intervalSeconds: '120', timeoutMs: '3000', expectedStatus: '204', failuresToDown: '2', component: 'shop', failureType: '', autoNotice: 'on' });
    expect(saved.status).toBe(303);
    const row = await t.store.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Blog (new host)', url: 'http://127.0.0.1:9/status', interval_seconds: 120, timeout_ms: 3000, expected_status: 204, failures_to_down: 2, component_key: 'shop', auto_notice: 1, consecutive_failures: 0 });
    expect(Number(row.next_check_at)).toBeGreaterThanOrEqual(before);
    expect(Number(row.next_check_at)).toBeLessThanOrEqual(Date.now());
    const audit = await t.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'monitor.changed').where('subject', '=', `monitor:${id}`).execute();
    expect(audit).toHaveLength(1);

    const refused = await owner.post(`/console/monitors/${id}`, { name: 'Blog', url: 'ftp://example.com/', intervalSeconds: '120', timeoutMs: '3000', expectedStatus: '204', failuresToDown: '2', component: 'nope' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('value="ftp://example.com/"');
    expect(page).toMatch(/url/);
    const viaApi = await api(`/monitors/${id}`, buildMonitorBody('http://127.0.0.1:9/status', { component: 'nope' }));
    expect(viaApi.status).toBe(400);
    expect(JSON.stringify(await viaApi.json())).toContain('"field":"component"');
    expect(await t.store.db.selectFrom('monitors').select(['name', 'url', 'component_key']).where('id', '=', id).executeTakeFirstOrThrow())
      .toEqual({ name: 'Blog (new host)', url: 'http://127.0.0.1:9/status', component_key: 'shop' });

    const changed = await api(`/monitors/${id}`, buildMonitorBody('http://127.0.0.1:9/status', { name: 'Blog', expectedStatus: 204 }));
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { monitor: { name: string; autoNotice: boolean } }).monitor).toMatchObject({ name: 'Blog', autoNotice: false });
    expect((await api('/monitors/999999', buildMonitorBody('http://127.0.0.1:9/'))).status).toBe(404);
  });
});

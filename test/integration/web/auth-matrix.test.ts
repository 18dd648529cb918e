import fs from 'node:fs';
import express from 'express';
import type { Role } from '../../../src/auth/roles';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { registeredRoutes, type RegisteredRoute } from '../../support/routes';
import { createAccount, signedIn, WebClient } from '../../support/session';

/**
 * What each caller may do, written out by hand: the least role a route needs ('public' for
 * anyone, 'signed' for routes that prove themselves another way). Kept apart from the code's
 * own rules on purpose, so a wrong rule in the code shows up as a difference here.
 */
const EXPECTED: Record<string, 'public' | 'signed' | 'any' | Role> = {
  'GET /': 'public',
  'GET /assets/crier.css': 'public',
  'GET /assets/desk.js': 'public',
  'GET /favicon.ico': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /status': 'public',
  'GET /status/feed.atom': 'public',
  'GET /status/status.json': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'GET /setup/:token': 'public',
  'POST /setup/:token': 'public',
  'GET /invite/:token': 'public',
  'POST /invite/:token': 'public',
  'GET /unsubscribe/:token': 'public',
  'GET /subscribe': 'public',
  'POST /subscribe': 'public',
  'GET /subscribe/confirm/:token': 'public',
  'POST /subscribe/confirm/:token': 'public',
  'GET /subscribe/manage/:token': 'public',
  'POST /subscribe/manage/:token': 'public',
  'POST /unsubscribe/:token': 'signed',
  'POST /webhooks/twilio/status': 'signed',
  'POST /webhooks/twilio/inbound': 'signed',
  'POST /webhooks/sendgrid/events': 'signed',
  'POST /logout': 'any',
  'GET /console': 'staff',
  'GET /console/users': 'owner',
  'POST /console/users': 'owner',
  'POST /console/users/:id/role': 'owner',
  'POST /console/users/:id/unlock': 'owner',
  'POST /console/users/:id/disable': 'owner',
  'POST /console/users/:id/enable': 'owner',
  'GET /console/tokens': 'owner',
  'POST /console/tokens': 'owner',
  'POST /console/tokens/:id/revoke': 'owner',
  'GET /console/audit': 'owner',
  'GET /console/send': 'comms',
  'POST /console/send': 'comms',
  'GET /console/broadcasts/:id': 'staff',
  'GET /console/incidents/:id': 'staff',
  'GET /console/broadcasts/:id/deliveries': 'comms',
  'GET /console/broadcasts/:id/deliveries.csv': 'comms',
  'POST /console/broadcasts/:id/retry': 'comms',
  'GET /console/scripts': 'staff',
  'POST /console/scripts': 'comms',
  'GET /console/scripts/:id': 'staff',
  'GET /console/scripts/:id/edit': 'comms',
  'POST /console/scripts/:id/draft': 'comms',
  'GET /console/scripts/versions/:id/approve': 'owner',
  'POST /console/scripts/versions/:id/approve': 'owner',
  'POST /console/scripts/versions/:id/retire': 'owner',
  'GET /console/roster': 'staff',
  'POST /console/roster/members': 'comms',
  'GET /console/roster/members/:id': 'comms',
  'POST /console/roster/members/:id': 'comms',
  'POST /console/roster/members/:id/delete': 'comms',
  'POST /console/roster/failure-types': 'comms',
  'POST /console/roster/failure-types/:id/responders': 'comms',
  'GET /desk': 'staff',
  'GET /api/desk': 'staff',
  'GET /api/scripts': 'staff',
  'GET /api/scripts/:id': 'staff',
  'POST /api/scripts': 'comms',
  'POST /api/scripts/:id/draft': 'comms',
  'POST /api/scripts/versions/:id/approve': 'owner',
  'POST /api/scripts/versions/:id/retire': 'owner',
  'POST /api/updates': 'comms',
  'GET /api/incidents': 'staff',
  'GET /api/incidents/:id': 'staff',
  'GET /api/broadcasts/:id/deliveries': 'staff',
  'GET /api/audit': 'owner',
  'GET /api/openapi.json': 'public',
  'GET /metrics': 'signed',
  'POST /api/users': 'owner',
  'POST /api/tokens': 'owner',
  'POST /api/contacts/import': 'comms',
  'GET /sandbox': 'comms',
  'GET /sandbox/inbox.json': 'comms',
  'POST /webhooks/twilio/voice': 'signed',
  'POST /console/roster/members/:id/pin': 'comms',
  'GET /console/channels': 'staff',
  'POST /console/channels/check': 'comms',
  'GET /console/monitors': 'staff',
  'POST /console/monitors': 'comms',
  'GET /console/monitors/:id/edit': 'comms',
  'POST /console/monitors/:id': 'comms',
  'POST /console/monitors/:id/delete': 'comms',
  'POST /console/monitors/outages/:id/notice': 'comms',
  'POST /console/drafts/:id/close': 'comms',
  'GET /api/monitors': 'staff',
  'GET /api/monitors/:id': 'staff',
  'POST /api/monitors': 'comms',
  'POST /api/monitors/:id': 'comms',
  'POST /api/monitors/:id/delete': 'comms',
  'POST /api/monitors/outages/:id/notice': 'comms',
  'GET /console/problems': 'staff',
  'POST /console/problems': 'staff',
  'GET /api/problems': 'staff',
  'POST /api/problems': 'staff',
  'GET /console/incidents/:id/review': 'staff',
  'POST /console/incidents/:id/review': 'comms',
  'POST /console/incidents/:id/review/publish': 'comms',
  'POST /console/incidents/:id/promises': 'comms',
  'GET /console/promises': 'staff',
  'POST /console/promises/:id/kept': 'comms',
  'GET /api/incidents/:id/review': 'staff',
  'POST /api/incidents/:id/review': 'comms',
  'POST /api/incidents/:id/review/publish': 'comms',
  'POST /api/incidents/:id/promises': 'comms',
  'GET /api/promises': 'staff',
  'POST /api/promises/:id/kept': 'comms',
  'POST /api/subscriptions': 'public',
};

/** The POST routes that take no CSRF token, and why that is safe. */
const CSRF_EXEMPT = ['POST /unsubscribe/:token', 'POST /webhooks/twilio/status', 'POST /webhooks/twilio/inbound', 'POST /webhooks/sendgrid/events', 'POST /webhooks/twilio/voice', 'POST /api/subscriptions'];

const RANK: Record<Role, number> = { staff: 1, comms: 2, owner: 3 };
const key = (r: RegisteredRoute) => `${r.method} ${r.path}`;

type Caller = { name: string; role?: Role; client: WebClient; bearer?: string };

describe('access control', () => {
  let t: TestCrier;
  let routes: RegisteredRoute[];
  const callers: Caller[] = [];
  let targetUserId = 0;
  let targetTokenId = 0;

  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1, overrides: { rateLimits: { login: 10_000 } } });
    routes = registeredRoutes(t.crier.app);
    const url = t.crier.url();
    // Callers without a session hold the anonymous form cookie a browser gets from /login.
    const browser = async () => { const c = new WebClient(url); await c.page('/login'); return c; };
    callers.push({ name: 'anonymous', client: await browser() });
    for (const role of ['staff', 'comms', 'owner'] as const) callers.push({ name: role, role, client: await signedIn(t.store, url, role) });
    for (const role of ['staff', 'owner'] as const) {
      const owner = { kind: 'user' as const, id: 0, role: 'owner' as const, label: 'test', sessionId: '', csrfToken: '' };
      const { secret } = await t.crier.accounts.createToken(owner, { name: `${role} automation`, role });
      callers.push({ name: `token(${role})`, role, client: await browser(), bearer: secret });
    }
    targetUserId = (await createAccount(t.store, 'staff')).id;
    const owner = { kind: 'user' as const, id: 0, role: 'owner' as const, label: 'test', sessionId: '', csrfToken: '' };
    targetTokenId = (await t.crier.accounts.createToken(owner, { name: 'target', role: 'staff' })).token.id;
  });
  afterAll(async () => { await t?.stop(); });

  const concrete = (path: string) => path.replace(':id', String(targetUserId)).replace(':token', 'x'.repeat(43))
    .replace('/console/tokens/' + String(targetUserId), '/console/tokens/' + String(targetTokenId));

  async function call(caller: Caller, route: RegisteredRoute, options: { csrf?: string } = {}): Promise<{ status: number; location: string | null; body: string }> {
    const path = route.path.startsWith('/console/tokens/:id') ? route.path.replace(':id', String(targetTokenId)) : concrete(route.path);
    const headers: Record<string, string> = { accept: route.path.startsWith('/api') || route.path.endsWith('.json') ? 'application/json' : 'text/html' };
    if (caller.bearer) headers.authorization = `Bearer ${caller.bearer}`;
    const form = route.method === 'GET' ? undefined : { _csrf: options.csrf ?? caller.client.csrf };
    const res = await caller.client.request(route.method, path, { headers, form });
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  it('[A1] when the app starts, then every route it registers has an access rule, and each is in the expected table', () => {
    const missing = routes.filter((r) => r.rule === undefined).map(key);
    expect(missing).toEqual([]);
    const unexpected = routes.map(key).filter((k) => !(k in EXPECTED));
    expect(unexpected).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !routes.some((r) => key(r) === k))).toEqual([]);
  });

  it('[A1] when a route is added without an access rule, then the route walk reports it', () => {
    const app = express();
    const router = express.Router();
    router.post('/danger', (_req, res) => { res.send('ok'); });
    app.use('/console', router);
    expect(registeredRoutes(app).map(({ method, path, rule }) => ({ method, path, rule }))).toEqual([{ method: 'POST', path: '/console/danger', rule: undefined }]);
  });

  it('[A1] when anonymous, staff, comms, owner and bearer tokens call every route, then each gets exactly what its role allows', async () => {
    const table: string[] = [];
    const wrong: string[] = [];
    // Sign-out ends the session, so it goes last.
    const ordered = [...routes].sort((a, b) => Number(a.path === '/logout') - Number(b.path === '/logout'));
    for (const route of ordered) {
      const need = EXPECTED[key(route)] ?? 'owner';
      const row: string[] = [];
      for (const caller of callers) {
        const r = await call(caller, route);
        const toLogin = r.status === 303 && (r.location ?? '').startsWith('/login?next=');
        const refused = r.status === 401 || r.status === 403 || toLogin;
        const allowed = need === 'public' || need === 'signed' || (caller.role !== undefined && (need === 'any' || RANK[caller.role] >= RANK[need]));
        row.push(`${caller.name}=${r.status}`);
        if (need === 'signed') {
          // Anyone may call; the provider's signature or the link's token is the check.
          if (r.status === 401 || toLogin) wrong.push(`${key(route)} as ${caller.name}: ${r.status}`);
        } else if (allowed === refused) {
          wrong.push(`${key(route)} as ${caller.name}: ${r.status} (${allowed ? 'should be allowed' : 'should be refused'})`);
        }
        if (!allowed && caller.name === 'anonymous') expect(r.status === 401 || toLogin).toBe(true);
        if (!allowed && caller.role) expect(r.status).toBe(403);
      }
      table.push(`${key(route).padEnd(40)} ${row.join(' ')}`);
    }
    expect(wrong).toEqual([]);
    expect(table.length).toBe(routes.length);
    fs.mkdirSync('reports', { recursive: true });
    fs.writeFileSync('reports/auth-matrix.txt', `${'route'.padEnd(40)} status by caller\n${table.join('\n')}\n`);
  });

  it('[A2] when a signed-in browser posts to any state-changing route without a valid CSRF token, then it is refused and nothing changes', async () => {
    const owner = await signedIn(t.store, t.crier.url(), 'owner');
    const unsafe = routes.filter((r) => r.method !== 'GET');
    const exempt = unsafe.filter((r) => r.rule?.kind === 'exempt').map(key).sort();
    expect(exempt).toEqual([...CSRF_EXEMPT].sort());
    const guarded = unsafe.filter((r) => r.rule?.kind !== 'exempt');
    expect(guarded.length).toBeGreaterThanOrEqual(10);
    const auditBefore = await t.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const caller: Caller = { name: 'owner', role: 'owner', client: owner };
    for (const route of guarded) {
      for (const csrf of ['', 'forged-token', owner.csrf.slice(0, -2) + 'xx']) {
        const r = await call(caller, route, { csrf });
        expect({ route: key(route), csrf, status: r.status }).toEqual({ route: key(route), csrf, status: 403 });
        expect(r.body).toMatch(/data-field="_csrf"|"field":"_csrf"/);
      }
    }
    const auditAfter = await t.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(auditAfter.n)).toBe(Number(auditBefore.n));
    // The same session with its token is still signed in: the refusals changed nothing.
    expect((await owner.page('/console/users')).status).toBe(200);
  });

  it('[A2] when a public form is posted without the form cookie and token, then it is refused', async () => {
    const stranger = new WebClient(t.crier.url());
    const res = await stranger.request('POST', '/login', { form: { email: 'a@example.com', password: 'x' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-field="_csrf"');
    // A token from one browser does not work with another browser's cookie.
    const a = new WebClient(t.crier.url());
    await a.page('/login');
    const b = new WebClient(t.crier.url());
    await b.page('/login');
    const crossed = await b.request('POST', '/login', { form: { _csrf: a.csrf, email: 'a@example.com', password: 'x' } });
    expect(crossed.status).toBe(403);
  });

  it('[A2] when an API token posts without any CSRF token, then it is accepted: bearer requests carry no ambient cookie', async () => {
    const { secret } = await t.crier.accounts.createToken({ kind: 'user', id: 0, role: 'owner', label: 'test', sessionId: '', csrfToken: '' }, { name: 'ci', role: 'comms' });
    const res = await fetch(`${t.crier.url()}/api/updates`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
  });
});

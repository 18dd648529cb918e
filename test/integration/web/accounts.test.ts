import { Accounts, type LockoutPolicy } from '../../../src/auth/accounts.service';
import { PasswordHasher, STRONG_COST } from '../../../src/auth/password';
import { digest } from '../../../src/auth/secrets';
import type { Principal } from '../../../src/auth/user';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { createAccount, PASSWORD, signedIn, testHasher, WebClient } from '../../support/session';
import { DEFAULT_DIALECT, DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const OWNER: Principal = { kind: 'user', id: 1, role: 'owner', label: 'owner@example.com', sessionId: '', csrfToken: '' };
const POLICY: LockoutPolicy = { slowAfter: 2, baseDelayMs: 100, maxDelayMs: 400, lockAfter: 6, lockMs: 60_000 };

describe.each(DIALECTS)('%s: accounts', (dialect) => {
  let store: TestStore;
  let clock = Date.UTC(2026, 10, 23, 12);
  let accounts: Accounts;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    accounts = new Accounts(store.db, { hasher: testHasher, lockout: POLICY, sessions: { idleMs: 3_600_000, absoluteMs: 86_400_000 }, now: () => clock });
  });
  afterAll(async () => { await store.dispose(); });

  it('[A4] when the setup link is used, then it creates the owner once and never works again', async () => {
    const token = await accounts.openSetup();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const replaced = await accounts.openSetup();
    expect(await accounts.setupOpen(token as string)).toBe(false);
    const { user } = await accounts.completeSetup(replaced as string, { email: 'Owner@Example.com', name: 'Olive', password: PASSWORD, confirm: PASSWORD } as never);
    expect(user).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    await expect(accounts.completeSetup(replaced as string, { email: 'mallory@example.com', name: 'M', password: PASSWORD })).rejects.toMatchObject({ code: 'not_found', details: [{ field: 'token', message: 'used, expired or unknown' }] });
    expect(await accounts.openSetup()).toBeUndefined();
    expect(await store.db.selectFrom('users').select('email').execute()).toEqual([{ email: 'owner@example.com' }]);
  });

  it('[A4] when wrong passwords repeat, then answers slow down, the account locks, the right password is refused until an owner unlocks it', async () => {
    const { email, id } = await createAccount(store, 'comms');
    const delays: number[] = [];
    let last;
    for (let i = 0; i < POLICY.lockAfter; i++) {
      last = await accounts.login(email, 'not the password', '127.0.0.1');
      delays.push(last.ok ? -1 : last.delayMs);
    }
    expect(delays).toEqual([0, 0, 100, 200, 400, 400]);
    expect(last).toMatchObject({ ok: false, reason: 'locked', lockedUntil: clock + POLICY.lockMs });
    expect(await accounts.login(email, PASSWORD, '127.0.0.1')).toMatchObject({ ok: false, reason: 'locked' });
    await accounts.unlock(OWNER, id);
    expect(await accounts.login(email, PASSWORD, '127.0.0.1')).toMatchObject({ ok: true });
    // A lock also ends by itself.
    for (let i = 0; i < POLICY.lockAfter; i++) await accounts.login(email, 'wrong', '127.0.0.1');
    clock += POLICY.lockMs + 1;
    expect(await accounts.login(email, PASSWORD, '127.0.0.1')).toMatchObject({ ok: true });
  });

  it('[A4] when secrets are stored, then the database holds only hashes: passwords (scrypt), sessions, links and tokens (SHA-256)', async () => {
    const { email } = await createAccount(store, 'staff');
    const login = await accounts.login(email, PASSWORD, '127.0.0.1');
    if (!login.ok) throw new Error('login failed');
    const row = await store.db.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    expect(await testHasher.verify(row.password_hash as string, PASSWORD)).toBe(true);
    expect(await testHasher.verify(row.password_hash as string, `${PASSWORD}!`)).toBe(false);

    const sessions = await store.db.selectFrom('sessions').select('id').execute();
    expect(sessions.map((s) => s.id)).toContain(digest(login.cookie));
    expect(sessions.map((s) => s.id)).not.toContain(login.cookie);

    const { secret, token } = await accounts.createToken(OWNER, { name: 'monitor', role: 'comms' });
    const stored = await store.db.selectFrom('api_tokens').selectAll().where('id', '=', token.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(digest(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(secret.startsWith(stored.prefix)).toBe(true);

    const { token: invite } = await accounts.invite(OWNER, { email: 'new@example.com', role: 'staff' });
    const links = await store.db.selectFrom('account_links').select('token_hash').execute();
    expect(links.map((l) => l.token_hash)).toContain(digest(invite));
    expect(JSON.stringify(links)).not.toContain(invite);
  });

  it('[A4] when a session idles past its limit or reaches its absolute limit, then it no longer signs anyone in', async () => {
    const { email } = await createAccount(store, 'staff');
    const a = await accounts.login(email, PASSWORD, '127.0.0.1');
    const b = await accounts.login(email, PASSWORD, '127.0.0.1');
    if (!a.ok || !b.ok) throw new Error('login failed');
    expect(a.cookie).not.toBe(b.cookie);
    clock += 3_600_000 - 1000;
    expect(await accounts.sessionPrincipal(a.cookie)).toMatchObject({ kind: 'user', role: 'staff' });
    clock += 3_600_000 - 1000;
    expect(await accounts.sessionPrincipal(a.cookie)).toBeDefined();
    expect(await accounts.sessionPrincipal(b.cookie)).toBeUndefined();
    for (let i = 0; i < 30; i++) {
      clock += 3_000_000;
      await accounts.sessionPrincipal(a.cookie);
    }
    expect(await accounts.sessionPrincipal(a.cookie)).toBeUndefined();
  });

  it('[A4] when a token is revoked or a role changes, then the token stops working and the user signs in again', async () => {
    const { secret, token } = await accounts.createToken(OWNER, { name: 'ci', role: 'comms' });
    expect(await accounts.tokenPrincipal(secret)).toMatchObject({ kind: 'token', id: token.id, role: 'comms' });
    expect((await accounts.tokens()).find((t) => t.id === token.id)?.lastUsedAt).toBe(clock);
    await accounts.revokeToken(OWNER, token.id);
    expect(await accounts.tokenPrincipal(secret)).toBeUndefined();
    await expect(accounts.revokeToken(OWNER, token.id)).rejects.toMatchObject({ code: 'not_found' });

    const { email, id } = await createAccount(store, 'staff');
    const login = await accounts.login(email, PASSWORD, '127.0.0.1');
    if (!login.ok) throw new Error('login failed');
    await accounts.changeRole(OWNER, id, 'comms');
    expect(await accounts.sessionPrincipal(login.cookie)).toBeUndefined();
    const again = await accounts.login(email, PASSWORD, '127.0.0.1');
    expect(again.ok && (await accounts.sessionPrincipal(again.cookie))?.role).toBe('comms');
  });

  it('when the only owner would be demoted or disabled, then it is refused', async () => {
    const owners = await store.db.selectFrom('users').select('id').where('role', '=', 'owner').execute();
    expect(owners).toHaveLength(1);
    const only = owners[0]?.id as number;
    await expect(accounts.changeRole(OWNER, only, 'staff')).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'role' }] });
    await expect(accounts.setDisabled(OWNER, only, true)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('password hashing at production strength', () => {
  it('[A4] when a password is hashed with the default cost, then it is scrypt N=2^17, r=8, p=1 with a random salt, and verifies', async () => {
    const hasher = new PasswordHasher();
    expect(hasher.cost).toEqual(STRONG_COST);
    const a = await hasher.hash('tr0ub4dor&3 horse');
    expect(a).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(await hasher.verify(a, 'tr0ub4dor&3 horse')).toBe(true);
    expect(hasher.needsRehash(await testHasher.hash('x'))).toBe(true);
    expect(hasher.needsRehash(a)).toBe(false);
  });
});

describe('accounts over HTTP', () => {
  let t: TestCrier;
  const slept: number[] = [];
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, {
      recipients: 1,
      overrides: { lockout: POLICY, sleep: async (ms) => { slept.push(ms); }, rateLimits: { login: 1000 } },
    });
  });
  afterAll(async () => { await t?.stop(); });

  it('[A4] when the first start has no accounts, then the printed setup link creates the owner and then stops working', async () => {
    expect(t.crier.setupUrl).toMatch(/\/setup\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(t.crier.setupUrl as string).pathname;
    const owner = new WebClient(t.crier.url());
    expect((await owner.page(path)).status).toBe(200);
    const weak = await owner.post(path, { name: 'Olive', email: 'olive@example.com', password: 'short', confirm: 'other' });
    expect(weak.status).toBe(400);
    const weakPage = await weak.text();
    expect(weakPage).toContain('data-field="password"');
    expect(weakPage).toContain('data-field="confirm"');
    const res = await owner.post(path, { name: 'Olive', email: 'olive@example.com', password: PASSWORD, confirm: PASSWORD });
    expect(res.status).toBe(303);
    expect((await owner.page('/console/users')).html).toContain('olive@example.com');

    const late = new WebClient(t.crier.url());
    expect((await late.page(path)).status).toBe(404);
    await late.page('/login');
    const replay = await late.post(path, { name: 'Mallory', email: 'mallory@example.com', password: PASSWORD, confirm: PASSWORD });
    expect(replay.status).toBe(404);
    expect(await replay.text()).toContain('data-field="token"');
  });

  it('[A4] when the sign-in form gets wrong passwords, then the answers are delayed more each time and then the account is locked (423)', async () => {
    const { email } = await createAccount(t.store, 'staff');
    const client = new WebClient(t.crier.url());
    await client.page('/login');
    slept.length = 0;
    const statuses: number[] = [];
    for (let i = 0; i < POLICY.lockAfter; i++) statuses.push((await client.post('/login', { email, password: 'guess' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 423]);
    expect(slept).toEqual([100, 200, 400, 400]);
    const locked = await client.post('/login', { email, password: PASSWORD });
    expect(locked.status).toBe(423);
    expect(await locked.text()).toContain('data-field="email"');
  });

  it('[A4] when sessions start, then the cookie is HttpOnly and SameSite=Lax, a new id is issued at sign-in, and sign-out ends it', async () => {
    const { email } = await createAccount(t.store, 'comms');
    const client = new WebClient(t.crier.url());
    client.cookies.set('crier_session', 'attacker-chosen-session-id-aaaaaaaaaaaaaaaaaaaaaa');
    await client.page('/login');
    const res = await client.post('/login', { email, password: PASSWORD });
    expect(res.status).toBe(303);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('crier_session=')) as string;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/);
    expect(client.cookies.get('crier_session')).not.toBe('attacker-chosen-session-id-aaaaaaaaaaaaaaaaaaaaaa');
    const cookie = client.cookies.get('crier_session') as string;
    expect((await client.page('/console')).status).toBe(200);
    expect((await client.post('/logout')).status).toBe(303);
    const replay = await fetch(`${t.crier.url()}/console`, { headers: { cookie: `crier_session=${cookie}`, accept: 'text/html' }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/login?next=%2Fconsole');
  });

  it('[A4] when an owner creates an API token, then it is shown once, works as a bearer token, shows its last use, and stops when revoked', async () => {
    const owner = await signedIn(t.store, t.crier.url(), 'owner');
    const created = await owner.post('/console/tokens', { name: 'uptime monitor', role: 'comms' });
    expect(created.status).toBe(201);
    const secret = /class="secret">(crier_[A-Za-z0-9_-]+)</.exec(await created.text())?.[1] as string;
    expect(secret).toBeDefined();
    const list = (await owner.page('/console/tokens')).html;
    expect(list).not.toContain(secret);
    expect(list).toContain(`${secret.slice(0, 12)}…`);
    const api = await fetch(`${t.crier.url()}/api/incidents`, { headers: { authorization: `Bearer ${secret}` } });
    expect(api.status).toBe(200);
    const row = /<tr><td>uptime monitor<\/td>(.*?)<\/tr>/s.exec((await owner.page('/console/tokens')).html)?.[1] ?? '';
    const cells = [...row.matchAll(/<td>(.*?)<\/td>/gs)].map((m) => m[1]);
    expect(cells[0]).toBe('comms');
    expect(cells[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const id = /action="\/console\/tokens\/(\d+)\/revoke"/.exec(list)?.[1] as string;
    expect((await owner.post(`/console/tokens/${id}/revoke`)).status).toBe(303);
    const after = await fetch(`${t.crier.url()}/api/incidents`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('authorization');
  });

  it('[A4] when an owner invites someone, then the link creates that account with that role once', async () => {
    const owner = await signedIn(t.store, t.crier.url(), 'owner');
    const res = await owner.post('/console/users', { email: 'Front.Desk@Example.com', role: 'staff' });
    expect(res.status).toBe(201);
    const link = /class="secret">([^<]+)</.exec(await res.text())?.[1] as string;
    const path = new URL(link).pathname;
    const joiner = new WebClient(t.crier.url());
    const form = await joiner.page(path);
    expect(form.html).toContain('front.desk@example.com');
    expect((await joiner.post(path, { name: 'Fran', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
    const desk = await joiner.page('/console');
    expect(desk.html).toContain('front.desk@example.com (staff)');
    expect((await joiner.page('/console/users')).status).toBe(403);
    expect((await new WebClient(t.crier.url()).page(path)).status).toBe(404);
  });

  it('when sign-in is hammered from one address, then the rate limit answers 429', async () => {
    const limited = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    try {
      const client = new WebClient(limited.crier.url());
      await client.page('/login');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await client.post('/login', { email: 'nobody@example.com', password: 'x' })).status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await limited.stop();
    }
  });
});

describe('session cookies over https', () => {
  it('[A4] when PUBLIC_URL is https, then cookies are Secure with the __Host- prefix', async () => {
    const t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1, env: { PUBLIC_URL: 'https://status.example.com' } });
    try {
      const login = await fetch(`http://127.0.0.1:${(t.crier.server.address() as { port: number }).port}/login`, { headers: { accept: 'text/html' } });
      const formCookie = login.headers.getSetCookie()[0] as string;
      expect(formCookie).toMatch(/^__Host-crier_form=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await t.stop();
    }
  });
});

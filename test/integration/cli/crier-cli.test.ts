import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHANNELS } from '../../../src/channels/provider';
import { Sandbox } from '../../../src/channels/sandbox';
import { countByState } from '../../../src/delivery/delivery.repository';
import { getIncident } from '../../../src/incidents/incident.repository';
import { getScriptByKey } from '../../../src/scripts/script.repository';
import { getDraftVersion } from '../../../src/scripts/script-version.repository';
import { approve, DEFAULT_SCRIPT_RULES } from '../../../src/scripts/script.service';
import { openStore, type Store } from '../../../src/store/dialect';
import { runCrier } from '../../support/cli';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const VARS = ['--var', 'service=Checkout', '--var', 'impact=Payments fail for some customers.', '--var', 'started_at=09:40 UTC', '--var', 'next_update=10:30 UTC', '--var', 'support_contact=support@example.com'];

const directory = {
  contacts: [
    { key: 'cust-ana', kind: 'customer', name: 'Ana Lopez', addresses: [
      { channel: 'email', address: 'ana@example.com', subscription: { consent: 'confirmed', source: 'checkout box', at: '2025-01-14T10:00:00Z' } },
      { channel: 'sms', address: '+15555550131', subscription: { consent: 'confirmed', source: 'checkout box', at: '2025-01-14T10:00:00Z' } },
    ] },
    { key: 'cust-ben', kind: 'customer', name: 'Ben Ode', addresses: [
      { channel: 'email', address: 'ben@example.com', subscription: { consent: 'confirmed', source: 'account settings', at: '2025-01-14T10:00:00Z' } },
    ] },
  ],
};

/** Live-looking credentials that point email and SMS at fakes this test reads; Slack and X stay in the CLI's own sandbox. */
function providersAt(sandbox: Sandbox): Record<string, string> {
  return {
    SENDGRID_API_KEY: Sandbox.credentials.sendgridApiKey, SENDGRID_API_URL: sandbox.sendgrid.url,
    TWILIO_ACCOUNT_SID: sandbox.twilio.accountSid, TWILIO_AUTH_TOKEN: sandbox.twilio.authToken, TWILIO_FROM: '+15005550006', TWILIO_API_URL: sandbox.twilio.url,
  };
}

async function approveStarter(store: Store, key: string): Promise<void> {
  const script = await getScriptByKey(store.db, key);
  const draft = script && (await getDraftVersion(store.db, script.id));
  if (!draft) throw new Error(`no draft of ${key}`);
  await approve(store.db, draft.id, 'user:owner', DEFAULT_SCRIPT_RULES);
}

describe.each(DIALECTS)('%s: crier against the local store', (dialect) => {
  let dir: string;
  let sandbox: Sandbox;
  let pgStore: TestStore | undefined;
  let env: Record<string, string>;
  const openOwnStore = (): Store => (pgStore ?? openStore({ kind: 'sqlite', file: path.join(dir, 'crier.db') }));
  const closeOwnStore = async (store: Store) => { if (store !== pgStore) await store.close(); };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-cli-'));
    sandbox = await new Sandbox().start();
    // Embedded: an empty DATA_DIR, as on a fresh install. Postgres: a fresh database.
    pgStore = dialect === 'postgres' ? await openTestStore('postgres') : undefined;
    env = { ...providersAt(sandbox), ...(pgStore ? { DATABASE_URL: pgStore.location, SECRET_KEY: 's'.repeat(32) } : { DATA_DIR: dir }) };
  });
  afterAll(async () => {
    await sandbox.stop();
    await pgStore?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[B1] when a fresh install imports contacts, approves the starter notice and runs crier send with no service running, then the CLI delivers it to the fakes and exits 0', async () => {
    const file = path.join(dir, 'contacts.json');
    fs.writeFileSync(file, JSON.stringify(directory));
    const imported = await runCrier(['import', file], env);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/contacts\s+created 2/);

    const store = openOwnStore();
    await approveStarter(store, 'investigating');
    await closeOwnStore(store);

    const sent = await runCrier(['send', '--script', 'investigating', ...VARS, '--audience', 'customers', '--channel', 'email,sms', '--component', 'checkout'], env);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/Published update \d+ of incident \d+ \(broadcast \d+\) to customers over email, sms\./);
    expect(sent.stderr).toContain('sent from this process: no running Crier claimed them');
    // Not a terminal: one line per change, the last one complete.
    expect(sent.stderr).toMatch(/email +\[#{20}\] 2\/2 +sent 2 +failed 0 +skipped 0/);
    expect(sent.stderr).toMatch(/sms +\[#{20}\] 1\/1 +sent 1 +failed 0 +skipped 0/);

    const mail = sandbox.sendgrid.received.filter((r) => r.path === '/v3/mail/send').map((r) => r.rawBody).join('\n');
    expect(mail).toContain('ana@example.com');
    expect(mail).toContain('ben@example.com');
    expect(mail).toContain('Investigating: a problem with Checkout');
    const sms = sandbox.twilio.messages();
    expect(sms.map((m) => m.to)).toEqual(['+15555550131']);
    expect(sms[0]?.body).toContain('Checkout problem since 09:40 UTC');

    const after = openOwnStore();
    try {
      const broadcastId = Number(/broadcast (\d+)/.exec(sent.stdout)?.[1]);
      expect(await countByState(after.db, { broadcastId })).toEqual({ sent: 3 });
      const audit = await after.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'update.published').execute();
      expect(audit.map((a) => a.actor)).toEqual([`cli:${os.userInfo().username}`]);
    } finally {
      await closeOwnStore(after);
    }
  }, 180_000);

  it('[B1] when the script has no approved version, then crier send publishes nothing, names --script and exits 1', async () => {
    const result = await runCrier(['send', '--script', 'identified', ...VARS, '--var', 'cause=x', '--var', 'fix_eta=soon', '--audience', 'customers', '--channel', 'email'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--script: "identified" has no approved version');
  }, 120_000);
});

describe.each(DIALECTS)('%s: crier against a running instance', (dialect) => {
  let t: TestCrier;
  let dir: string;
  let token: string;
  const remoteVars = ['--var', 'service=Checkout', '--var', 'summary=payments are failing', '--var', 'next_update=14:30 UTC'];

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 3, slackWebhooks: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-cli-remote-'));
    const owner = { kind: 'user' as const, id: 0, role: 'owner' as const, label: 'test', sessionId: '', csrfToken: '' };
    token = (await t.crier.accounts.createToken(owner, { name: 'cli test', role: 'comms' })).secret;
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[B1] when crier send is given --url and a token, then it publishes over the API, follows the broadcast to the end and never prints the token', async () => {
    const result = await runCrier(['send', '--url', t.crier.url(), '--script', 'outage', ...remoteVars, '--audience', 'customers', '--channel', 'email,sms', '--json'], { CRIER_TOKEN: token });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { incidentId: number; broadcastId: number; progress: { settled: boolean; deliveredBy: string; channels: Record<string, unknown> } };
    expect(out.progress).toEqual({
      settled: true, deliveredBy: 'remote',
      channels: { email: { total: 3, sent: 3, failed: 0, skipped: 0, queued: 0 }, sms: { total: 3, sent: 3, failed: 0, skipped: 0, queued: 0 } },
    });
    expect(new Set(t.sandbox.twilio.messages().map((m) => m.to))).toEqual(new Set(t.audience.sms));
    expect(await t.states(out.broadcastId)).toEqual({ sent: 6 });
    expect(result.stdout + result.stderr).not.toContain(token);

    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const resolved = await runCrier(['resolve', String(out.incidentId), '--url', t.crier.url(), '--token-file', file, '--script', 'outage', ...remoteVars, '--audience', 'customers', '--channel', 'email'], {});
    expect(resolved.code).toBe(0);
    expect(resolved.stderr).toContain(`sent by ${t.crier.url()}`);
    expect((await getIncident(t.store.db, out.incidentId))?.status).toBe('resolved');
  }, 180_000);

  it('[B1] when an owner token is given, then import, user add and token create work over the API; a comms token may import but not make tokens', async () => {
    const owner = { kind: 'user' as const, id: 0, role: 'owner' as const, label: 'test', sessionId: '', csrfToken: '' };
    const ownerToken = (await t.crier.accounts.createToken(owner, { name: 'cli owner', role: 'owner' })).secret;
    const csv = path.join(dir, 'contacts.csv');
    fs.writeFileSync(csv, 'key,name,email,phone\nremote-good,Remote Good,remote-good@example.com,\nremote-bad,Remote Bad,,555-12\n');
    const imported = await runCrier(['import', csv, '--url', t.crier.url()], { CRIER_TOKEN: token });
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('row 3, phone: "555-12" is not a valid phone number');
    expect(await t.store.db.selectFrom('contacts').select('name').where('key', '=', 'remote-good').executeTakeFirst()).toEqual({ name: 'Remote Good' });

    const refused = await runCrier(['token', 'create', '--name', 'x', '--role', 'staff', '--url', t.crier.url()], { CRIER_TOKEN: token });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('tokens:manage');
    const made = await runCrier(['token', 'create', '--name', 'remote cron', '--role', 'staff', '--url', t.crier.url(), '--json'], { CRIER_TOKEN: ownerToken });
    expect(made.code).toBe(0);
    const { secret } = JSON.parse(made.stdout) as { secret: string };
    expect(await t.crier.accounts.tokenPrincipal(secret)).toMatchObject({ kind: 'token', role: 'staff', label: 'remote cron' });
    const invited = await runCrier(['user', 'add', '--email', 'remote.person@example.com', '--role', 'staff', '--url', t.crier.url()], { CRIER_TOKEN: ownerToken });
    expect(invited.code).toBe(0);
    expect(invited.stdout).toContain(`${t.crier.url()}/invite/`);
  }, 180_000);

  it('[B1] when the token is wrong, then crier exits 3 saying the instance refused it; when the instance is not there, it exits 3 too', async () => {
    const refused = await runCrier(['scripts', '--url', t.crier.url()], { CRIER_TOKEN: 'crier_not-a-real-token-at-all' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused the token');
    const gone = await runCrier(['incidents', '--url', 'http://127.0.0.1:9'], { CRIER_TOKEN: token });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('Could not reach http://127.0.0.1:9');
    expect(gone.stderr).not.toContain(token);
  }, 120_000);
});

describe.each(DIALECTS)('%s: crier on the store of a running service', (dialect) => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(dialect, { recipients: 2, slackWebhooks: false }); });
  afterAll(async () => { await t?.stop(); });
  const env = () => ({ DATABASE_URL: t.crier.config.DATABASE_URL as string, SECRET_KEY: 'k'.repeat(32) });

  it('[B1] when a service runs on the same store, then crier send only publishes and the service\'s lanes deliver it', async () => {
    const result = await runCrier(['send', '--script', 'outage', '--var', 'service=Checkout', '--var', 'summary=payments fail', '--var', 'next_update=14:30 UTC', '--audience', 'customers', '--channel', 'sms'], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('sent by the running Crier');
    // The service's own sandbox got them: the CLI's lanes never started.
    expect(new Set(t.sandbox.twilio.messages().map((m) => m.to))).toEqual(new Set(t.audience.sms));
  }, 120_000);

  it('[B1] when an owner adds a person with a password piped in, and creates a token, then both work against the service and neither secret is in the arguments', async () => {
    const password = 'correct horse battery staple';
    const added = await runCrier(['user', 'add', '--email', 'Night.Shift@example.com', '--role', 'comms', '--password-stdin'], env(), { stdin: `${password}\n` });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Created night.shift@example.com (comms');
    const login = await t.crier.accounts.login('night.shift@example.com', password, '127.0.0.1');
    expect(login.ok).toBe(true);

    const invited = await runCrier(['user', 'add', '--email', 'front.desk@example.com', '--role', 'staff', '--json'], env());
    expect(invited.code).toBe(0);
    const invitation = JSON.parse(invited.stdout) as { kind: string; url: string };
    expect(invitation.kind).toBe('invitation');
    const inviteToken = invitation.url.split('/invite/')[1] as string;
    expect(await t.crier.accounts.invitation(inviteToken)).toEqual({ email: 'front.desk@example.com', role: 'staff' });

    const made = await runCrier(['token', 'create', '--name', 'status cron', '--role', 'staff'], env());
    expect(made.code).toBe(0);
    const secret = made.stdout.trim();
    expect(secret).toMatch(/^crier_/);
    expect(made.stderr).toContain('shown this once');
    const listed = await runCrier(['incidents', '--url', t.crier.url(), '--json'], { CRIER_TOKEN: secret });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { incidents: unknown[] }).incidents.length).toBeGreaterThan(0);
  }, 180_000);

  it('[B1] when the piped password is too short, then no account is made and the message names --password-stdin', async () => {
    const result = await runCrier(['user', 'add', '--email', 'short@example.com', '--role', 'staff', '--password-stdin'], env(), { stdin: 'short\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password-stdin: the password must be at least 12 characters');
    expect((await t.crier.accounts.users()).some((u) => u.email === 'short@example.com')).toBe(false);
  }, 60_000);
});

describe('crier with bad arguments', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crier-cli-args-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const send = ['send', '--audience', 'customers', '--channel', 'email'];
  it.each([
    ['an unknown command', ['frobnicate'], 'unknown command "frobnicate"'],
    ['a missing --script', send, '--script: is required'],
    ['a bad --channel value', ['send', '--script', 'investigating', '--audience', 'customers', '--channel', 'email,fax'], `--channel: must be one or more of ${CHANNELS.join(', ')} (got "fax")`],
    ['a --var without =', [...send, '--script', 'investigating', '--var', 'service'], '--var: must be name=value'],
    ['a bad --url', ['scripts', '--url', 'ftp://status.example.com'], '--url: must be the instance\'s http:// or https:// address'],
    ['an unknown option', ['scripts', '--colour'], "Unknown option '--colour'"],
    ['a missing <incident>', ['update', '--script', 'identified', '--audience', 'customers', '--channel', 'email'], '<incident>: is required'],
    ['a --url without a token', ['incidents', '--url', 'https://status.example.com'], '--token-file: --url needs an API token'],
  ])('[B1] when crier is given %s, then it exits 2 naming the argument and touches no store', async (_what, args, message) => {
    const result = await runCrier(args, { DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 60_000);
});

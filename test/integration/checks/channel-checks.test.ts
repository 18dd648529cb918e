import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { slackPosts } from '../../../src/channels/sandbox/slack.fake';
import type { TimerTask, Timers } from '../../../src/timers/timers';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { signedIn } from '../../support/session';

/** A Timers adapter that only records what registers, so the test runs a tick when it wants. */
class RecordingTimers implements Timers {
  readonly tasks = new Map<string, { intervalMs: number; task: TimerTask }>();
  every(name: string, intervalMs: number, task: TimerTask): void { this.tasks.set(name, { intervalMs, task }); }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

const TIMEOUT_MS = 700;
/** CHANNEL_CHECK_MINUTES' default. */
const INTERVAL = 5 * 60_000;

describe('check channels against the sandbox fakes', () => {
  let t: TestCrier;
  let comms: Awaited<ReturnType<typeof signedIn>>;
  const timers = new RecordingTimers();

  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1, env: { PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS) }, overrides: { timers } });
    comms = await signedIn(t.store, t.crier.url(), 'comms');
  });
  afterAll(async () => { await t?.stop(); });
  afterEach(async () => {
    await t.sandbox.slack.setFault(undefined);
    await t.sandbox.x.setFault(undefined);
  });

  const fakes = () => [t.sandbox.sendgrid, t.sandbox.twilio, t.sandbox.slack, t.sandbox.x, t.sandbox.mastodon, t.sandbox.bluesky];
  const requests = () => fakes().map((f) => f.requestCount);
  const rows = (page: string) => Object.fromEntries([...page.matchAll(/<tr data-provider="([^"]+)" data-ok="(true|false)"><td>[^<]*<\/td><td>[^<]*<\/td><td>.*?<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[1], { ok: m[2] === 'true', detail: m[3] }]));
  const readyz = async () => (await fetch(`${t.crier.url()}/readyz`)).json() as Promise<{ ok: boolean; store: string; channels: Record<string, unknown>; checks: Record<string, { ok: boolean; detail: string; checkedAt: string; channel: string }> }>;

  it('[B4] when comms checks channels with the Slack fake answering invalid_auth, then each provider is reported, Slack failing, and nobody is messaged', async () => {
    for (const f of fakes()) f.clear();
    t.sandbox.smtp.clear();
    await t.sandbox.slack.setFault({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    await comms.page('/console/channels');
    const res = await comms.post('/console/channels/check');
    expect(res.status).toBe(303);
    const page = await comms.page('/console/channels');
    expect(rows(page.html)).toEqual({
      'email-sendgrid': { ok: true, detail: 'API key with 2 scopes, mail.send among them' },
      'email-smtp': { ok: true, detail: 'server greeted and accepted the login' },
      'sms-twilio': { ok: true, detail: 'account Crier sandbox is active' },
      'slack-webapi': { ok: false, detail: 'invalid_auth' },
      'x-twitter': { ok: true, detail: 'signed in as @crier_sandbox' },
      'mastodon-masto': { ok: true, detail: 'signed in as @crier' },
      'bluesky-atproto': { ok: true, detail: 'signed in as @crier.bsky.social' },
    });
    // Each fake was asked who the credentials belong to, and nothing was sent anywhere.
    expect(t.sandbox.sendgrid.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v3/scopes']);
    expect(t.sandbox.twilio.received.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /2010-04-01/Accounts/${t.sandbox.twilio.accountSid}.json`]);
    expect(t.sandbox.slack.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/auth.test']);
    expect(t.sandbox.x.received.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['GET /2/users/me']);
    expect(t.sandbox.mastodon.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/accounts/verify_credentials']);
    expect(t.sandbox.bluesky.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /xrpc/com.atproto.server.createSession', 'GET /xrpc/com.atproto.server.getSession']);
    expect([sendgridRecipients(t.sandbox.sendgrid), t.sandbox.smtp.received, t.sandbox.twilio.messages(), slackPosts(t.sandbox.slack), t.sandbox.x.posts(), t.sandbox.mastodon.posts(), t.sandbox.bluesky.posts()])
      .toEqual([[], [], [], [], [], [], []]);
  });

  it('[B4] when /readyz is asked, then it shows the last check of each provider with its time, in its old shape, without calling any provider', async () => {
    const before = requests();
    const body = await readyz();
    await readyz();
    expect(requests()).toEqual(before);
    expect(body).toMatchObject({ ok: true, store: 'sqlite', channels: expect.any(Object) });
    expect(body.checks['slack-webapi']).toMatchObject({ channel: 'slack', ok: false, detail: 'invalid_auth' });
    expect(body.checks['sms-twilio']).toMatchObject({ channel: 'sms', ok: true });
    expect(Date.now() - Date.parse(body.checks['slack-webapi']?.checkedAt ?? '')).toBeLessThan(60_000);
  });

  it('when comms checks again within 30 seconds, then the last results answer and no provider is called', async () => {
    const before = requests();
    expect((await comms.post('/console/channels/check')).status).toBe(303);
    expect(requests()).toEqual(before);
  });

  it('[B4] when a provider hangs as the timer runs the due checks, then its check fails at its own timeout and the others still report', async () => {
    await t.sandbox.x.setFault({ hang: true });
    const started = Date.now();
    await timers.tasks.get('channel-checks')?.task(Date.now() + INTERVAL + 1);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    const checks = (await readyz()).checks;
    expect(checks['x-twitter']).toMatchObject({ ok: false, detail: `no answer within ${TIMEOUT_MS} ms` });
    expect(checks['slack-webapi']).toMatchObject({ ok: true });
  });

  it('[B4] when the timer ticks, then checks run only once they are due', async () => {
    const tick = timers.tasks.get('channel-checks');
    expect(tick).toBeDefined();
    expect(tick?.intervalMs).toBe(60_000);
    t.sandbox.twilio.clear();
    await tick?.task(Date.now());
    expect(t.sandbox.twilio.requestCount).toBe(0);
    await tick?.task(Date.now() + 2 * INTERVAL + 2);
    expect(t.sandbox.twilio.requestCount).toBe(1);
  });
});

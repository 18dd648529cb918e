import { startTestCrier, type TestCrier } from '../../support/crier';
import { WebClient } from '../../support/session';
import { linkIn, mailTo } from '../../support/webhooks';

describe('generic webhook subscribers', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1, env: { ALLOW_LOOPBACK_WEBHOOKS: 'true' }, overrides: { rateLimits: { publicForms: 1000 } } });
  });
  afterAll(async () => { await t?.stop(); });

  it('[R2] [R6] when a webhook is subscribed, then only the contact email hears until it is confirmed; then each update arrives signed in the Statuspage envelope', async () => {
    const contact = 'hooks-owner@example.com';
    const url = `${t.sandbox.webhook.url}/hooks/r6`;
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    expect((await visitor.post('/subscribe', { channel: 'webhook', address: url, contact_email: contact })).status).toBe(200);
    expect(mailTo(t, contact)).toHaveLength(1);
    expect(mailTo(t, contact)[0]?.text).toContain(url);
    const pending = await t.publish({ channels: ['webhook'] });
    expect(await t.settled(pending.broadcastId, 10_000)).toBe(true);
    expect(await t.states(pending.broadcastId, 'webhook')).toEqual({ skipped: 1 });
    expect(t.sandbox.webhook.received).toHaveLength(0);

    const confirm = linkIn(mailTo(t, contact)[0]?.text ?? '', 'confirm');
    await visitor.page(confirm);
    const page = await (await visitor.post(confirm)).text();
    const secret = /<pre class="webhook-secret">(whsec_[A-Za-z0-9_-]{43})<\/pre>/.exec(page)?.[1] as string;
    expect(secret).toMatch(/^whsec_/);
    // Shown once: the link is spent, and the store holds only the sealed form.
    expect((await visitor.page(confirm)).status).toBe(404);
    const stored = await t.store.db.selectFrom('subscriptions').select('webhook_secret').where('contact_email', '=', contact).executeTakeFirstOrThrow();
    expect(stored.webhook_secret).toMatch(/^v1\./);
    expect(stored.webhook_secret).not.toContain(secret.slice(6));

    t.sandbox.webhook.expectSecret('/hooks/r6', secret);
    const { broadcastId } = await t.publish({ channels: ['webhook'] });
    expect(await t.settled(broadcastId, 10_000)).toBe(true);
    expect(await t.states(broadcastId, 'webhook')).toEqual({ sent: 1 });
    const [post] = t.sandbox.webhook.posts();
    expect(post).toMatchObject({ path: '/hooks/r6', verified: true });
    const body = post?.body as Record<string, Record<string, unknown>>;
    expect(body.meta).toMatchObject({ event_type: 'incident.updated', unsubscribe: expect.stringMatching(new RegExp(`^${t.crier.url()}/unsubscribe/`)) as unknown });
    expect(body.page).toMatchObject({ name: 'Crier', status_indicator: 'major', status_description: 'Partial outage' });
    expect(body.incident).toMatchObject({ name: 'Checkout failing', status: 'investigating', impact: 'major', shortlink: `${t.crier.url()}/status` });
    expect(body.incident?.incident_updates).toEqual([expect.objectContaining({ status: 'investigating', title: 'Checkout: payments are failing for some customers', body: expect.stringContaining('We will post the next update by 14:30 UTC') as unknown })]);
  });

  it('[R2] when a webhook subscribes through the public JSON API, then it gets the same double opt-in, and bad input is named', async () => {
    const api = (body: unknown, type = 'application/json') => fetch(`${t.crier.url()}/api/subscriptions`, { method: 'POST', headers: { 'content-type': type, accept: 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const ok = await api({ channel: 'webhook', address: `${t.sandbox.webhook.url}/hooks/api`, contact_email: 'api-hooks@example.com', components: [] });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ status: 'confirmation_sent', channel: 'email', expiresInHours: 48 });
    expect(mailTo(t, 'api-hooks@example.com')[0]?.subject).toBe('Confirm: Crier status updates');
    const sub = await t.store.db.selectFrom('subscriptions').select(['consent', 'webhook_secret']).where('contact_email', '=', 'api-hooks@example.com').executeTakeFirstOrThrow();
    expect(sub.consent).toBe('pending');

    const noContact = await api({ channel: 'webhook', address: `${t.sandbox.webhook.url}/hooks/api2` });
    expect(noContact.status).toBe(400);
    expect(((await noContact.json()) as { error: { details: unknown } }).error.details).toEqual([expect.objectContaining({ field: 'contact_email' })]);
    const asForm = await api('channel=email&address=a%40example.com', 'application/x-www-form-urlencoded');
    expect(asForm.status).toBe(400);
    expect(((await asForm.json()) as { error: { details: unknown } }).error.details).toEqual([{ field: '(body)', message: 'content-type must be application/json' }]);
  });
});

describe('[R3] webhook URLs on the save path, without the sandbox setting', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1, overrides: { rateLimits: { publicForms: 1000 } } });
  });
  afterAll(async () => { await t?.stop(); });

  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1 is a loopback address'],
    ['https://[::1]/hook', '::1 is a loopback address'],
    ['https://10.1.2.3/hook', '10.1.2.3 is a private network address'],
    ['https://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
    ['https://localhost/hook', 'localhost resolves to'],
  ])('[R3] when the form or the API is given %s, then it is refused naming the address and nothing is stored', async (url, reason) => {
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    const form = await visitor.post('/subscribe', { channel: 'webhook', address: url, contact_email: 'r3@example.com' });
    expect(form.status).toBe(400);
    const html = await form.text();
    expect(html).toContain('data-field="address"');
    expect(html).toContain(reason);
    const api = await fetch(`${t.crier.url()}/api/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'webhook', address: url, contact_email: 'r3@example.com' }) });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { details: unknown } }).error.details).toEqual([{ field: 'address', message: expect.stringContaining(reason) as unknown }]);
    expect(await t.store.db.selectFrom('addresses').select('id').where('channel', '=', 'webhook').execute()).toEqual([]);
    expect(mailTo(t, 'r3@example.com')).toHaveLength(0);
  });
});

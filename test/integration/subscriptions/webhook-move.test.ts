import { startTestCrier, type TestCrier } from '../../support/crier';
import { WebClient } from '../../support/session';
import { subscribeWebhook } from '../../support/webhooks';

/**
 * A webhook subscriber moves their endpoint from the manage page: the new URL passes the URL
 * guard and answers a signed test before anything changes, and keeps the same secret.
 */
describe('moving a webhook to a new URL', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1, env: { ALLOW_LOOPBACK_WEBHOOKS: 'true' }, overrides: { rateLimits: { publicForms: 1000 } } });
  });
  afterAll(async () => { await t?.stop(); });

  const addressOf = async (contactEmail: string) => (await t.store.db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id')
    .select('addresses.address').where('subscriptions.contact_email', '=', contactEmail).executeTakeFirstOrThrow()).address;

  it('[R6] when a subscriber moves the webhook, then a refused or unreachable URL changes nothing, and an accepted one gets the signed test and the next update with the same secret', async () => {
    const hook = await subscribeWebhook(t, '/hooks/old', 'mover@example.com');
    const other = await subscribeWebhook(t, '/hooks/taken', 'other@example.com');
    const moved = hook.url.replace('/hooks/old', '/hooks/new');
    t.sandbox.webhook.expectSecret('/hooks/new', hook.secret);
    const visitor = new WebClient(t.crier.url());
    expect((await visitor.page(hook.manage)).html).toContain('Move to a new URL');

    const guarded = await visitor.post(hook.manage, { action: 'move', url: 'http://169.254.169.254/latest/meta-data' });
    expect(guarded.status).toBe(400);
    expect(await guarded.text()).toContain('value="http://169.254.169.254/latest/meta-data"');
    const toOther = () => t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/taken').length;
    const otherBefore = toOther();
    const taken = await visitor.post(hook.manage, { action: 'move', url: other.url });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain('another subscription already sends to this URL');
    // Refused before the test ping: no signed test reaches another subscriber's endpoint.
    expect(toOther()).toBe(otherBefore);

    await t.sandbox.webhook.setFault({ status: 404, body: 'no such hook' });
    const unreachable = await visitor.post(hook.manage, { action: 'move', url: moved });
    expect(unreachable.status).toBe(502);
    expect(await unreachable.text()).toContain('the test to the new URL was not accepted');
    await t.sandbox.webhook.setFault(undefined);
    expect(await addressOf('mover@example.com')).toBe(hook.url);

    const ok = await visitor.post(hook.manage, { action: 'move', url: moved });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('updates now go to the new URL');
    expect(await addressOf('mover@example.com')).toBe(moved);
    expect(t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/new').at(-1)).toMatchObject({ verified: true, body: { meta: { event_type: 'ping' } } });
    const audit = await t.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'subscription.moved').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).not.toContain('/hooks/');

    const before = t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/old').length;
    const { broadcastId } = await t.publish({ channels: ['webhook'] });
    expect(await t.settled(broadcastId, 10_000)).toBe(true);
    const update = t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/new' && (p.body as { meta?: { event_type?: string } }).meta?.event_type !== 'ping');
    expect(update).toHaveLength(1);
    expect(update[0]?.verified).toBe(true);
    expect(t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/old')).toHaveLength(before);
  });
});

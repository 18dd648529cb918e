import { createTeamMember } from '../../../src/roster/team-member.repository';
import { previewAudience } from '../../../src/incidents/audience-preview';
import { WEBHOOK_DISABLE_AFTER } from '../../../src/subscriptions/webhook-health.service';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildTeamMember } from '../../support/factories';
import { signedIn, WebClient } from '../../support/session';
import { mailTo, subscribeWebhook } from '../../support/webhooks';

const NOTICE = 'Crier: a webhook subscriber was disabled';

describe('[R7] webhooks that keep failing', () => {
  let t: TestCrier;
  beforeAll(async () => {
    // One attempt per delivery, so each broadcast's webhook delivery ends failed at once.
    t = await startTestCrier('sqlite', { recipients: 1, env: { ALLOW_LOOPBACK_WEBHOOKS: 'true', MAX_ATTEMPTS: '1' }, overrides: { rateLimits: { publicForms: 1000 } } });
    await createTeamMember(t.store.db, buildTeamMember({ key: 'the-owner', role: 'owner', email: 'owner@example.com', phone: '+12015550199' }));
  });
  afterAll(async () => { await t?.stop(); });

  const webhookStates = async (broadcastId: number) => {
    expect(await t.settled(broadcastId, 10_000)).toBe(true);
    return t.states(broadcastId, 'webhook');
  };
  const noticesSettled = async () => {
    const notice = await t.store.db.selectFrom('incident_updates').select('id').where('created_by', '=', 'system:webhook-health').executeTakeFirst();
    const broadcast = notice && await t.store.db.selectFrom('broadcasts').select('id').where('update_id', '=', notice.id).executeTakeFirstOrThrow();
    return broadcast ? t.settled(broadcast.id, 10_000) : false;
  };

  it(`[R7] when ${WEBHOOK_DISABLE_AFTER} deliveries in a row fail, then the webhook is disabled, skipped as "disabled", the owners and the contact are told, and the console marks it`, async () => {
    const hook = await subscribeWebhook(t, '/hooks/flaky', 'flaky-contact@example.com');
    t.sandbox.webhook.expectSecret('/hooks/flaky', hook.secret);
    // A success in between resets the count: only consecutive failures disable.
    await t.sandbox.webhook.setFault({ status: 500, body: 'down' });
    for (let i = 0; i < WEBHOOK_DISABLE_AFTER - 1; i += 1) expect(await webhookStates((await t.publish({ channels: ['webhook'] })).broadcastId)).toEqual({ failed: 1 });
    await t.sandbox.webhook.setFault(undefined);
    expect(await webhookStates((await t.publish({ channels: ['webhook'] })).broadcastId)).toEqual({ sent: 1 });
    await t.sandbox.webhook.setFault({ status: 500, body: 'down' });
    for (let i = 0; i < WEBHOOK_DISABLE_AFTER - 1; i += 1) expect(await webhookStates((await t.publish({ channels: ['webhook'] })).broadcastId)).toEqual({ failed: 1 });
    const before = await t.store.db.selectFrom('subscriptions').select(['disabled_at', 'webhook_failures']).where('contact_email', '=', 'flaky-contact@example.com').executeTakeFirstOrThrow();
    expect(before).toEqual({ disabled_at: null, webhook_failures: WEBHOOK_DISABLE_AFTER - 1 });

    expect(await webhookStates((await t.publish({ channels: ['webhook'] })).broadcastId)).toEqual({ failed: 1 });
    const after = await t.store.db.selectFrom('subscriptions').select(['disabled_at', 'disabled_reason']).where('contact_email', '=', 'flaky-contact@example.com').executeTakeFirstOrThrow();
    expect(after.disabled_at).not.toBeNull();
    expect(after.disabled_reason).toContain('webhook-http 500');
    expect(await noticesSettled()).toBe(true);
    expect(mailTo(t, 'owner@example.com').filter((m) => m.subject === NOTICE)).toHaveLength(1);
    expect(mailTo(t, 'flaky-contact@example.com').filter((m) => m.subject === NOTICE)).toHaveLength(1);
    expect(mailTo(t, 'owner@example.com').find((m) => m.subject === NOTICE)?.text).toContain(hook.url);
    expect(t.sandbox.twilio.messages().filter((m) => m.to === '+12015550199' && m.body.includes('disabled'))).toHaveLength(1);
    const audit = await t.store.db.selectFrom('audit_log').select('action').where('action', '=', 'subscription.disabled').execute();
    expect(audit).toHaveLength(1);

    const preview = await previewAudience(t.store.db, { audiences: ['customers'], channels: ['webhook'], components: [] });
    expect(preview[0]?.skipped.disabled).toBe(1);
    const skipped = await t.publish({ channels: ['webhook'] });
    expect(await webhookStates(skipped.broadcastId)).toEqual({ skipped: 1 });
    expect(await t.store.db.selectFrom('deliveries').select('skip_reason').where('broadcast_id', '=', skipped.broadcastId).where('channel', '=', 'webhook').execute()).toEqual([{ skip_reason: 'disabled' }]);

    const comms = await signedIn(t.store, t.crier.url(), 'comms');
    const home = await comms.page('/console');
    expect(home.html).toContain('1 webhook subscriber is disabled');
    expect(home.html).toContain(hook.url);
  });

  it('[R7] when the manage page sends a test that fails, then the webhook stays off; when it succeeds, then it is on again and the next update arrives', async () => {
    const hook = await subscribeWebhook(t, '/hooks/second', 'second-contact@example.com');
    t.sandbox.webhook.expectSecret('/hooks/second', hook.secret);
    await t.store.db.updateTable('subscriptions').set({ disabled_at: Date.now(), disabled_reason: 'webhook-http 500: down', webhook_failures: WEBHOOK_DISABLE_AFTER }).where('contact_email', '=', 'second-contact@example.com').execute();

    await t.sandbox.webhook.setFault({ status: 503, body: 'still down' });
    const visitor = new WebClient(t.crier.url());
    const page = await visitor.page(hook.manage);
    expect(page.html).toContain('This webhook is off');
    const failed = await visitor.post(hook.manage, { action: 'test' });
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('the webhook stays off');
    await t.sandbox.webhook.setFault(undefined);
    const ok = await visitor.post(hook.manage, { action: 'test' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('the webhook is on again');
    const ping = t.sandbox.webhook.posts().filter((p) => p.path === '/hooks/second').at(-1);
    expect(ping).toMatchObject({ verified: true, body: { meta: { event_type: 'ping' } } });

    const { broadcastId } = await t.publish({ channels: ['webhook'] });
    expect(await t.settled(broadcastId, 10_000)).toBe(true);
    const rows = await t.store.db.selectFrom('deliveries').select(['address', 'state']).where('broadcast_id', '=', broadcastId).where('channel', '=', 'webhook').orderBy('address').execute();
    expect(rows).toEqual([{ address: hook.url.replace('/hooks/second', '/hooks/flaky'), state: 'skipped' }, { address: hook.url, state: 'sent' }]);
  });
});

import { createComponent } from '../../../src/components/component.repository';
import { signTwilio } from '../../../src/channels/webhook-signatures';
import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { unsubscribeToken } from '../../../src/subscriptions/unsubscribe-link';
import { CONFIRM_TTL_MS } from '../../../src/subscriptions/self-service';
import { tokenDigest } from '../../../src/contacts/subscription';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { WebClient } from '../../support/session';

const mailTo = (t: TestCrier, address: string) => sendgridRecipients(t.sandbox.sendgrid).filter((m) => m.to.includes(address));

describe('self-service subscriptions', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 2, overrides: { rateLimits: { publicForms: 1000 } } });
    await createComponent(t.store.db, { key: 'checkout', name: 'Checkout' });
    await createComponent(t.store.db, { key: 'website', name: 'Website' });
  });
  afterAll(async () => { await t?.stop(); });

  async function subscribe(address: string, components: string[] = []): Promise<Response> {
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    const body = new URLSearchParams({ _csrf: visitor.csrf, channel: 'email', address });
    for (const c of components) body.append('components', c);
    return fetch(`${t.crier.url()}/subscribe`, { method: 'POST', headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body });
  }
  const linkIn = (text: string, kind: 'confirm' | 'manage') => new RegExp(`(/subscribe/${kind}/[A-Za-z0-9_-]{43})`).exec(text)?.[1] as string;

  async function settledPublish(components: string[]) {
    const { broadcastId } = await t.publish({ incident: { title: `Trouble with ${components.join(', ')}`, impact: 'major', components }, channels: ['email'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    return broadcastId;
  }

  it('[R2] when a visitor subscribes, then only the confirmation is sent until confirmed, and after confirming the next update arrives', async () => {
    const address = 'reader@example.com';
    const res = await subscribe(address);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Almost done');
    const mails = mailTo(t, address);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Confirm: Crier status updates');
    const sub = await t.store.db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id').select(['consent']).where('addresses.address', '=', address).executeTakeFirstOrThrow();
    expect(sub.consent).toBe('pending');

    const pendingBroadcast = await settledPublish([]);
    expect(mailTo(t, address)).toHaveLength(1);
    expect(await t.store.db.selectFrom('deliveries').select(['state', 'skip_reason']).where('broadcast_id', '=', pendingBroadcast).where('address', '=', address).execute())
      .toEqual([{ state: 'skipped', skip_reason: 'consent not confirmed' }]);

    const confirm = linkIn(mails[0]?.text ?? '', 'confirm');
    const visitor = new WebClient(t.crier.url());
    const page = await visitor.page(confirm);
    expect(page.status).toBe(200);
    expect(page.html).toContain(address);
    // Following the link (a GET, as a mail scanner would) changes nothing.
    expect((await t.store.db.selectFrom('subscriptions').select('consent').where('confirm_token', '=', tokenDigest(confirm.split('/').pop() as string)).executeTakeFirstOrThrow()).consent).toBe('pending');
    const confirmed = await visitor.post(confirm);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are subscribed');

    await settledPublish([]);
    expect(mailTo(t, address)).toHaveLength(2);
    // The link works once.
    expect((await visitor.post(confirm)).status).toBe(404);
  });

  it('[R2] when a confirmation token is forged, reused or older than 48 hours, then it is refused', async () => {
    const forged = new WebClient(t.crier.url());
    await forged.page('/subscribe');
    expect((await forged.page(`/subscribe/confirm/${'A'.repeat(43)}`)).status).toBe(404);
    const posted = await forged.post(`/subscribe/confirm/${'A'.repeat(43)}`);
    expect(posted.status).toBe(404);
    expect(await posted.text()).toContain('data-field="token"');

    await subscribe('late@example.com');
    const confirm = linkIn(mailTo(t, 'late@example.com')[0]?.text ?? '', 'confirm');
    await t.store.db.updateTable('subscriptions').set({ consent_at: Date.now() - CONFIRM_TTL_MS - 1000 }).where('confirm_token', '=', tokenDigest(confirm.split('/').pop() as string)).execute();
    const late = new WebClient(t.crier.url());
    expect((await late.page(confirm)).status).toBe(404);
    await late.page('/subscribe');
    expect((await late.post(confirm)).status).toBe(404);
  });

  it('[R2] when the manage page narrows the components, then the next update honours it; a GET never unsubscribes and the one-click POST works without cookies', async () => {
    const address = 'picky@example.com';
    await subscribe(address);
    const visitor = new WebClient(t.crier.url());
    const confirm = linkIn(mailTo(t, address)[0]?.text ?? '', 'confirm');
    await visitor.page(confirm);
    const manage = linkIn(await (await visitor.post(confirm)).text(), 'manage');
    await visitor.page(manage);
    const saved = await visitor.request('POST', manage, { form: { _csrf: visitor.csrf, action: 'save', components: 'checkout' } });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved.');

    await settledPublish(['website']);
    expect(mailTo(t, address)).toHaveLength(1);
    await settledPublish(['checkout']);
    expect(mailTo(t, address)).toHaveLength(2);

    // RFC 8058: GET shows a button; only the POST, which needs no cookie, unsubscribes.
    const oneClick = `/unsubscribe/${unsubscribeToken(t.crier.config.SECRET_KEY as string, { channel: 'email', address })}`;
    expect((await fetch(`${t.crier.url()}${oneClick}`)).status).toBe(200);
    await settledPublish(['checkout']);
    expect(mailTo(t, address)).toHaveLength(3);
    const post = await fetch(`${t.crier.url()}${oneClick}`, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }), redirect: 'manual' });
    expect(post.status).toBe(200);
    await settledPublish(['checkout']);
    expect(mailTo(t, address)).toHaveLength(3);
  });

  it('[R2] when a visitor subscribes by SMS and replies YES, then the subscription is confirmed and the next update reaches the phone', async () => {
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    const res = await visitor.post('/subscribe', { channel: 'sms', address: '(201) 555-0123' });
    expect(res.status).toBe(200);
    const texts = () => t.sandbox.twilio.messages().filter((m) => m.to === '+12015550123');
    expect(texts()).toHaveLength(1);
    expect(texts()[0]?.body).toMatch(/reply YES/);

    const form = { From: '+12015550123', Body: 'yes' };
    const url = `${t.crier.url()}/webhooks/twilio/inbound`;
    const reply = await fetch(url, { method: 'POST', headers: { 'x-twilio-signature': signTwilio(t.sandbox.twilio.authToken, url, form) }, body: new URLSearchParams(form) });
    expect(reply.status).toBe(200);
    const sub = await t.store.db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id').select('consent').where('addresses.address', '=', '+12015550123').executeTakeFirstOrThrow();
    expect(sub.consent).toBe('confirmed');
    const { broadcastId } = await t.publish({ incident: { title: 'Texts test', impact: 'minor', components: [] }, channels: ['sms'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    expect(texts()).toHaveLength(2);
  });

  it('[R2] when the form is filled badly or by a bot, then it names the field, or quietly stores nothing', async () => {
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    const bad = await visitor.post('/subscribe', { channel: 'sms', address: 'not a phone' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('data-field="address"');
    const before = await t.store.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bot = await visitor.post('/subscribe', { channel: 'email', address: 'bot@example.com', website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    const after = await t.store.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(mailTo(t, 'bot@example.com')).toHaveLength(0);
  });
});

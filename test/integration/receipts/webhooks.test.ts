import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import pino from 'pino';
import { generateSendgridKeyPair, signTwilio } from '../../../src/channels/webhook-signatures';
import { addAddress, getAddress } from '../../../src/contacts/address.repository';
import type { AddressChannel } from '../../../src/contacts/address';
import { createContact } from '../../../src/contacts/contact.repository';
import { createSubscription, getSubscriptionForAddress } from '../../../src/contacts/subscription.repository';
import { getDelivery } from '../../../src/delivery/delivery.repository';
import type { DeliveriesTable } from '../../../src/store/schema';
import { errorHandler } from '../../../src/web/error-handler';
import { requestLog } from '../../../src/web/request-log';
import { webhookRoutes, type WebhookDeps } from '../../../src/web/webhooks.routes';
import type { Rule } from '../../../src/web/access';
import { buildContact, buildSubscription } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const TOKEN = 'twilio-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://crier.example.org';
const NOW = Date.UTC(2025, 5, 1, 12);
const SECONDS = String(Math.floor(NOW / 1000));
const SENDGRID = generateSendgridKeyPair();

/** The app as it mounts the webhooks, on real HTTP, on 127.0.0.1 port 0. */
async function startApp(options: Omit<WebhookDeps, 'allow' | 'publicUrl'> & { publicUrl: string }) {
  const deps: WebhookDeps = { ...options, publicUrl: () => options.publicUrl, allow: (rule) => Object.assign<RequestHandler, { rule: Rule }>((_req, _res, next) => next(), { rule }) };
  return serve(deps);
}

async function serve(deps: WebhookDeps): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(requestLog(pino({ level: 'silent' })));
  app.use('/webhooks', webhookRoutes(deps));
  app.use(errorHandler);
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

describe.each(DIALECTS)('%s: provider webhooks', (dialect) => {
  let store: TestStore;
  let app: { url: string; close(): Promise<void> };
  let broadcastId: number;
  let sequence = 0;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    app = await startApp({ db: store.db, twilioAuthToken: TOKEN, sendgridPublicKey: SENDGRID.publicKeyBase64, publicUrl: `${PUBLIC_URL}/`, now: () => NOW });
    broadcastId = await seedBroadcast(store);
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  async function delivery(overrides: Partial<Omit<DeliveriesTable, 'id' | 'created_at'>> = {}) {
    const n = ++sequence;
    const row = await store.db.insertInto('deliveries').values({
      broadcast_id: broadcastId, channel: 'sms', contact_id: null, address: `+1555555${String(n).padStart(4, '0')}`, state: 'sent',
      skip_reason: null, attempts: 1, next_attempt_at: NOW - 60_000, lease_until: null, lease_owner: null, provider: 'sms-twilio',
      provider_message_id: `SM${String(n).padStart(32, '0')}`, error_code: null, last_error: null, receipt_rank: 0,
      created_at: NOW - 60_000, updated_at: NOW - 60_000, sent_at: NOW - 60_000, ...overrides,
    }).returningAll().executeTakeFirstOrThrow();
    return row;
  }

  async function subscribed(channel: AddressChannel, address: string) {
    const contact = await createContact(store.db, buildContact());
    const added = await addAddress(store.db, contact.id, { channel, address });
    await createSubscription(store.db, buildSubscription(added.id));
    return added;
  }

  const eventsOf = async (deliveryId: number) =>
    store.db.selectFrom('delivery_events').select(['dedupe_key', 'source', 'event']).where('delivery_id', '=', deliveryId).orderBy('id').execute();
  const eventCount = async () => Number((await store.db.selectFrom('delivery_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  function postTwilio(path: string, params: Record<string, string>, signature: string | null = signTwilio(TOKEN, PUBLIC_URL + path, params)) {
    return fetch(app.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'X-Twilio-Signature': signature }) },
      body: new URLSearchParams(params).toString(),
    });
  }

  const status = (sid: string, messageStatus: string, extra: Record<string, string> = {}) =>
    ({ AccountSid: `AC${'0'.repeat(32)}`, MessageSid: sid, SmsSid: sid, MessageStatus: messageStatus, To: '+15555550100', ...extra });

  function postSendgrid(body: unknown, options: { timestamp?: string; signature?: string | null } = {}) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = options.timestamp ?? SECONDS;
    const signature = options.signature === undefined ? SENDGRID.sign(timestamp, raw) : options.signature;
    return fetch(`${app.url}/webhooks/sendgrid/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        ...(signature === null ? {} : { 'X-Twilio-Email-Event-Webhook-Signature': signature }),
      },
      body: raw,
    });
  }

  const sgEvent = (deliveryId: number | undefined, event: string, extra: Record<string, unknown> = {}) => ({
    email: 'ana@example.org', timestamp: Math.floor(NOW / 1000), event, sg_event_id: `evt-${++sequence}`,
    sg_message_id: 'abc123XYZ.filter0001.1.0', ...(deliveryId === undefined ? {} : { delivery_id: String(deliveryId) }), ...extra,
  });

  describe('Twilio status callbacks', () => {
    it('[D4] when signed sent then delivered callbacks arrive, then the delivery moves to sent then delivered', async () => {
      const d = await delivery({ receipt_rank: 0 });
      const path = `/webhooks/twilio/status?deliveryId=${d.id}`;
      expect((await postTwilio(path, status(d.provider_message_id as string, 'queued'))).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'sent', receipt_rank: 0 });
      expect((await postTwilio(path, status(d.provider_message_id as string, 'sent'))).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'sent', receipt_rank: 1 });
      expect((await postTwilio(path, status(d.provider_message_id as string, 'delivered'))).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered', receipt_rank: 2, updated_at: NOW });
      expect((await eventsOf(d.id)).map((e) => e.event)).toEqual(['queued', 'sent', 'delivered']);
    });

    it('[R4] when a callback says the number is a landline (30006), then the number is quarantined; 30003 (unreachable for now) is not', async () => {
      const landline = await subscribed('sms', '+12015550166');
      const away = await subscribed('sms', '+12015550167');
      const d1 = await delivery({ address: landline.address });
      const d2 = await delivery({ address: away.address });
      await postTwilio(`/webhooks/twilio/status?deliveryId=${d1.id}`, status(d1.provider_message_id as string, 'undelivered', { ErrorCode: '30006' }));
      await postTwilio(`/webhooks/twilio/status?deliveryId=${d2.id}`, status(d2.provider_message_id as string, 'undelivered', { ErrorCode: '30003' }));
      expect(await getAddress(store.db, landline.id)).toMatchObject({ quarantinedAt: NOW, quarantineReason: 'sms-twilio 30006' });
      expect(await getAddress(store.db, away.id)).toMatchObject({ quarantinedAt: null });
    });

    it('[D4] when a callback has no deliveryId, then the delivery is found by MessageSid and ErrorCode 30003 is kept', async () => {
      const d = await delivery();
      const res = await postTwilio('/webhooks/twilio/status', status(d.provider_message_id as string, 'undelivered', { ErrorCode: '30003' }));
      expect(res.status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'undelivered', receipt_rank: 2, error_code: '30003' });
    });

    it('[D4] when delivered arrives before sent, then the delivery stays delivered', async () => {
      const d = await delivery();
      const path = `/webhooks/twilio/status?deliveryId=${d.id}`;
      await postTwilio(path, status(d.provider_message_id as string, 'delivered'));
      expect((await postTwilio(path, status(d.provider_message_id as string, 'sent'))).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered', receipt_rank: 2 });
      expect(await eventsOf(d.id)).toHaveLength(2);
    });

    it('[D4] when the same callback arrives twice, then one delivery_events row is kept and the second changes nothing', async () => {
      const d = await delivery();
      const path = `/webhooks/twilio/status?deliveryId=${d.id}`;
      const params = status(d.provider_message_id as string, 'failed', { ErrorCode: '30006' });
      expect((await postTwilio(path, params)).status).toBe(204);
      await store.db.updateTable('deliveries').set({ updated_at: 1 }).where('id', '=', d.id).execute();
      expect((await postTwilio(path, params)).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'failed', error_code: '30006', updated_at: 1 });
      expect(await eventsOf(d.id)).toEqual([{ dedupe_key: `twilio:${d.provider_message_id}:failed`, source: 'twilio', event: 'failed' }]);
    });

    it('[D4] when sent and delivered callbacks race, then every delivery ends delivered', async () => {
      const raced = await Promise.all(Array.from({ length: 10 }, () => delivery()));
      await Promise.all(raced.flatMap((d) => ['sent', 'delivered'].map((s) =>
        postTwilio(`/webhooks/twilio/status?deliveryId=${d.id}`, status(d.provider_message_id as string, s)))));
      for (const d of raced) expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered', receipt_rank: 2 });
    });

    it('[D4] when a callback beats the accept being recorded, then the sending delivery moves forward with the MessageSid', async () => {
      const d = await delivery({ state: 'sending', provider_message_id: null, sent_at: null, lease_owner: 'lane-1', lease_until: NOW + 30_000 });
      const sid = `SM${'f'.repeat(32)}`;
      expect((await postTwilio(`/webhooks/twilio/status?deliveryId=${d.id}`, status(sid, 'sent'))).status).toBe(204);
      expect(await getDelivery(store.db, d.id)).toMatchObject({
        state: 'sent', receipt_rank: 1, provider: 'sms-twilio', provider_message_id: sid, sent_at: NOW, lease_owner: null, lease_until: null,
      });
    });

    it('when a delivery failed or was skipped, then a receipt leaves it alone', async () => {
      const failed = await delivery({ state: 'failed', provider_message_id: null });
      const skipped = await delivery({ state: 'skipped', provider_message_id: null });
      await postTwilio(`/webhooks/twilio/status?deliveryId=${failed.id}`, status('SMaaa', 'delivered'));
      await postTwilio(`/webhooks/twilio/status?deliveryId=${skipped.id}`, status('SMbbb', 'delivered'));
      expect(await getDelivery(store.db, failed.id)).toMatchObject({ state: 'failed', receipt_rank: 0 });
      expect(await getDelivery(store.db, skipped.id)).toMatchObject({ state: 'skipped', receipt_rank: 0 });
    });

    it('when a callback is about another message than the one recorded, then it is kept as an event only', async () => {
      const d = await delivery();
      await postTwilio(`/webhooks/twilio/status?deliveryId=${d.id}`, status(`SM${'e'.repeat(32)}`, 'undelivered', { ErrorCode: '30003' }));
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'sent', receipt_rank: 0, error_code: null });
      expect(await eventsOf(d.id)).toHaveLength(1);
    });

    it.each([
      ['missing', () => null],
      ['signed with another token', (path: string, p: Record<string, string>) => signTwilio('not-the-token', PUBLIC_URL + path, p)],
      ['signed for another delivery', (_path: string, p: Record<string, string>) => signTwilio(TOKEN, `${PUBLIC_URL}/webhooks/twilio/status?deliveryId=1`, p)],
      ['signed for other params', (path: string, p: Record<string, string>) => signTwilio(TOKEN, PUBLIC_URL + path, { ...p, MessageStatus: 'sent' })],
    ])('[D4] when the signature is %s, then 403 and nothing changes', async (_case, sign) => {
      const d = await delivery();
      const path = `/webhooks/twilio/status?deliveryId=${d.id}`;
      const params = status(d.provider_message_id as string, 'delivered');
      const before = await eventCount();
      const res = await postTwilio(path, params, sign(path, params));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect(await getDelivery(store.db, d.id)).toEqual(d);
      expect(await eventCount()).toBe(before);
    });

    it('when a signed callback lacks MessageSid, then 400 names the field', async () => {
      const res = await postTwilio('/webhooks/twilio/status', { MessageStatus: 'sent' });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).details).toEqual([expect.objectContaining({ field: 'MessageSid' })]);
    });

    it('when a signed callback carries a deliveryId that is not an id, then 400 names deliveryId', async () => {
      const res = await postTwilio('/webhooks/twilio/status?deliveryId=abc', status('SMccc', 'sent'));
      expect(res.status).toBe(400);
      expect((await errorOf(res)).details).toEqual([expect.objectContaining({ field: 'deliveryId' })]);
    });
  });

  describe('Twilio inbound SMS', () => {
    it('[D4] when a number texts STOP, then its addresses are opted out and subscriptions unsubscribed', async () => {
      const mine = await subscribed('sms', '+15555550111');
      const theirs = await subscribed('sms', '+15555550111');
      const other = await subscribed('sms', '+15555550112');
      const res = await postTwilio('/webhooks/twilio/inbound', { From: '+15555550111', To: '+15005550006', Body: '  stop ', MessageSid: 'SMin1' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(await res.text()).toBe('<Response/>');
      for (const a of [mine, theirs]) {
        expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: NOW, optOutReason: 'STOP' });
        expect(await getSubscriptionForAddress(store.db, a.id)).toMatchObject({ consent: 'unsubscribed', consentSource: 'STOP', consentAt: NOW });
      }
      expect(await getAddress(store.db, other.id)).toMatchObject({ optedOutAt: null });
      expect(await getSubscriptionForAddress(store.db, other.id)).toMatchObject({ consent: 'confirmed' });
    });

    it('when the number later texts START, then the opt-out is lifted', async () => {
      const a = await subscribed('sms', '+15555550113');
      await postTwilio('/webhooks/twilio/inbound', { From: '+15555550113', Body: 'OPTOUT' });
      expect((await postTwilio('/webhooks/twilio/inbound', { From: '+15555550113', Body: 'Start' })).status).toBe(200);
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: null });
      expect(await getSubscriptionForAddress(store.db, a.id)).toMatchObject({ consent: 'confirmed', consentSource: 'START' });
    });

    it('when a number texts HELP or a sentence, then consent is unchanged and only HELP gets a reply', async () => {
      const a = await subscribed('sms', '+15555550114');
      const help = await postTwilio('/webhooks/twilio/inbound', { From: '+15555550114', Body: 'help' });
      expect(await help.text()).toMatch(/^<Response><Message>[^<>]*STOP[^<>]*<\/Message><\/Response>$/);
      const chat = await postTwilio('/webhooks/twilio/inbound', { From: '+15555550114', Body: 'please stop the outage' });
      expect(await chat.text()).toBe('<Response/>');
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: null });
    });

    it('[D4] when STOP arrives with a forged signature, then 403 and the number stays subscribed', async () => {
      const a = await subscribed('sms', '+15555550115');
      const res = await postTwilio('/webhooks/twilio/inbound', { From: '+15555550115', Body: 'STOP' }, 'bm90IGEgc2lnbmF0dXJl');
      expect(res.status).toBe(403);
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: null });
      expect(await getSubscriptionForAddress(store.db, a.id)).toMatchObject({ consent: 'confirmed' });
    });
  });

  describe('SendGrid events', () => {
    it('[D4] when signed processed and delivered events arrive, then the delivery is delivered', async () => {
      const d = await delivery({ channel: 'email', address: 'ana@example.org', provider: 'email-sendgrid', provider_message_id: 'abc123XYZ' });
      const res = await postSendgrid([sgEvent(d.id, 'processed'), sgEvent(d.id, 'delivered')]);
      expect(res.status).toBe(200);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered', receipt_rank: 2 });
      expect((await eventsOf(d.id)).map((e) => e.event)).toEqual(['processed', 'delivered']);
    });

    it('[D4] when a signed event carries a NUL character, then it is refused with a 400 naming the field and nothing is recorded', async () => {
      const d = await delivery({ channel: 'email', address: 'nul@example.org' });
      const res = await postSendgrid([sgEvent(d.id, 'processed'), { email: '', timestamp: 0, event: 'deli\u0000vered' }]);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_input', details: [{ field: '1.event', message: 'must not contain a NUL character' }] } });
      expect(await eventsOf(d.id)).toEqual([]);
    });

    it('[D4] when the same events are posted again or repeated in one batch, then each is recorded once and nothing moves back', async () => {
      const d = await delivery({ channel: 'email', address: 'bea@example.org' });
      const delivered = sgEvent(d.id, 'delivered');
      const noId = { ...sgEvent(d.id, 'deferred'), sg_event_id: undefined };
      expect((await postSendgrid([delivered, delivered, noId])).status).toBe(200);
      expect((await postSendgrid([delivered, noId, sgEvent(d.id, 'processed')])).status).toBe(200);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered', receipt_rank: 2 });
      expect((await eventsOf(d.id)).map((e) => e.dedupe_key)).toEqual([
        `sendgrid:${delivered.sg_event_id}`, `sendgrid:${d.id}:deferred:${noId.timestamp}`, expect.stringMatching(/^sendgrid:evt-/),
      ]);
    });

    it('[R4] when SendGrid reports a hard bounce, then the delivery is bounced and the email quarantined, its consent untouched', async () => {
      const a = await subscribed('email', 'gone@example.org');
      const d = await delivery({ channel: 'email', address: 'gone@example.org' });
      await postSendgrid([sgEvent(d.id, 'bounce', { email: 'Gone@Example.org', type: 'bounce', status: '5.1.1', reason: '550 no such user' })]);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'bounced', receipt_rank: 2, error_code: '5.1.1' });
      expect(await getAddress(store.db, a.id)).toMatchObject({ quarantinedAt: NOW, quarantineReason: 'hard bounce', optedOutAt: null });
      expect(await getSubscriptionForAddress(store.db, a.id)).toMatchObject({ consent: 'confirmed' });
    });

    it('[R4] when SendGrid drops an email as a known bounced address, then the email is quarantined', async () => {
      const a = await subscribed('email', 'dropped@example.org');
      const d = await delivery({ channel: 'email', address: 'dropped@example.org' });
      await postSendgrid([sgEvent(d.id, 'dropped', { email: 'dropped@example.org', reason: 'Bounced Address' })]);
      expect(await getAddress(store.db, a.id)).toMatchObject({ quarantinedAt: NOW, quarantineReason: 'dropped: Bounced Address' });
    });

    it('when SendGrid reports a blocked bounce, then the delivery is bounced but the email stays subscribed', async () => {
      const a = await subscribed('email', 'blocked@example.org');
      const d = await delivery({ channel: 'email', address: 'blocked@example.org' });
      await postSendgrid([sgEvent(d.id, 'bounce', { email: 'blocked@example.org', type: 'blocked' })]);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'bounced' });
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: null });
    });

    it('when a delivered email is reported as spam, then it stays delivered and the email is opted out', async () => {
      const a = await subscribed('email', 'annoyed@example.org');
      const d = await delivery({ channel: 'email', address: 'annoyed@example.org', state: 'delivered', receipt_rank: 2 });
      await postSendgrid([sgEvent(d.id, 'spamreport', { email: 'annoyed@example.org' })]);
      expect(await getDelivery(store.db, d.id)).toMatchObject({ state: 'delivered' });
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: NOW, optOutReason: 'spam report' });
    });

    it.each([
      ['forged', { signature: SENDGRID.sign(SECONDS, '[]') }],
      ['missing', { signature: null }],
      ['older than 10 minutes', { timestamp: String(Number(SECONDS) - 601) }],
    ])('[D4] when the signature is %s, then 403 and nothing changes', async (signatureCase, options) => {
      const email = `keep-${signatureCase.replace(/\W/g, '')}@example.org`;
      const a = await subscribed('email', email);
      const d = await delivery({ channel: 'email', address: email });
      const before = await eventCount();
      const res = await postSendgrid([sgEvent(d.id, 'bounce', { email, type: 'bounce' })], options);
      expect(res.status).toBe(403);
      expect(await getDelivery(store.db, d.id)).toEqual(d);
      expect(await getAddress(store.db, a.id)).toMatchObject({ optedOutAt: null });
      expect(await eventCount()).toBe(before);
    });

    it('when the signed body is not JSON, then 400 says so', async () => {
      const res = await postSendgrid('[{"event": "delivered",');
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not valid JSON/) });
    });

    it('when an event lacks its event name, then 400 names the field', async () => {
      const { event: _event, ...nameless } = sgEvent(undefined, 'delivered');
      const res = await postSendgrid([sgEvent(undefined, 'processed'), nameless]);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).details).toEqual([expect.objectContaining({ field: '[1].event' })]);
    });
  });

  it('[D4] when no Twilio token or SendGrid key is configured, then every webhook answers 403', async () => {
    const closed = await startApp({ db: store.db, publicUrl: PUBLIC_URL, now: () => NOW });
    try {
      const form = { From: '+15555550116', Body: 'STOP' };
      const twilio = await fetch(`${closed.url}/webhooks/twilio/inbound`, {
        method: 'POST', headers: { 'X-Twilio-Signature': signTwilio(TOKEN, `${PUBLIC_URL}/webhooks/twilio/inbound`, form) }, body: new URLSearchParams(form),
      });
      const raw = JSON.stringify([sgEvent(undefined, 'spamreport')]);
      const sendgrid = await fetch(`${closed.url}/webhooks/sendgrid/events`, {
        method: 'POST',
        headers: { 'X-Twilio-Email-Event-Webhook-Timestamp': SECONDS, 'X-Twilio-Email-Event-Webhook-Signature': SENDGRID.sign(SECONDS, raw) },
        body: raw,
      });
      expect([twilio.status, sendgrid.status]).toEqual([403, 403]);
    } finally {
      await closed.close();
    }
  });
});

type ErrorBody = { error: { code: string; message: string; details: { field: string; message: string }[] } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

/** The rows a delivery hangs from: script → version → incident → update → broadcast. */
async function seedBroadcast(store: TestStore): Promise<number> {
  const db = store.db;
  const script = await db.insertInto('scripts').values({ key: 'receipts', name: 'Receipts', failure_type_id: null, created_at: NOW })
    .returning('id').executeTakeFirstOrThrow();
  const version = await db.insertInto('script_versions').values({
    script_id: script.id, version: 1, state: 'approved', email_subject: 's', email_body: 'b', sms: 'sms', slack: 'slack', x: 'x',
    author: 'a@example.org', approver: 'b@example.org', approved_at: NOW, created_at: NOW,
  }).returning('id').executeTakeFirstOrThrow();
  const incident = await db.insertInto('incidents').values({
    title: 'Outage', failure_type_id: null, status: 'investigating', impact: 'major', components: '[]', started_at: NOW,
    resolved_at: null, x_thread_id: null, created_at: NOW,
  }).returning('id').executeTakeFirstOrThrow();
  const update = await db.insertInto('incident_updates').values({
    incident_id: incident.id, status: 'investigating', script_version_id: version.id, variables: '{}', rendered: '{}', created_by: 'a@example.org', created_at: NOW,
  }).returning('id').executeTakeFirstOrThrow();
  const broadcast = await db.insertInto('broadcasts').values({ update_id: update.id, audiences: '[]', channels: '["sms","email"]', created_at: NOW })
    .returning('id').executeTakeFirstOrThrow();
  return broadcast.id;
}

import type { OutboundMessage } from '../../../src/channels/provider';
import { createWebhookFake, type WebhookFake } from '../../../src/channels/sandbox/webhook.fake';
import { WebhookHttpProvider } from '../../../src/channels/webhook-http.provider';
import { signatureProblem, signWebhook } from '../../../src/subscriptions/webhook-signature';
import { newWebhookSecret } from '../../../src/subscriptions/webhook-secret';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const SECRET = newWebhookSecret();
const BODY = JSON.stringify({ meta: { event_type: 'incident.updated' }, page: { status_indicator: 'major' } });
const signal = (): AbortSignal => AbortSignal.timeout(5_000);

describe('WebhookHttpProvider against the webhook fake', () => {
  let fake: WebhookFake;
  let provider: WebhookHttpProvider;
  const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
    deliveryId: 7, channel: 'webhook', address: `${fake.url}/hooks/a`, text: 'update', contentKey: 'b1:webhook', webhook: { body: BODY, secret: SECRET }, ...overrides,
  });

  beforeAll(async () => {
    fake = await createWebhookFake().start();
    fake.expectSecret('/hooks/a', SECRET);
    provider = new WebhookHttpProvider({ allowLoopback: true, timeoutMs: 500 });
  });
  resetFakeBetweenTests(() => fake, () => provider.close());

  it('[R6] when a message is sent, then the receiver gets the JSON body with a fresh X-Crier-Signature it verifies with the subscriber\'s secret', async () => {
    expect(await provider.send([message()], signal())).toEqual([{ ok: true }]);
    const [req] = fake.received;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-crier-delivery']).toBe('7');
    expect(req?.rawBody).toBe(BODY);
    expect(fake.posts()).toEqual([{ path: '/hooks/a', body: JSON.parse(BODY), signatureProblem: null, verified: true }]);
    expect(signatureProblem('another secret', req?.headers['x-crier-signature'] as string, BODY, req?.at)).toBe('signature does not match');
  });

  it('[R6] when the secret is wrong or the signature is replayed later, then the receiver refuses it and the refusal is final', async () => {
    const err = await rejection(provider.send([message({ webhook: { body: BODY, secret: 'not the secret' } })], signal()));
    expect(err).toMatchObject({ retryable: false, code: '401', endpointFault: true, providerId: 'webhook-http' });
    const old = signWebhook(SECRET, BODY, Date.now() - 10 * 60_000);
    expect(signatureProblem(SECRET, old, BODY)).toBe('signature timestamp too old');
  });

  it.each([
    [500, {}, true, undefined],
    [503, { 'retry-after': '7' }, true, 7000],
    [429, { 'retry-after': '2' }, true, 2000],
    [408, {}, true, undefined],
    [400, {}, false, undefined],
    [404, {}, false, undefined],
    [301, { location: 'http://127.0.0.1:1/' }, false, undefined],
  ])('when the endpoint answers %s, then retryable is as classified and Retry-After is honoured', async (status, headers, retryable, wait) => {
    await fake.setFault({ status, headers, body: 'nope' });
    const err = await rejection(provider.send([message()], signal()));
    expect(err).toMatchObject({ retryable, code: String(status), endpointFault: true, recipientFault: false });
    expect(err.retryAfterMs).toBe(wait);
  });

  it('when the endpoint answers 410 Gone, then the failure is final and the address is the recipient\'s fault (quarantined)', async () => {
    await fake.setFault({ status: 410, body: 'gone' });
    expect(await rejection(provider.send([message()], signal()))).toMatchObject({ retryable: false, code: '410', recipientFault: true });
  });

  it('when the endpoint hangs or refuses connections, then the attempt is retryable and counts as that endpoint\'s fault', async () => {
    await fake.setFault({ hang: true });
    expect(await rejection(provider.send([message()], signal()))).toMatchObject({ retryable: true, code: 'ETIMEDOUT', endpointFault: true, maybeSent: true });
    await fake.setFault({ refuse: true });
    await provider.close();
    provider = new WebhookHttpProvider({ allowLoopback: true, timeoutMs: 500 });
    expect(await rejection(provider.send([message()], signal()))).toMatchObject({ retryable: true, code: 'ECONNREFUSED', endpointFault: true, maybeSent: false });
  });
});

describe('[R3] WebhookHttpProvider on the send path', () => {
  let fake: WebhookFake;
  beforeAll(async () => { fake = await createWebhookFake().start(); });
  afterAll(async () => { await fake.stop(); });
  afterEach(() => fake.clear());

  const send = async (provider: WebhookHttpProvider, address: string) => {
    try {
      return await rejection(provider.send([{ deliveryId: 1, channel: 'webhook', address, text: 't', contentKey: 'k', webhook: { body: '{}', secret: SECRET } }], signal()));
    } finally {
      await provider.close();
    }
  };

  it.each([
    ['http://127.0.0.1:PORT/hooks/x', '127.0.0.1 is a loopback address'],
    ['https://[::1]:PORT/hooks/x', '::1 is a loopback address'],
    ['https://10.0.0.1/hooks/x', '10.0.0.1 is a private network address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['http://localhost:PORT/hooks/x', 'localhost resolves to'],
  ])('[R3] when a stored webhook URL is %s and loopback is not allowed, then the send is refused for good with a clear error and nothing is posted', async (raw, reason) => {
    const err = await send(new WebhookHttpProvider({ allowLoopback: false, timeoutMs: 500 }), raw.replace('PORT', new URL(fake.url).port));
    expect(err).toMatchObject({ retryable: false, code: 'url_refused', recipientFault: true });
    expect(err.message).toContain(reason);
    expect(fake.received).toHaveLength(0);
  });

  it('[R3] when a name passes the check but resolves to loopback at connect time (DNS rebinding), then the connection is refused before any byte is sent', async () => {
    const rebinding = new WebhookHttpProvider({ allowLoopback: false, timeoutMs: 500, lookup: async () => [{ address: '93.184.215.14', family: 4 }] });
    const err = await send(rebinding, `https://localhost:${new URL(fake.url).port}/hooks/x`);
    expect(err).toMatchObject({ retryable: false, code: 'url_refused' });
    expect(err.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
    expect(fake.received).toHaveLength(0);
  });
});

import type { OutboundMessage } from '../../../src/channels/provider';
import { createMastodonFake, type MastodonFake } from '../../../src/channels/sandbox/mastodon.fake';
import { createMastodonClient, MastodonPostProvider } from '../../../src/channels/social-mastodon.provider';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const NOW = 1_750_000_000_000;

let deliveries = 1000;
// A fresh delivery id each time: the fake, like Mastodon, answers a repeated Idempotency-Key with the first post.
function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { deliveryId: (deliveries += 1), channel: 'mastodon', address: '', text: 'Payments degraded since 13:05 UTC.\n\nhttps://status.example.com/status', contentKey: 'b1:mastodon', ...overrides };
}

describe('[B5] MastodonPostProvider against the Mastodon fake', () => {
  let fake: MastodonFake;
  let provider: MastodonPostProvider;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    fake = await createMastodonFake().start();
    provider = new MastodonPostProvider(createMastodonClient({ url: fake.url, accessToken: 'token-1', timeoutMs: 2_000 }), () => NOW);
  });

  resetFakeBetweenTests(() => fake);

  it('[B5] when a message is posted, then POST /api/v1/statuses gets its text as JSON with the Bearer token and an Idempotency-Key, and the status id comes back', async () => {
    const message = buildMessage({ deliveryId: 41 });

    const outcomes = await provider.send([message], signal());

    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/statuses' });
    expect(request?.headers.authorization).toBe('Bearer token-1');
    expect(request?.headers['content-type']).toContain('application/json');
    expect(request?.headers['idempotency-key']).toBe('crier-delivery-41');
    expect(JSON.parse(request?.rawBody ?? '')).toEqual({ status: message.text, visibility: 'public', in_reply_to_id: null });
    expect(outcomes).toEqual([{ ok: true, providerMessageId: expect.stringMatching(/^\d+$/) }]);
  });

  it('[B5] when the message has replyToId, then it is posted with in_reply_to_id, forming a thread', async () => {
    const [first] = await provider.send([buildMessage()], signal());
    const parentId = first?.ok ? first.providerMessageId : undefined;

    await provider.send([buildMessage({ text: 'Fixed.', replyToId: parentId })], signal());

    expect(JSON.parse(fake.received[1]?.rawBody ?? '')).toMatchObject({ status: 'Fixed.', in_reply_to_id: parentId });
    expect(fake.posts()[1]).toMatchObject({ text: 'Fixed.', replyTo: parentId });
  });

  it('[B5] when a delivery is retried after its post went through, then the Idempotency-Key returns the first post instead of a second', async () => {
    const [first] = await provider.send([buildMessage({ deliveryId: 77 })], signal());
    const [again] = await provider.send([buildMessage({ deliveryId: 77 })], signal());
    expect(again).toEqual(first);
  });

  it('[B5] when Mastodon answers 429, then the error is retryable once X-RateLimit-Reset (an ISO time) has passed', async () => {
    await fake.setFault({ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(NOW + 90_000).toISOString() }, body: { error: 'Too many requests' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429', retryAfterMs: 90_000 });
  });

  it('[B5] when the fake quota runs out, then its own 429 carries a reset the provider waits for', async () => {
    const small = await createMastodonFake({ postLimit: 1, windowSeconds: 60 }).start();
    const limited = new MastodonPostProvider(createMastodonClient({ url: small.url, accessToken: 't', timeoutMs: 2_000 }));
    try {
      await limited.send([buildMessage({ deliveryId: 1 })], signal());
      const err = await rejection(limited.send([buildMessage({ deliveryId: 2 })], signal()));
      expect(err).toMatchObject({ retryable: true, code: '429' });
      expect(err.retryAfterMs).toBeGreaterThan(55_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
    } finally {
      await small.stop();
    }
  });

  it.each([500, 502, 503])('[B5] when Mastodon answers %i, then the error is retryable and the post may exist', async (status) => {
    await fake.setFault({ status, body: { error: 'oops' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: String(status) });
  });

  it.each([401, 403, 422])('[B5] when Mastodon answers %i, then the error is permanent with that code', async (status) => {
    await fake.setFault({ status, body: { error: 'The access token is invalid' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: String(status), recipientFault: false });
    expect(err.message).toContain('The access token is invalid');
  });

  it('[B5] when the text is over 500 characters, then the fake refuses it with 422 like Mastodon, and the provider stops', async () => {
    const err = await rejection(provider.send([buildMessage({ text: 'a'.repeat(501) })], signal()));
    expect(err).toMatchObject({ retryable: false, code: '422' });
    expect(err.message).toContain('character limit of 500');
  });

  it('[B5] when the connection is refused, then the error is retryable and nothing was posted', async () => {
    await fake.setFault({ refuse: true });
    // fetch keeps its own socket pool: the first request may land on the socket the fake just closed.
    await provider.send([buildMessage()], signal()).catch(() => undefined);
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'ECONNREFUSED', maybeSent: false });
  });

  it('[B5] when Mastodon hangs, then the lane abort rejects promptly with a retryable maybe-sent error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });

  it('[B5] when Mastodon stays silent past the client timeout, then the SDK gives up by itself with a retryable error', async () => {
    const quick = new MastodonPostProvider(createMastodonClient({ url: fake.url, accessToken: 't', timeoutMs: 200 }));
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(quick.send([buildMessage()], signal()));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });
});

import { BlueskyPostProvider, createBlueskyAgent, decodePostRef } from '../../../src/channels/bluesky-atproto.provider';
import type { OutboundMessage } from '../../../src/channels/provider';
import { BLUESKY_DID, createBlueskyFake, type BlueskyFake } from '../../../src/channels/sandbox/bluesky.fake';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const NOW = 1_750_000_000_000;
const LINK = 'https://status.example.com/status';
const CREDENTIALS = { identifier: 'crier.bsky.social', password: 'app-pass-word' };

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { deliveryId: 9, channel: 'bluesky', address: '', text: `Payments degraded since 13:05 UTC.\n\n${LINK}`, contentKey: 'b1:bluesky', ...overrides };
}

const body = (fake: BlueskyFake, n: number): Record<string, unknown> => JSON.parse(fake.received[n]?.rawBody ?? '{}') as Record<string, unknown>;

describe('[B5] BlueskyPostProvider against the Bluesky fake', () => {
  let fake: BlueskyFake;
  let provider: BlueskyPostProvider;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);
  // Each test gets a provider of its own, so each starts with the login.
  const fresh = (timeoutMs = 2_000) => new BlueskyPostProvider(createBlueskyAgent({ service: fake.url, timeoutMs }), CREDENTIALS, () => NOW);

  beforeAll(async () => {
    fake = await createBlueskyFake({ password: CREDENTIALS.password }).start();
  });

  beforeEach(() => {
    provider = fresh();
  });

  resetFakeBetweenTests(() => fake);

  it('[B5] when a message is posted, then the provider logs in with the app password and creates an app.bsky.feed.post record with a link facet', async () => {
    const message = buildMessage();

    const [outcome] = await provider.send([message], signal());

    expect(fake.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /xrpc/com.atproto.server.createSession', 'POST /xrpc/com.atproto.repo.createRecord']);
    expect(body(fake, 0)).toEqual({ identifier: CREDENTIALS.identifier, password: CREDENTIALS.password });
    expect(fake.received[1]?.headers.authorization).toMatch(/^Bearer access\./);
    const byteStart = Buffer.byteLength(message.text.slice(0, message.text.indexOf(LINK)));
    expect(body(fake, 1)).toEqual({
      repo: BLUESKY_DID, collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post', text: message.text, createdAt: new Date(NOW).toISOString(),
        facets: [{ index: { byteStart, byteEnd: byteStart + Buffer.byteLength(LINK) }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: LINK }] }],
      },
    });
    expect(outcome).toEqual({ ok: true, providerMessageId: expect.stringMatching(new RegExp(`^at://${BLUESKY_DID}/app\\.bsky\\.feed\\.post/\\w+#b[a-z2-7]+$`)) });
  });

  it('[B5] when a second message is sent, then the session is reused and only createRecord is called', async () => {
    await provider.send([buildMessage()], signal());
    await provider.send([buildMessage({ text: 'Still on it.' })], signal());
    expect(fake.received.map((r) => r.path.split('.').pop())).toEqual(['createSession', 'createRecord', 'createRecord']);
  });

  it('[B5] when the message has replyToId, then the record is a reply whose root and parent are that post', async () => {
    const [first] = await provider.send([buildMessage()], signal());
    const parent = first?.ok ? first.providerMessageId ?? '' : '';

    await provider.send([buildMessage({ text: 'Fixed.', replyToId: parent })], signal());

    const ref = decodePostRef(parent);
    expect(ref?.uri).toMatch(/^at:\/\//);
    expect(fake.posts()[1]).toEqual({ text: 'Fixed.', reply: { root: ref, parent: ref } });
  });

  it('[B5] when the app password is wrong, then the login fails for good with 401', async () => {
    const wrong = new BlueskyPostProvider(createBlueskyAgent({ service: fake.url, timeoutMs: 2_000 }), { ...CREDENTIALS, password: 'nope' });
    const err = await rejection(wrong.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: '401' });
    expect(err.message).toContain('Invalid identifier or password');
  });

  it('[B5] when the PDS answers 429, then the error is retryable once ratelimit-reset (epoch seconds) has passed', async () => {
    await provider.send([buildMessage()], signal());
    await fake.setFault({ status: 429, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 120) }, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429', retryAfterMs: 120_000 });
  });

  it('[B5] when the fake quota runs out, then its own 429 carries a reset the provider waits for', async () => {
    const small = await createBlueskyFake({ postLimit: 1, windowSeconds: 60 }).start();
    const limited = new BlueskyPostProvider(createBlueskyAgent({ service: small.url, timeoutMs: 2_000 }), CREDENTIALS);
    try {
      await limited.send([buildMessage()], signal());
      const err = await rejection(limited.send([buildMessage()], signal()));
      expect(err).toMatchObject({ retryable: true, code: '429' });
      expect(err.retryAfterMs).toBeGreaterThan(55_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
    } finally {
      await small.stop();
    }
  });

  it.each([500, 502, 503])('[B5] when the PDS answers %i, then the error is retryable and the post may exist', async (status) => {
    await fake.setFault({ status, body: { error: 'InternalServerError', message: 'oops' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: String(status) });
  });

  it.each([400, 403])('[B5] when createRecord answers %i, then the error is permanent', async (status) => {
    await provider.send([buildMessage()], signal());
    await fake.setFault({ status, body: { error: 'InvalidRequest', message: 'no' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: String(status) });
  });

  it('[B5] when the text is over 300 graphemes, then the fake refuses it with 400 like a PDS, and the provider stops', async () => {
    const err = await rejection(provider.send([buildMessage({ text: '👍🏽'.repeat(301) })], signal()));
    expect(err).toMatchObject({ retryable: false, code: '400' });
    expect(err.message).toContain('300 graphemes');
  });

  it('[B5] when a session the PDS no longer takes meets 401, then the error is retryable and the next send logs in again', async () => {
    await provider.send([buildMessage()], signal());
    await fake.setFault({ status: 401, body: { error: 'AuthenticationRequired', message: 'Token revoked' }, times: 2 });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'session_expired' });
    fake.clear();

    await provider.send([buildMessage()], signal());

    expect(fake.received.map((r) => r.path.split('.').pop())).toEqual(['createSession', 'createRecord']);
  });

  it('[B5] when the connection is refused, then the error is retryable and nothing was posted', async () => {
    await fake.setFault({ refuse: true });
    // fetch keeps its own socket pool: the first request may land on the socket the fake just closed.
    await provider.send([buildMessage()], signal()).catch(() => undefined);
    const err = await rejection(fresh().send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'ECONNREFUSED', maybeSent: false });
  });

  it('[B5] when the PDS hangs, then the lane abort rejects promptly with a retryable maybe-sent error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });

  it('[B5] when the PDS stays silent past the agent timeout, then even the login gives up by itself with a retryable error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(fresh(200).send([buildMessage()], signal()));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, maybeSent: true });
  });
});

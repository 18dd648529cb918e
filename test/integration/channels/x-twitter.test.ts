import http from 'node:http';
import type { OutboundMessage } from '../../../src/channels/provider';
import { createXFake, type XFake } from '../../../src/channels/sandbox/x.fake';
import { closeXClient, createXClient, XPostProvider } from '../../../src/channels/x-twitter.provider';
import { rejection, poolDrained } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const NOW = 1_750_000_000_000;
const NOW_SECONDS = NOW / 1000;

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 7,
    channel: 'x',
    address: '',
    text: 'Payments degraded since 13:05 UTC. We are on it.',
    contentKey: 'update-1',
    ...overrides,
  };
}

function xProblem(status: number, title: string, detail: string): object {
  return { title, detail, type: 'about:blank', status };
}

describe('XPostProvider against the X fake', () => {
  let fake: XFake;
  let agent: http.Agent;
  let provider: XPostProvider;
  let texts = 0;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);
  // The fake refuses a text it has seen, so every test posts a fresh one.
  const fresh = (overrides: Partial<OutboundMessage> = {}): OutboundMessage =>
    buildMessage({ text: `Update ${(texts += 1)}: payments degraded.`, ...overrides });

  beforeAll(async () => {
    fake = await createXFake().start();
    agent = new http.Agent({ keepAlive: true });
    const client = createXClient({
      appKey: 'app-key',
      appSecret: 'app-secret',
      accessToken: 'access-token',
      accessSecret: 'access-secret',
      apiUrl: fake.url,
      agent,
    });
    provider = new XPostProvider(client, () => NOW);
  });

  resetFakeBetweenTests(() => fake, () => agent.destroy());

  it('when a message is posted, then /2/tweets gets its text as JSON with an OAuth 1.0a header and the post id comes back', async () => {
    const message = fresh();

    const outcomes = await provider.send([message], signal());

    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', path: '/2/tweets' });
    expect(request?.headers['content-type']).toContain('application/json');
    expect(request?.headers.authorization).toMatch(/^OAuth /);
    expect(request?.headers.authorization).toContain('oauth_consumer_key="app-key"');
    expect(request?.headers.authorization).toContain('oauth_token="access-token"');
    expect(request?.headers.authorization).toContain('oauth_signature_method="HMAC-SHA1"');
    expect(JSON.parse(request?.rawBody ?? '')).toEqual({ text: message.text });
    expect(fake.posts()).toEqual([{ text: message.text }]);
    expect(outcomes).toEqual([{ ok: true, providerMessageId: expect.stringMatching(/^\d+$/) }]);
  });

  it('when the message has replyToId, then it is posted as a reply to that post, forming a thread', async () => {
    const [first] = await provider.send([fresh()], signal());
    const parentId = first?.ok ? first.providerMessageId : undefined;
    const reply = fresh({ replyToId: parentId });

    const [second] = await provider.send([reply], signal());

    expect(JSON.parse(fake.received[1]?.rawBody ?? '')).toEqual({ text: reply.text, reply: { in_reply_to_tweet_id: parentId } });
    expect(fake.posts()[1]).toEqual({ text: reply.text, replyTo: parentId });
    expect(second).toEqual({ ok: true, providerMessageId: expect.not.stringMatching(`^${parentId}$`) });
  });

  it('when no agent is given, then the client makes an http one for an http URL and closeXClient releases it', async () => {
    const client = createXClient({ appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a', apiUrl: fake.url });
    try {
      await new XPostProvider(client).send([fresh()], signal());
    } finally {
      closeXClient(client);
    }
    expect(fake.posts()).toHaveLength(1);
  });

  it('when an address is checked, then any address is accepted since X posts to the account', () => {
    expect(provider.accepts('')).toBe(true);
    expect(provider.accepts('@someone')).toBe(true);
  });

  it('when the same text is posted twice, then the second post fails for good as duplicate content', async () => {
    const message = fresh();
    await provider.send([message], signal());

    const err = await rejection(provider.send([message], signal()));

    expect(err).toMatchObject({ retryable: false, code: 'duplicate', recipientFault: false });
    expect(err.message).toContain('duplicate content');
  });

  it('when X answers 429, then the error is retryable once x-rate-limit-reset has passed', async () => {
    await fake.setFault({
      status: 429,
      headers: { 'x-rate-limit-limit': '17', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW_SECONDS + 90) },
      body: xProblem(429, 'Too Many Requests', 'Too Many Requests'),
    });
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429', retryAfterMs: 90_000 });
  });

  it('when the 24-hour user quota is the exhausted one, then the wait runs to its reset', async () => {
    await fake.setFault({
      status: 429,
      headers: {
        'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '99', 'x-rate-limit-reset': String(NOW_SECONDS + 60),
        'x-user-limit-24hour-limit': '17', 'x-user-limit-24hour-remaining': '0',
        'x-user-limit-24hour-reset': String(NOW_SECONDS + 3600),
      },
      body: xProblem(429, 'Too Many Requests', 'Too Many Requests'),
    });
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429', retryAfterMs: 3_600_000 });
  });

  it('when the fake quota runs out, then its own 429 carries a reset the provider waits for', async () => {
    const small = await createXFake({ postLimit: 1, windowSeconds: 60 }).start();
    const client = createXClient({ appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a', apiUrl: small.url, agent });
    const limited = new XPostProvider(client);
    try {
      await limited.send([fresh()], signal());
      const err = await rejection(limited.send([fresh()], signal()));
      expect(err).toMatchObject({ retryable: true, code: '429' });
      expect(err.retryAfterMs).toBeGreaterThan(55_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
    } finally {
      await small.stop();
    }
  });

  it('when X answers 500, then the error is retryable and the post may exist', async () => {
    await fake.setFault({ status: 500, body: xProblem(500, 'Internal Server Error', 'Internal Server Error') });
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: '500' });
  });

  it('when X answers 401, then the error is permanent', async () => {
    await fake.setFault({ status: 401, body: xProblem(401, 'Unauthorized', 'Unauthorized') });
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: false, code: '401' });
  });

  it('when X answers 403 for another reason, then the error is permanent with code 403', async () => {
    await fake.setFault({ status: 403, body: xProblem(403, 'Forbidden', 'You are not permitted to perform this action.') });
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: false, code: '403' });
  });

  it('when the connection is refused, then the error is retryable and nothing was posted', async () => {
    await fake.setFault({ refuse: true });
    await poolDrained(agent);
    const err = await rejection(provider.send([fresh()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'ECONNREFUSED', maybeSent: false });
  });

  it('when X hangs, then the lane abort rejects promptly with a retryable maybe-sent error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(provider.send([fresh()], AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });

  it('when X stays silent past timeoutMs, then the SDK gives up by itself with a retryable error', async () => {
    const client = createXClient({ appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a', apiUrl: fake.url, agent, timeoutMs: 200 });
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(new XPostProvider(client).send([fresh()], signal()));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, maybeSent: true });
  });
});

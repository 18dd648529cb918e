import http from 'node:http';
import type { OutboundMessage } from '../../../src/channels/provider';
import { createTwilioFake, type TwilioFake } from '../../../src/channels/sandbox/twilio.fake';
import { closeTwilioClient, createTwilioClient, TwilioSmsProvider } from '../../../src/channels/sms-twilio.provider';
import { rejection, poolDrained } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const FROM = '+15005550006';
const INVALID = '+15005550001';
const STOPPED = '+15005550002';

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 42,
    channel: 'sms',
    address: '+14155550100',
    text: 'Payments degraded. Next update 14:30 UTC.',
    contentKey: 'update-1',
    validitySeconds: 3600,
    ...overrides,
  };
}

function twilioError(status: number, code: number): { status: number; body: object } {
  return { status, body: { code, message: `error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

describe('TwilioSmsProvider against the Twilio fake', () => {
  let fake: TwilioFake;
  let agent: http.Agent;
  let provider: TwilioSmsProvider;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);

  function providerWith(overrides: { authToken?: string } = {}): TwilioSmsProvider {
    const client = createTwilioClient({
      accountSid: fake.accountSid,
      authToken: overrides.authToken ?? fake.authToken,
      apiUrl: fake.url,
      agent,
    });
    return new TwilioSmsProvider(client, { from: FROM, statusCallbackUrl: (id) => `https://crier.test/receipts/twilio/${id}` });
  }

  beforeAll(async () => {
    fake = await createTwilioFake({ invalidNumbers: [INVALID], optedOut: [STOPPED] }).start();
    agent = new http.Agent({ keepAlive: true });
    provider = providerWith();
  });

  resetFakeBetweenTests(() => fake, () => agent.destroy());

  it('when a message is sent, then the account Messages.json gets a Basic-auth form post with every field', async () => {
    const outcomes = await provider.send([buildMessage()], signal());

    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${fake.accountSid}/Messages.json` });
    const basic = Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64');
    expect(request?.headers.authorization).toBe(`Basic ${basic}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.rawBody))).toEqual({
      To: '+14155550100',
      From: FROM,
      Body: 'Payments degraded. Next update 14:30 UTC.',
      StatusCallback: 'https://crier.test/receipts/twilio/42',
      ValidityPeriod: '3600',
    });
    expect(fake.messages()).toEqual([
      {
        to: '+14155550100',
        from: FROM,
        body: 'Payments degraded. Next update 14:30 UTC.',
        statusCallback: 'https://crier.test/receipts/twilio/42',
        validityPeriod: 3600,
      },
    ]);
    expect(outcomes).toEqual([{ ok: true, providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) }]);
  });

  it('when there is no validity and no callback, then neither field is posted', async () => {
    const client = createTwilioClient({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl: fake.url, agent });
    const bare = new TwilioSmsProvider(client, { from: FROM });

    await bare.send([buildMessage({ validitySeconds: undefined })], signal());

    expect([...new URLSearchParams(fake.received[0]?.rawBody).keys()]).toEqual(['To', 'From', 'Body']);
  });

  it('when no agent is given, then the client makes its own and closeTwilioClient releases it', async () => {
    const client = createTwilioClient({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl: fake.url, concurrency: 2 });
    try {
      await new TwilioSmsProvider(client, { from: FROM }).send([buildMessage()], signal());
    } finally {
      closeTwilioClient(client);
    }
    expect(fake.messages()).toHaveLength(1);
  });

  it('when TWILIO_REGION and TWILIO_EDGE are set, then requests still reach apiUrl unchanged', async () => {
    // A host name, not 127.0.0.1: Node's URL rejects the SDK's rewrite of an IPv4 address
    // silently, so only a name shows whether the region and edge leak into the host.
    const apiUrl = fake.url.replace('127.0.0.1', 'localhost');
    const saved = { region: process.env.TWILIO_REGION, edge: process.env.TWILIO_EDGE };
    process.env.TWILIO_REGION = 'ie1';
    process.env.TWILIO_EDGE = 'dublin';
    try {
      const client = createTwilioClient({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl, agent });
      await new TwilioSmsProvider(client, { from: FROM }).send([buildMessage()], signal());
    } finally {
      if (saved.region === undefined) delete process.env.TWILIO_REGION;
      else process.env.TWILIO_REGION = saved.region;
      if (saved.edge === undefined) delete process.env.TWILIO_EDGE;
      else process.env.TWILIO_EDGE = saved.edge;
    }
    expect(fake.received[0]?.headers.host).toBe(new URL(apiUrl).host);
  });

  it('when an address is checked, then only E.164 numbers are accepted', () => {
    expect(provider.accepts('+14155550100')).toBe(true);
    expect(provider.accepts('4155550100')).toBe(false);
    expect(provider.accepts('+0123456789')).toBe(false);
    expect(provider.accepts('ops@example.org')).toBe(false);
  });

  it('when Twilio answers 500, then the error is retryable and the text may have been sent', async () => {
    await fake.setFault({ status: 500 });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: '500', recipientFault: false });
  });

  it('when Twilio answers 429 with Retry-After, then the error is retryable after that delay', async () => {
    await fake.setFault({ ...twilioError(429, 20429), headers: { 'retry-after': '7' } });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '20429', retryAfterMs: 7000, maybeSent: false });
  });

  it('when Twilio answers 429 without Retry-After, then the error is retryable with no delay of its own', async () => {
    await fake.setFault(twilioError(429, 20429));
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '20429', retryAfterMs: undefined });
  });

  it('when the auth token is wrong, then the fake answers 401/20003 and the error is a permanent provider fault', async () => {
    const err = await rejection(providerWith({ authToken: 'wrong' }).send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: '20003', recipientFault: false, optOut: false });
  });

  it('when the number is invalid, then 21211 is a permanent recipient fault', async () => {
    const err = await rejection(provider.send([buildMessage({ address: INVALID })], signal()));
    expect(err).toMatchObject({ retryable: false, code: '21211', recipientFault: true, optOut: false });
  });

  it('when the recipient sent STOP, then 21610 is a permanent recipient fault that marks an opt-out', async () => {
    const err = await rejection(provider.send([buildMessage({ address: STOPPED })], signal()));
    expect(err).toMatchObject({ retryable: false, code: '21610', recipientFault: true, optOut: true });
  });

  it.each([21614, 21635, 30006])('when Twilio answers %i (not SMS-capable), then it is a permanent recipient fault', async (code) => {
    await fake.setFault(twilioError(400, code));
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: String(code), recipientFault: true, optOut: false });
  });

  it.each([
    [21608, 400],
    [30002, 400],
    [20003, 401],
  ])('when Twilio answers %i, then it is a permanent provider fault', async (code, status) => {
    await fake.setFault(twilioError(status, code));
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, code: String(code), recipientFault: false });
  });

  it('when the connection is refused, then the error is retryable and nothing was sent', async () => {
    await fake.setFault({ refuse: true });
    await poolDrained(agent);
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'ECONNREFUSED', maybeSent: false });
  });

  it('when Twilio hangs, then the lane abort rejects promptly with a retryable maybe-sent error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });

  it('when Twilio stays silent past timeoutMs, then the SDK gives up by itself with a retryable error', async () => {
    const client = createTwilioClient({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl: fake.url, agent, timeoutMs: 200 });
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(new TwilioSmsProvider(client, { from: FROM }).send([buildMessage()], signal()));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'ECONNABORTED' });
  });
});

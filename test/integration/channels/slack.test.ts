import http from 'node:http';
import type { OutboundMessage } from '../../../src/channels/provider';
import type { FakeServer } from '../../../src/channels/sandbox/fake-server';
import { createSlackFake, SLACK_POST_MESSAGE_PATH, slackPosts, slackWebhookPosts } from '../../../src/channels/sandbox/slack.fake';
import { createSlackClient, SlackWebApiProvider } from '../../../src/channels/slack-webapi.provider';
import { SlackWebhookProvider } from '../../../src/channels/slack-webhook.provider';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 1,
    channel: 'slack',
    address: 'C0123ABCD',
    text: '*Outage:* payments degraded. <https://status.crier.test|Status page>',
    contentKey: 'update-1',
    ...overrides,
  };
}

const TOKEN = 'xoxb-crier-test';
const signal = (): AbortSignal => AbortSignal.timeout(5_000);
// Let a keep-alive agent see its pooled socket close; reusing it would give ECONNRESET, not a refusal.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('SlackWebApiProvider against the Slack fake', () => {
  let fake: FakeServer;
  let agent: http.Agent;
  let provider: SlackWebApiProvider;

  beforeAll(async () => {
    fake = await createSlackFake({ token: TOKEN, unknownChannels: ['C0GONE0000'] }).start();
    agent = new http.Agent({ keepAlive: true });
    provider = new SlackWebApiProvider(createSlackClient({ token: TOKEN, apiUrl: fake.url, agent }));
  });

  resetFakeBetweenTests(() => fake, () => agent.destroy());

  it('when a message is sent, then chat.postMessage carries the bearer token, channel and mrkdwn text', async () => {
    const outcomes = await provider.send([buildMessage()], signal());

    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({ method: 'POST', path: SLACK_POST_MESSAGE_PATH });
    expect(fake.received[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(slackPosts(fake)).toEqual([{ token: TOKEN, channel: 'C0123ABCD', text: buildMessage().text }]);
    expect(outcomes).toEqual([{ ok: true, providerMessageId: expect.stringMatching(/^\d+\.\d{6}$/) }]);
  });

  it('when the channel is unknown, then the error is permanent and the recipient is at fault', async () => {
    const err = await rejection(provider.send([buildMessage({ address: 'C0GONE0000' })], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: 'channel_not_found', providerId: 'slack-webapi' });
  });

  it('when the token is rejected, then the error is permanent and not the recipient’s fault', async () => {
    const badClient = new SlackWebApiProvider(createSlackClient({ token: 'xoxb-revoked', apiUrl: fake.url, agent }));

    const err = await rejection(badClient.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: false, code: 'invalid_auth' });
  });

  it('when Slack answers 429 with Retry-After, then the error is retryable after that delay', async () => {
    await fake.setFault({ status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: 'ratelimited', retryAfterMs: 3000 });
  });

  it('when Slack answers 500, then the error is retryable and maybe sent', async () => {
    await fake.setFault({ status: 500, body: 'oops' });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: '500' });
  });

  it('when the connection is refused, then the error is retryable and not sent', async () => {
    await fake.setFault({ refuse: true });
    await settle();

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: 'ECONNREFUSED' });
  });

  it('when Slack never answers, then the lane timeout rejects promptly with a retryable error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();

    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'timeout' });
  });

  it('when given addresses, then it accepts channel ids and #names but not URLs', () => {
    expect(provider.accepts('C0123ABCD')).toBe(true);
    expect(provider.accepts('#incident-room')).toBe(true);
    expect(provider.accepts('https://hooks.slack.com/services/T0/B0/x')).toBe(false);
    expect(provider.accepts('ops@example.org')).toBe(false);
  });
});

describe('SlackWebhookProvider against the Slack fake', () => {
  let fake: FakeServer;
  let provider: SlackWebhookProvider;
  const hook = (): string => `${fake.url}/services/T0001/B0001/secret`;

  beforeAll(async () => {
    fake = await createSlackFake().start();
    provider = new SlackWebhookProvider();
  });

  resetFakeBetweenTests(() => fake, () => provider.close());

  it('when a message is sent, then the webhook receives its text as JSON', async () => {
    const outcomes = await provider.send([buildMessage({ address: hook() })], signal());

    expect(fake.received[0]).toMatchObject({ method: 'POST', path: '/services/T0001/B0001/secret' });
    expect(fake.received[0]?.headers['content-type']).toBe('application/json');
    expect(slackWebhookPosts(fake)).toEqual([{ path: '/services/T0001/B0001/secret', text: buildMessage().text, body: { text: buildMessage().text } }]);
    expect(outcomes).toEqual([{ ok: true }]);
  });

  it('when redirected to the sandbox, then a Slack webhook URL lands on the fake under the same path', async () => {
    const redirected = new SlackWebhookProvider({ redirectTo: fake.url });

    await redirected.send([buildMessage({ address: 'https://hooks.slack.com/services/T0001/B0002/secret' })], signal());
    await redirected.close();

    expect(slackWebhookPosts(fake)).toEqual([expect.objectContaining({ path: '/services/T0001/B0002/secret', text: buildMessage().text })]);
  });

  it('when the webhook is gone (404 no_service), then the error is permanent and the recipient is at fault', async () => {
    await fake.setFault({ status: 404, body: 'no_service' });

    const err = await rejection(provider.send([buildMessage({ address: hook() })], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: 'no_service', providerId: 'slack-webhook' });
  });

  it('when the channel is archived (410), then the error is permanent and the recipient is at fault', async () => {
    await fake.setFault({ status: 410, body: 'channel_is_archived' });

    const err = await rejection(provider.send([buildMessage({ address: hook() })], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: 'channel_is_archived' });
  });

  it('when Slack answers 429 with Retry-After, then the error is retryable after that delay', async () => {
    await fake.setFault({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });

    const err = await rejection(provider.send([buildMessage({ address: hook() })], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, retryAfterMs: 2000 });
  });

  it('when Slack answers 500, then the error is retryable and maybe sent', async () => {
    await fake.setFault({ status: 500, body: 'rollup_error' });

    const err = await rejection(provider.send([buildMessage({ address: hook() })], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'rollup_error' });
  });

  it('when the connection is refused, then the error is retryable and not sent', async () => {
    await fake.setFault({ refuse: true });
    await settle();

    const err = await rejection(provider.send([buildMessage({ address: hook() })], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: 'ECONNREFUSED' });
  });

  it('when the webhook never answers, then the lane timeout rejects promptly with a retryable error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();

    const err = await rejection(provider.send([buildMessage({ address: hook() })], AbortSignal.timeout(300)));

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'timeout' });
  });

  it('when given addresses, then it accepts http(s) URLs only', () => {
    expect(provider.accepts('https://hooks.slack.com/services/T0/B0/x')).toBe(true);
    expect(provider.accepts('C0123ABCD')).toBe(false);
    expect(provider.accepts('ops@example.org')).toBe(false);
  });
});

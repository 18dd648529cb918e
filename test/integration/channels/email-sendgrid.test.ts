import http from 'node:http';
import { createSendgridMail, SendgridEmailProvider } from '../../../src/channels/email-sendgrid.provider';
import type { OutboundMessage } from '../../../src/channels/provider';
import type { FakeServer } from '../../../src/channels/sandbox/fake-server';
import { createSendgridFake, sendgridRecipients, SENDGRID_SEND_PATH } from '../../../src/channels/sandbox/sendgrid.fake';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 1,
    channel: 'email',
    address: 'ops@example.org',
    subject: 'Outage: payments degraded',
    text: 'Payments are degraded. Next update in 30 minutes.',
    html: '<p>Payments are degraded. Next update in 30 minutes.</p>',
    headers: {
      'List-Unsubscribe': '<https://crier.test/u/1>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    contentKey: 'update-1',
    ...overrides,
  };
}

describe('SendgridEmailProvider against the SendGrid fake', () => {
  let fake: FakeServer;
  let agent: http.Agent;
  let provider: SendgridEmailProvider;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    fake = await createSendgridFake().start();
    agent = new http.Agent({ keepAlive: true });
    const mail = createSendgridMail({ apiKey: 'SG.test-key', baseUrl: fake.url, agent });
    provider = new SendgridEmailProvider(mail, { from: 'alerts@crier.test' });
  });

  resetFakeBetweenTests(() => fake, () => agent.destroy());

  it('when two messages share content, then one request carries a personalization per recipient', async () => {
    const messages = [
      buildMessage({ deliveryId: 11, address: 'a@example.org' }),
      buildMessage({ deliveryId: 12, address: 'b@example.org', headers: { 'List-Unsubscribe': '<https://crier.test/u/2>' } }),
    ];

    const outcomes = await provider.send(messages, signal());

    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', path: SENDGRID_SEND_PATH });
    expect(request?.headers.authorization).toBe('Bearer SG.test-key');
    expect(JSON.parse(request?.rawBody ?? '')).toMatchObject({
      from: { email: 'alerts@crier.test' },
      subject: 'Outage: payments degraded',
      content: [
        { type: 'text/plain', value: 'Payments are degraded. Next update in 30 minutes.' },
        { type: 'text/html', value: '<p>Payments are degraded. Next update in 30 minutes.</p>' },
      ],
    });
    expect(sendgridRecipients(fake)).toEqual([
      expect.objectContaining({
        to: ['a@example.org'],
        headers: { 'List-Unsubscribe': '<https://crier.test/u/1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        customArgs: { delivery_id: '11' },
      }),
      expect.objectContaining({
        to: ['b@example.org'],
        headers: { 'List-Unsubscribe': '<https://crier.test/u/2>' },
        customArgs: { delivery_id: '12' },
      }),
    ]);
    expect(outcomes).toEqual([
      { ok: true, providerMessageId: expect.stringMatching(/^[\w-]{22}$/) },
      { ok: true, providerMessageId: outcomes[0]?.ok ? outcomes[0].providerMessageId : 'missing' },
    ]);
  });

  it('when a batch holds 1000 messages, then it is one request with 1000 personalizations', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) => buildMessage({ deliveryId: i + 1, address: `r${i}@example.org` }));

    const outcomes = await provider.send(messages, signal());

    expect(fake.requestCount).toBe(1);
    expect(sendgridRecipients(fake)).toHaveLength(1000);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('when SendGrid answers 500, then the error is retryable and maybe sent', async () => {
    await fake.setFault({ status: 500, body: { errors: [{ message: 'internal error', field: null, help: null }] } });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: '500', providerId: 'email-sendgrid' });
  });

  it('when SendGrid answers 429 with Retry-After, then the error is retryable after that delay', async () => {
    await fake.setFault({ status: 429, headers: { 'retry-after': '7' }, body: { errors: [{ message: 'too many requests' }] } });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: '429', retryAfterMs: 7000 });
  });

  it('when SendGrid answers 401, then the error is permanent and carries its message', async () => {
    await fake.setFault({ status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] } });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: false, code: '401', recipientFault: false });
    expect(err.message).toContain('authorization grant is invalid');
  });

  it('when the mail has no subject, then the fake answers 400 and the error is permanent', async () => {
    const err = await rejection(provider.send([buildMessage({ subject: undefined })], signal()));

    expect(err).toMatchObject({ retryable: false, code: '400' });
    expect(err.message).toContain('subject is required');
  });

  it('when a request carries no bearer token, then the fake answers 401 with a SendGrid errors body', async () => {
    const response = await fetch(`${fake.url}${SENDGRID_SEND_PATH}`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: expect.any(String), field: null, help: null }] });
  });

  it('when the connection is refused, then the error is retryable and not sent', async () => {
    await fake.setFault({ refuse: true });
    // Let the agent see its pooled socket close; reusing it would give ECONNRESET, not a refusal.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: 'ECONNREFUSED' });
  });

  it('when SendGrid never answers, then the lane timeout rejects promptly with a retryable error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();

    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'timeout' });
  });

  it('when given addresses, then it accepts only email-shaped ones', () => {
    expect(provider.accepts('ops@example.org')).toBe(true);
    expect(provider.accepts('+15551234567')).toBe(false);
    expect(provider.accepts('C0123ABCD')).toBe(false);
  });
});

import { createSmtpTransport, SmtpEmailProvider } from '../../../src/channels/email-smtp.provider';
import type { OutboundMessage } from '../../../src/channels/provider';
import { SmtpFake } from '../../../src/channels/sandbox/smtp.fake';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

function buildMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 1,
    channel: 'email',
    address: 'ops@example.org',
    subject: 'Outage: payments degraded',
    text: 'Payments are degraded.',
    html: '<p>Payments are degraded.</p>',
    headers: {
      'List-Unsubscribe': '<https://crier.test/u/1>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    contentKey: 'update-1',
    ...overrides,
  };
}

describe('SmtpEmailProvider against the SMTP fake', () => {
  let fake: SmtpFake;
  let provider: SmtpEmailProvider;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    fake = await new SmtpFake().start();
    provider = new SmtpEmailProvider(createSmtpTransport(fake.url, { maxConnections: 2, timeoutMs: 5_000 }), { from: 'alerts@crier.test' });
  });

  resetFakeBetweenTests(() => fake, () => provider.close());

  it('when a message is sent, then the server receives envelope, content and unsubscribe headers', async () => {
    const outcomes = await provider.send([buildMessage()], signal());

    expect(fake.received).toEqual([
      expect.objectContaining({
        from: 'alerts@crier.test',
        to: ['ops@example.org'],
        subject: 'Outage: payments degraded',
        text: expect.stringContaining('Payments are degraded.'),
        html: '<p>Payments are degraded.</p>',
        headers: expect.objectContaining({
          'list-unsubscribe': '<https://crier.test/u/1>',
          'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
        }),
      }),
    ]);
    expect(outcomes).toEqual([{ ok: true, providerMessageId: fake.received[0]?.headers['message-id'] }]);
  });

  it('when the server answers RCPT with 451, then the error is retryable', async () => {
    await fake.setFault({ rcptCode: 451 });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: '451', providerId: 'email-smtp' });
  });

  it('when the server answers RCPT with 550, then the error is permanent and the recipient is at fault', async () => {
    await fake.setFault({ rcptCode: 550 });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: '550' });
  });

  it('when the server answers DATA with 554, then the error is permanent but not the recipient’s fault', async () => {
    await fake.setFault({ dataCode: 554 });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: false, recipientFault: false, code: '554' });
  });

  it('when the server answers DATA with 451, then the error is retryable', async () => {
    await fake.setFault({ dataCode: 451 });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, code: '451' });
  });

  it('when the connection is refused, then the error is retryable and not sent', async () => {
    await fake.setFault({ refuse: true });

    const err = await rejection(provider.send([buildMessage()], signal()));

    expect(err).toMatchObject({ retryable: true, maybeSent: false, code: 'ECONNREFUSED' });
  });

  it('when the server never answers DATA, then the lane timeout rejects promptly with a retryable error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();

    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'timeout' });
  });

  it('when the transport times out first, then the error is retryable and maybe sent', async () => {
    const quick = new SmtpEmailProvider(createSmtpTransport(fake.url, { timeoutMs: 200 }), { from: 'alerts@crier.test' });
    await fake.setFault({ hang: true });

    const err = await rejection(quick.send([buildMessage()], signal()));
    await quick.close();

    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: 'ETIMEDOUT' });
  });

  it('when messages go out back to back, then the pool reuses one connection', async () => {
    const pooled = new SmtpEmailProvider(createSmtpTransport(fake.url), { from: 'alerts@crier.test' });

    await pooled.send([buildMessage({ deliveryId: 1, address: 'a@example.org' })], signal());
    await pooled.send([buildMessage({ deliveryId: 2, address: 'b@example.org' })], signal());
    await pooled.close();

    expect(fake.received.map((mail) => mail.to)).toEqual([['a@example.org'], ['b@example.org']]);
    expect(fake.connectionCount).toBe(1);
  });
});

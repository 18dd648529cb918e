import { FailoverChain } from '../../../src/channels/failover';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from '../../../src/channels/provider';

function message(n: number): OutboundMessage {
  return { deliveryId: n, channel: 'email', address: `r${n}@example.com`, text: 'hi', contentKey: 'k' };
}

class FakeProvider implements Provider {
  readonly channel = 'email' as const;
  calls: number[][] = [];
  constructor(readonly id: string, readonly maxBatch: number, private readonly behave: (m: OutboundMessage[]) => Promise<SendOutcome[]>) {}
  accepts(address: string): boolean {
    return address.includes('@');
  }
  send(messages: OutboundMessage[]): Promise<SendOutcome[]> {
    this.calls.push(messages.map((m) => m.deliveryId));
    return this.behave(messages);
  }
}

const ok = async (m: OutboundMessage[]): Promise<SendOutcome[]> => m.map((x) => ({ ok: true, providerMessageId: `id-${x.deliveryId}` }));
const options = { timeoutMs: 100, breaker: { threshold: 2, cooldownMs: 10_000 } };

describe('FailoverChain', () => {
  it('when the first provider accepts, then the second is never called', async () => {
    const a = new FakeProvider('a', 10, ok);
    const b = new FakeProvider('b', 10, ok);
    const out = await new FailoverChain([a, b], options).send([message(1), message(2)]);
    expect(out.map((o) => o.providerId)).toEqual(['a', 'a']);
    expect(b.calls).toEqual([]);
  });

  it('when the first provider fails transiently, then the next one sends, in its own batch size', async () => {
    const a = new FakeProvider('a', 10, async () => {
      throw new DeliveryError('503', 'a', true, { code: '503' });
    });
    const b = new FakeProvider('b', 1, ok);
    const out = await new FailoverChain([a, b], options).send([message(1), message(2), message(3)]);
    expect(out.map((o) => [o.providerId, o.outcome.ok])).toEqual([['b', true], ['b', true], ['b', true]]);
    expect(b.calls).toEqual([[1], [2], [3]]);
  });

  it('when the fault is the recipient\'s, then no other provider is tried', async () => {
    const a = new FakeProvider('a', 1, async () => {
      throw new DeliveryError('invalid number', 'a', false, { code: '21211', recipientFault: true });
    });
    const b = new FakeProvider('b', 1, ok);
    const [only] = await new FailoverChain([a, b], options).send([message(1)]);
    expect(only?.outcome).toMatchObject({ ok: false, error: { code: '21211' } });
    expect(b.calls).toEqual([]);
  });

  it('when a provider hangs, then it is abandoned after the timeout as retryable "maybe sent"', async () => {
    const hang = new FakeProvider('hang', 1, () => new Promise(() => undefined));
    const started = Date.now();
    const [only] = await new FailoverChain([hang], options).send([message(1)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(only?.outcome).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true, maybeSent: true } });
  });

  it('when a provider keeps failing, then its breaker opens and it is skipped without a request', async () => {
    const a = new FakeProvider('a', 1, async () => {
      throw new DeliveryError('500', 'a', true);
    });
    const chain = new FailoverChain([a], options);
    await chain.send([message(1)]);
    await chain.send([message(2)]);
    const [third] = await chain.send([message(3)]);
    expect(a.calls).toEqual([[1], [2]]);
    expect(chain.breakerState('a')).toBe('open');
    expect(third?.outcome).toMatchObject({ ok: false, error: { code: 'circuit_open', retryable: true } });
  });

  it('when no provider accepts the address, then the message fails as the recipient\'s fault', async () => {
    const a = new FakeProvider('a', 1, ok);
    const [only] = await new FailoverChain([a], options).send([{ ...message(1), address: '+15555550100' }]);
    expect(only?.outcome).toMatchObject({ ok: false, error: { code: 'no_provider', recipientFault: true } });
  });
});

describe('FailoverChain with an open breaker', () => {
  it('when the breaker opened on a permanent provider fault, then later messages fail at once with that code', async () => {
    const a = new FakeProvider('a', 1, async () => {
      throw new DeliveryError('401 bad key', 'a', false, { code: '401' });
    });
    const chain = new FailoverChain([a], { timeoutMs: 100, breaker: { threshold: 2, cooldownMs: 10_000 } });
    await chain.send([message(1)]);
    await chain.send([message(2)]);
    const [third] = await chain.send([message(3)]);
    expect(a.calls).toHaveLength(2);
    expect(third?.outcome).toMatchObject({ ok: false, error: { code: '401', retryable: false } });
  });

  it('when the breaker opened on a transient fault, then later messages are retryable under the provider code', async () => {
    const a = new FakeProvider('a', 1, async () => {
      throw new DeliveryError('503', 'a', true, { code: '503' });
    });
    const chain = new FailoverChain([a], { timeoutMs: 100, breaker: { threshold: 1, cooldownMs: 10_000 } });
    await chain.send([message(1)]);
    const [second] = await chain.send([message(2)]);
    expect(second?.outcome).toMatchObject({ ok: false, error: { code: '503', retryable: true } });
    expect((second?.outcome as { error: DeliveryError }).error.retryAfterMs).toBeGreaterThan(9000);
  });
});

import { CircuitBreaker } from '../../../src/channels/circuit-breaker';

describe('CircuitBreaker', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    t = 0;
  });

  it('when failures reach the threshold, then it opens and refuses until the cooldown ends', () => {
    const b = new CircuitBreaker({ threshold: 3, cooldownMs: 1000 }, now);
    b.failure();
    b.failure();
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.waitMs()).toBe(1000);
    t = 400;
    expect(b.waitMs()).toBe(600);
  });

  it('when the cooldown ends, then exactly one trial goes; its success closes the breaker', () => {
    const b = new CircuitBreaker({ threshold: 1, cooldownMs: 1000 }, now);
    b.failure();
    t = 1000;
    expect(b.state()).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('when the half-open trial fails, then it opens again for a full cooldown', () => {
    const b = new CircuitBreaker({ threshold: 1, cooldownMs: 1000 }, now);
    b.failure();
    t = 1500;
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.waitMs()).toBe(1000);
  });

  it('when a success comes between failures, then the count starts again', () => {
    const b = new CircuitBreaker({ threshold: 2, cooldownMs: 1000 }, now);
    b.failure();
    b.success();
    b.failure();
    expect(b.state()).toBe('closed');
  });
});

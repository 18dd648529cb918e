import { InProcessTimers } from '../../../src/timers/in-process-timers';

const silent = { error: () => undefined };

describe('InProcessTimers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when started, then each task runs once per interval', async () => {
    const timers = new InProcessTimers(silent, () => 0);
    let runs = 0;
    timers.every('count', 1000, async () => { runs += 1; });
    await timers.start();
    await jest.advanceTimersByTimeAsync(3500);
    expect(runs).toBe(3);
    await timers.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('when a run is slower than its interval, then runs never overlap', async () => {
    const timers = new InProcessTimers(silent);
    let active = 0;
    let most = 0;
    timers.every('slow', 100, async () => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((r) => setTimeout(r, 350));
      active -= 1;
    });
    await timers.start();
    await jest.advanceTimersByTimeAsync(2000);
    const stopped = timers.stop();
    await jest.advanceTimersByTimeAsync(400);
    await stopped;
    expect(most).toBe(1);
  });

  it('when a task throws, then it is logged and runs again at the next tick', async () => {
    const errors: object[] = [];
    const timers = new InProcessTimers({ error: (obj) => errors.push(obj) });
    let runs = 0;
    timers.every('flaky', 100, async () => {
      runs += 1;
      if (runs === 1) throw new Error('boom');
    });
    await timers.start();
    await jest.advanceTimersByTimeAsync(250);
    await timers.stop();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('when stop() is called during a run, then it waits for that run', async () => {
    const timers = new InProcessTimers(silent);
    let finished = false;
    timers.every('long', 10, async () => {
      await new Promise((r) => setTimeout(r, 500));
      finished = true;
    });
    await timers.start();
    await jest.advanceTimersByTimeAsync(20);
    const stopped = timers.stop();
    await jest.advanceTimersByTimeAsync(600);
    await stopped;
    expect(finished).toBe(true);
  });

  it('when a name is registered twice, then it is refused', () => {
    const timers = new InProcessTimers(silent);
    timers.every('once', 10, async () => undefined);
    expect(() => timers.every('once', 10, async () => undefined)).toThrow('already registered');
  });
});

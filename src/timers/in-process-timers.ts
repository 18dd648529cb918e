import type { TimerLog, TimerTask, Timers } from './timers';

interface Entry {
  name: string;
  intervalMs: number;
  task: TimerTask;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

/** The embedded adapter: one process, so each tick simply runs here. */
export class InProcessTimers implements Timers {
  private readonly entries = new Map<string, Entry>();
  private started = false;

  constructor(private readonly log: TimerLog, private readonly now: () => number = Date.now) {}

  every(name: string, intervalMs: number, task: TimerTask): void {
    if (this.entries.has(name)) throw new Error(`timer ${name} is already registered`);
    this.entries.set(name, { name, intervalMs, task });
    if (this.started) this.schedule(this.entries.get(name) as Entry);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const entry of this.entries.values()) this.schedule(entry);
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    await Promise.allSettled([...this.entries.values()].map((e) => e.running));
  }

  private schedule(entry: Entry): void {
    entry.timer = setTimeout(() => {
      // The next tick is planned when this one ends, so a slow run never overlaps itself.
      entry.running = entry.task(this.now())
        .catch((err: unknown) => this.log.error({ err, timer: entry.name }, 'timer task failed; it runs again at the next tick'))
        .finally(() => {
          entry.running = undefined;
          if (this.started) this.schedule(entry);
        });
    }, entry.intervalMs);
  }
}

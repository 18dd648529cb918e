/**
 * Timers: named periodic tasks (monitor checks, promise reminders, scheduled maintenance moves).
 *
 * `Timers` is the port; the embedded adapter ticks in-process, a clustered adapter makes one
 * instance of the cluster run each tick. Either way a task must stay correct if it runs twice
 * (a crash between a tick and its bookkeeping): it claims its own work in the store with a
 * conditional update, so "once" is decided by the database, and the adapter only saves effort.
 */
export type TimerTask = (now: number) => Promise<void>;

export interface Timers {
  /** Runs `task` about every `intervalMs`; runs of one task never overlap. Register before start(). */
  every(name: string, intervalMs: number, task: TimerTask): void;
  start(): Promise<void>;
  /** Stops ticking and waits for the runs in flight. */
  stop(): Promise<void>;
}

export interface TimerLog {
  error(obj: object, msg: string): void;
}

import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';

/**
 * DeliveryQueue: how lanes hear that new deliveries are due.
 *
 * The delivery rows are the durable work (state, attempts, next_attempt_at, lease) and lanes
 * claim them from the outbox whatever the queue does; the queue only carries wake-ups. So "an
 * accept recorded is never sent again" lives on the row, and a lost wake-up costs at most a
 * lane's idle poll.
 */
export interface DeliveryQueue {
  /** Inside the transaction that wrote deliveries: these lanes have work. */
  enqueue(trx: Transaction<Database>, channels: readonly string[]): Promise<void>;
  /** Starts passing wake-ups (from this or another instance) to `wake`. */
  start(wake: (channel: string) => void): Promise<void>;
  /** Stops taking wake-ups; a wake-up being handled finishes first. */
  stop(): Promise<void>;
}

/**
 * The embedded adapter: one process, so the wake after commit (`Dispatcher.wake`) reaches every
 * lane there is, and nothing needs recording.
 */
export class InProcessQueue implements DeliveryQueue {
  async enqueue(): Promise<void> {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

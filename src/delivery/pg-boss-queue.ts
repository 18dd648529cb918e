import type { Transaction } from 'kysely';
import type PgBoss from 'pg-boss';
import { ensureQueue, inTransaction } from '../store/pg-boss';
import type { Database } from '../store/schema';
import type { DeliveryQueue } from './delivery-queue';

/**
 * The scale-out adapter: one pg-boss queue per lane. Publishing inserts one job per lane in the
 * publish transaction, so the wake-up commits with the deliveries; any instance's worker takes
 * it and wakes its lane. If that instance dies before finishing the job, pg-boss expires and
 * retries it, so a committed wake-up is never lost. The claim itself stays the outbox claim
 * (lease + SKIP LOCKED), and every instance keeps its idle poll, so the instances that did not
 * get the job join the broadcast within one poll.
 */
export class PgBossQueue implements DeliveryQueue {
  private readonly workers: string[] = [];

  constructor(private readonly boss: PgBoss, private readonly channels: readonly string[]) {}

  async enqueue(trx: Transaction<Database>, channels: readonly string[]): Promise<void> {
    const db = inTransaction(trx);
    for (const channel of new Set(channels)) {
      if (this.channels.includes(channel)) await this.boss.send(queueName(channel), {}, { db, expireInSeconds: 60, retryLimit: 5 });
    }
  }

  async start(wake: (channel: string) => void): Promise<void> {
    for (const channel of this.channels) {
      await ensureQueue(this.boss, { name: queueName(channel), retentionMinutes: 60 });
      this.workers.push(await this.boss.work(queueName(channel), { pollingIntervalSeconds: 0.5, batchSize: 10 }, async () => wake(channel)));
    }
  }

  async stop(): Promise<void> {
    for (const id of this.workers.splice(0)) await this.boss.offWork({ id });
  }
}

export function queueName(channel: string): string {
  return `crier-lane-${channel}`;
}

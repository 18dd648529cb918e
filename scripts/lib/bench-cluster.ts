import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BenchInstance, InstanceStats, Published } from './bench-instance';
import type { InstanceCommand, InstanceReply } from './bench-instance-host';

/** The bench's handle on one Crier child (bench-instance-host.ts): the same calls as in-process. */
export class ChildInstance implements BenchInstance {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: InstanceReply) => void>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, stderr: () => string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (reply: InstanceReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    child.once('exit', (code) => {
      for (const answer of this.pending.values()) answer({ id: 0, ok: false, error: `instance exited (code ${code}) ${stderr()}`.trim() });
      this.pending.clear();
    });
  }

  static async start(env: Record<string, string>): Promise<ChildInstance> {
    const child = fork(path.join(__dirname, 'bench-instance-host.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      // stdout is the bench's JSON channel: the child never writes there.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance did not start in 30 s: ${stderr}`)), 30_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`instance exited (code ${code}) before it was ready: ${stderr}`));
      });
    });
    return new ChildInstance(child, () => stderr);
  }

  async mark(): Promise<void> {
    await this.command({ cmd: 'mark' });
  }

  async publish(scriptVersionId: number, nextUpdate: string): Promise<Published> {
    return (await this.command({ cmd: 'publish', scriptVersionId, nextUpdate })) as Published;
  }

  async stats(): Promise<InstanceStats> {
    return (await this.command({ cmd: 'stats' })) as InstanceStats;
  }

  /** Asks the child to stop Crier and exit; kills it if it has not within 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    if (this.child.connected) await this.command({ cmd: 'stop' }).catch(() => undefined);
    await this.exited;
    clearTimeout(timer);
  }

  private async command(message: DistributiveOmit<InstanceCommand, 'id'>): Promise<InstanceStats | Published | undefined> {
    const id = this.nextId++;
    const reply = await new Promise<InstanceReply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...message, id } as InstanceCommand);
    });
    if (!reply.ok) throw new Error(`instance ${message.cmd}: ${reply.error}`);
    return reply.result;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

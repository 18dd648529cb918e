import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeCounts, FakeHostCommand, FakeHostReady, FakeHostReply } from './fake-host';

/**
 * The bench's handle on the fake-host child: its URLs, the fakes' request counters, and the
 * SMS fake's hang switch. The child runs the fakes, so their CPU and memory are not Crier's.
 */
export class FakeHost {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: FakeHostReply) => void>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly ready: FakeHostReady, stderr: () => string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (reply: FakeHostReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    child.once('exit', (code) => {
      const why = `fake host exited (code ${code}) ${stderr()}`.trim();
      for (const answer of this.pending.values()) answer({ id: 0, ok: false, error: why });
      this.pending.clear();
    });
  }

  static async start(latencyMs: number): Promise<FakeHost> {
    const child = fork(path.join(__dirname, 'fake-host.ts'), ['--latency-ms', String(latencyMs)], {
      execArgv: ['--import', 'tsx'],
      // stdout is the bench's JSON channel: the child never writes there.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<FakeHostReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake host did not start in 20 s: ${stderr}`)), 20_000);
      child.once('message', (m: FakeHostReady) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fake host exited (code ${code}) before it was ready: ${stderr}`));
      });
    });
    return new FakeHost(child, ready, () => stderr);
  }

  get urls(): FakeHostReady['urls'] {
    return this.ready.urls;
  }

  async counts(): Promise<FakeCounts> {
    const reply = await this.command('counts');
    if (!reply.counts) throw new Error('fake host sent no counts');
    return reply.counts;
  }

  async clear(): Promise<void> {
    await this.command('clear');
  }

  /** The SMS fake takes requests and never answers them, until unhang(). */
  async hangSms(): Promise<void> {
    await this.command('hang');
  }

  async unhangSms(): Promise<void> {
    await this.command('unhang');
  }

  /** Asks the child to close its fakes and exit; kills it if it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ id: 0, cmd: 'stop' } satisfies FakeHostCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private async command(cmd: FakeHostCommand['cmd']): Promise<Extract<FakeHostReply, { ok: true }>> {
    const id = this.nextId++;
    const reply = await new Promise<FakeHostReply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, cmd } satisfies FakeHostCommand);
    });
    if (!reply.ok) throw new Error(`fake host ${cmd}: ${reply.error}`);
    return reply;
  }
}

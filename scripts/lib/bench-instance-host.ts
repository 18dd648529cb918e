/**
 * One Crier of a --instances N benchmark in a process of its own, as on a host of its own. Started
 * by bench-cluster.ts with `fork` (node --import tsx); its environment is Crier's configuration,
 * and it talks over the IPC channel only:
 *   → { ready: true }                                    once Crier has started
 *   ← { id, cmd: 'mark' | 'stats' | 'stop' } or { id, cmd: 'publish', scriptVersionId, nextUpdate }
 *   → { id, ok: true, result? } or { id, ok: false, error }
 * It stops Crier and exits when told to stop or when the parent goes away.
 */
import { LocalInstance, startCrier, type InstanceStats, type Published } from './bench-instance';

export type InstanceCommand =
  | { id: number; cmd: 'mark' | 'stats' | 'stop' }
  | { id: number; cmd: 'publish'; scriptVersionId: number; nextUpdate: string };
export type InstanceReply = { id: number; ok: true; result?: InstanceStats | Published } | { id: number; ok: false; error: string };

async function main(): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const instance = new LocalInstance(await startCrier(env));
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= instance.stop());
  const run = (m: InstanceCommand): Promise<InstanceStats | Published | undefined> => {
    if (m.cmd === 'publish') return instance.publish(m.scriptVersionId, m.nextUpdate);
    if (m.cmd === 'stats') return instance.stats();
    return (m.cmd === 'mark' ? instance.mark() : stop()).then(() => undefined);
  };
  process.on('message', (m: InstanceCommand) => {
    run(m).then(
      (result) => {
        process.send?.({ id: m.id, ok: true, ...(result ? { result } : {}) } satisfies InstanceReply);
        if (m.cmd === 'stop') process.disconnect?.();
      },
      (err: unknown) => process.send?.({ id: m.id, ok: false, error: String(err) } satisfies InstanceReply),
    );
  });
  process.on('disconnect', () => {
    void stop().finally(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * The benchmark's provider fakes in a process of their own, so the measured process's RSS and
 * CPU are Crier's alone. Started by bench-fakes.ts with `fork` (node --import tsx); it talks over
 * the IPC channel only:
 *   → { ready: true, urls, twilio }                     once every fake listens on 127.0.0.1
 *   ← { id, cmd: 'counts' | 'clear' | 'hang' | 'unhang' | 'stop' }
 *   → { id, ok: true, counts? } or { id, ok: false, error }
 * It exits when told to stop or when the parent goes away (the IPC channel closes).
 */
import { Sandbox } from '../../src/channels/sandbox';

export interface FakeCounts {
  sendgrid: number;
  smtp: number;
  twilio: number;
  slack: number;
  x: number;
}

export interface FakeHostReady {
  ready: true;
  urls: { sendgrid: string; smtp: string; twilio: string; slack: string; x: string };
  twilio: { accountSid: string; authToken: string };
}

export type FakeHostCommand = { id: number; cmd: 'counts' | 'clear' | 'hang' | 'unhang' | 'stop' };
export type FakeHostReply = { id: number; ok: true; counts?: FakeCounts } | { id: number; ok: false; error: string };

function latencyFromArgs(argv: string[]): number {
  const i = argv.indexOf('--latency-ms');
  const value = i >= 0 ? Number(argv[i + 1]) : 0;
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

async function main(): Promise<void> {
  const send = (message: FakeHostReady | FakeHostReply): void => {
    process.send?.(message);
  };
  // Keep only a few recorded requests: the bench reads counters, never bodies.
  const sandbox = await new Sandbox({ latencyMs: latencyFromArgs(process.argv.slice(2)), keep: 16 }).start();
  const counts = (): FakeCounts => ({
    sendgrid: sandbox.sendgrid.requestCount,
    smtp: sandbox.smtp.received.length,
    twilio: sandbox.twilio.requestCount,
    slack: sandbox.slack.requestCount,
    x: sandbox.x.requestCount,
  });
  const run: Record<FakeHostCommand['cmd'], () => Promise<FakeCounts | undefined>> = {
    counts: async () => counts(),
    clear: async () => {
      for (const fake of [sandbox.sendgrid, sandbox.smtp, sandbox.twilio, sandbox.slack, sandbox.x]) fake.clear();
      return undefined;
    },
    // Hung replies stay open until unhang, the client's own timeout, or stop.
    hang: async () => void (await sandbox.twilio.setFault({ hang: true })),
    unhang: async () => void (await sandbox.twilio.setFault(undefined)),
    stop: async () => undefined,
  };

  process.on('message', (message: FakeHostCommand) => {
    run[message.cmd]().then(
      (result) => {
        send(result ? { id: message.id, ok: true, counts: result } : { id: message.id, ok: true });
        if (message.cmd === 'stop') process.disconnect?.();
      },
      (err: unknown) => send({ id: message.id, ok: false, error: String(err) }),
    );
  });
  process.on('disconnect', () => {
    void sandbox.stop().finally(() => process.exit(0));
  });
  send({
    ready: true,
    urls: { sendgrid: sandbox.sendgrid.url, smtp: sandbox.smtp.url, twilio: sandbox.twilio.url, slack: sandbox.slack.url, x: sandbox.x.url },
    twilio: { accountSid: sandbox.twilio.accountSid, authToken: sandbox.twilio.authToken },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import type { Backend } from './backend';
import type { OptionSpec, RawArgs } from './args';
import type { ProgressStream } from './progress';

/** What a command may touch of the outside world; the entry script supplies the real ones. */
export interface Io {
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** All of standard input (for a password piped in); read only when a command asks. */
  readStdin(): Promise<string>;
  readFile(path: string): string;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: a broadcast being followed stops being followed, its deliveries stay queued. */
  signal?: AbortSignal;
}

export interface Context {
  io: Io;
  json: boolean;
  /** Opened on first use, after the command's arguments were checked. */
  backend(): Promise<Backend>;
}

export interface Command {
  name: string;
  /** The name of the one positional argument the command takes, if any (`<incident>`). */
  positional?: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  run(args: RawArgs, ctx: Context): Promise<number>;
}

export function print(ctx: Context, text: string): void {
  ctx.io.stdout.write(`${text}\n`);
}

/** Notes for the person at the terminal (progress, hints) go to standard error, results to standard output. */
export function note(ctx: Context, text: string): void {
  ctx.io.stderr.write(`${text}\n`);
}

export function printJson(ctx: Context, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { AppError } from '../errors';
import { COMMANDS } from './commands';
import { checkArgs, instanceUrl, splitArgs, type OptionSpec } from './args';
import type { Backend } from './backend';
import type { Command, Context, Io } from './command';
import { CliError, EXIT, usageError } from './exit';
import { openLocal } from './local-backend';
import { openRemote } from './remote-backend';

/**
 * `crier <command> [options]`: the service's operations from a terminal, against the local
 * store (the service's own DATABASE_URL / DATA_DIR) or a remote instance (`--url` and an API
 * token from CRIER_TOKEN or `--token-file`). Returns the exit code (see exit.ts).
 */
const GLOBAL: OptionSpec = { url: { type: 'string' }, 'token-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

const TOKEN = /^[\x21-\x7e]{16,200}$/;
const globalArgs = z.object({ url: instanceUrl.optional(), tokenFile: z.string().min(1, { error: 'must name a file' }).optional() })
  .refine((g) => g.url !== undefined || g.tokenFile === undefined, { path: ['tokenFile'], error: 'is only used with --url' });

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return report(err, io);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw usageError(`unknown command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (crier help)`);
  const raw = splitArgs(rest, { ...GLOBAL, ...command.options });
  if (raw.values.help) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  const allowed = command.positional ? 1 : 0;
  if (raw.positionals.length > allowed) {
    const extra = raw.positionals.slice(allowed).join(' ');
    throw usageError(command.positional ? `<${command.positional}>: give one, not several (extra: ${extra})` : `crier ${name} takes no ${extra.includes(' ') ? 'arguments' : 'argument'} (got "${extra}")`);
  }
  const global = checkArgs(globalArgs, { url: raw.values.url, tokenFile: raw.values['token-file'] });
  let opened: Backend | undefined;
  const ctx: Context = { io, json: raw.values.json === true, backend: async () => (opened ??= await openBackend(global, io)) };
  try {
    return await command.run(raw, ctx);
  } finally {
    await opened?.close();
  }
}

async function openBackend(global: z.output<typeof globalArgs>, io: Io): Promise<Backend> {
  if (global.url) return openRemote(global.url, readToken(global.tokenFile, io));
  const config = loadConfig(io.env);
  try {
    return await openLocal(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AppError) throw err;
    throw new CliError(EXIT.unreachable, `Could not open the store (${config.databaseKind === 'sqlite' ? config.sqliteFile : 'DATABASE_URL'}): ${(err as Error).message}`);
  }
}

/** The API token: from --token-file, else CRIER_TOKEN. It is never printed, not even in part. */
function readToken(file: string | undefined, io: Io): string {
  let token = io.env.CRIER_TOKEN;
  if (file !== undefined) {
    try {
      token = io.readFile(file);
    } catch (err) {
      throw usageError(`--token-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  token = token?.trim();
  if (!token) throw usageError('--token-file: --url needs an API token: set CRIER_TOKEN or give --token-file <file>');
  if (!TOKEN.test(token)) throw usageError(`${file === undefined ? 'CRIER_TOKEN' : '--token-file'}: does not hold an API token (16 to 200 printable characters, such as crier_…)`);
  return token;
}

function report(err: unknown, io: Io): number {
  const say = (message: string, details: string[] = []) => io.stderr.write(`crier: ${message}\n${details.map((d) => `  ${d}\n`).join('')}`);
  if (err instanceof CliError) {
    say(err.message, err.details);
    if (err.exitCode === EXIT.usage) io.stderr.write('Run crier help for the commands and their options.\n');
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    say(err.message);
    return EXIT.usage;
  }
  if (err instanceof AppError) {
    say(err.message, err.details.map((d) => `${d.field}: ${d.message}`));
    return err.code === 'unauthorized' || err.code === 'forbidden' || err.code === 'unavailable' ? EXIT.unreachable : EXIT.failed;
  }
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failed;
}

function helpText(): string {
  const lines = COMMANDS.map((c: Command) => `  ${c.name.padEnd(10)} ${c.summary}\n      ${c.usage}`);
  return `Usage: crier <command> [options]

Commands:
${lines.join('\n')}

Everywhere:
  --url <https://…>     run against that instance's JSON API instead of the local store
  --token-file <file>   the API token for --url (or set CRIER_TOKEN)
  --json                machine-readable output on stdout
  --help                the command's usage

Exit codes: 0 done, 1 refused or failed, 2 bad arguments or configuration, 3 could not reach or authorise.
`;
}

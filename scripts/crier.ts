#!/usr/bin/env -S node --import tsx
/**
 * The `crier` command (`npx crier …`, `npm run crier -- …`): see `crier help` and the README.
 * The outside world is bound here: arguments, environment (with .env, as the service reads it),
 * files, standard input and Ctrl-C.
 */
import fs from 'node:fs';
import { runCli } from '../src/cli/main';

if (fs.existsSync('.env')) process.loadEnvFile('.env');

const abort = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C stops following a broadcast (its deliveries stay queued); a second one quits.
  if (abort.signal.aborted) process.exit(130);
  abort.abort();
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runCli(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, env: process.env, signal: abort.signal, readStdin,
  readFile: (path) => fs.readFileSync(path, 'utf8'),
}).then((code) => { process.exitCode = code; });

/**
 * Exit codes of `crier`, so scripts can tell a refusal from a typo from an outage:
 * 0 done; 1 the operation was refused or failed (the store or the API said no, an import row
 * was rejected); 2 bad arguments or configuration (nothing was attempted); 3 the store or the
 * remote instance could not be reached, or the token was not accepted.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as a message (and detail lines) with its exit code; never a stack. */
export class CliError extends Error {
  constructor(readonly exitCode: ExitCode, message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, details: string[] = []) => new CliError(EXIT.usage, message, details);

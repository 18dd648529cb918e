import type { Role } from '../auth/roles';
import type { PublishInput, PublishResult } from '../incidents/publish';
import type { Incident } from '../incidents/incident';
import type { ImportFormat, FileImportOutcome } from '../import/import-file.service';

/**
 * What the commands ask of Crier, the same whether it is the local store or a remote instance
 * over the JSON API. Commands stay thin: they parse arguments, call one of these, print.
 */
export interface ScriptSummary {
  key: string;
  name: string;
  situation: string;
  /** The version in force, which is the only one a broadcast can use; null when none is approved. */
  versionId: number | null;
  version: number | null;
  variables: { name: string; required: boolean }[];
}

/** Per channel, how many of the broadcast's deliveries are in each state. */
export type ChannelStates = Record<string, Record<string, number>>;

export interface FollowOptions {
  /** Stop following after this long; deliveries left stay queued for the lanes. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress(states: ChannelStates): void;
}

export interface FollowResult {
  states: ChannelStates;
  settled: boolean;
  /** Who sent the deliveries: this process's own lanes, a running Crier's, the remote instance; none when all were skipped. */
  deliveredBy: 'cli' | 'service' | 'remote' | 'none';
}

export interface NewAccount {
  email: string;
  role: Role;
  name: string;
  /** Absent: an invitation link is made instead. */
  password?: string;
}

export type AccountResult =
  | { kind: 'invitation'; email: string; role: Role; url: string; expiresAt: number }
  | { kind: 'user'; id: number; email: string; role: Role };

export interface Backend {
  /** Where the commands run, for messages: the store's location or the instance's URL. */
  readonly target: string;
  scripts(): Promise<ScriptSummary[]>;
  incidents(options: { open: boolean }): Promise<Incident[]>;
  publish(input: PublishInput): Promise<PublishResult>;
  /** Follows a broadcast until every delivery settles, making sure someone delivers it. */
  follow(broadcastId: number, options: FollowOptions): Promise<FollowResult>;
  importFile(input: { name: string; text: string; format: ImportFormat }): Promise<FileImportOutcome>;
  addAccount(input: NewAccount): Promise<AccountResult>;
  createToken(input: { name: string; role: Role }): Promise<{ id: number; name: string; role: Role; secret: string }>;
  close(): Promise<void>;
}

/** Deliveries not yet settled: waiting for a lane or being sent now. */
export function unsettled(states: ChannelStates): number {
  return Object.values(states).reduce((n, s) => n + (s.pending ?? 0) + (s.sending ?? 0), 0);
}

/** Polls `read` until nothing is unsettled, the time is up or the signal aborts. */
export async function pollUntilSettled(read: () => Promise<ChannelStates>, options: FollowOptions, intervalMs: number): Promise<{ states: ChannelStates; settled: boolean }> {
  const until = Date.now() + options.timeoutMs;
  for (;;) {
    const states = await read();
    options.onProgress(states);
    if (unsettled(states) === 0) return { states, settled: true };
    if (Date.now() >= until || options.signal?.aborted) return { states, settled: false };
    await pause(Math.min(intervalMs, Math.max(0, until - Date.now())), options.signal);
  }
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

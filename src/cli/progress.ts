import type { ChannelStates } from './backend';

/**
 * The progress of a broadcast, per channel: sent, failed and skipped of the total. On a
 * terminal the lines are redrawn in place; into a file or a pipe a channel's line is printed
 * each time its counts change, so a log shows the whole course without escape codes.
 */
export interface Tally {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  queued: number;
}

const SENT = ['sent', 'delivered'];
const FAILED = ['failed', 'undelivered', 'bounced', 'dropped'];
const QUEUED = ['pending', 'sending'];

export function tally(states: Record<string, number> = {}): Tally {
  const sum = (names: string[]) => names.reduce((n, s) => n + (states[s] ?? 0), 0);
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  return { total, sent: sum(SENT), failed: sum(FAILED), skipped: states.skipped ?? 0, queued: sum(QUEUED) };
}

export function progressLine(channel: string, t: Tally, width = 20): string {
  const done = t.sent + t.failed + t.skipped;
  const filled = t.total === 0 ? width : Math.round((done / t.total) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const counts = `sent ${t.sent}  failed ${t.failed}  skipped ${t.skipped}${t.queued > 0 ? `  queued ${t.queued}` : ''}`;
  return `${channel.padEnd(6)} ${bar} ${String(done).padStart(String(t.total).length)}/${t.total}  ${counts}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressView {
  private drawn = 0;
  private readonly last = new Map<string, string>();

  constructor(private readonly out: ProgressStream, private readonly channels: readonly string[]) {}

  update(states: ChannelStates): void {
    const lines = this.channels.map((ch) => progressLine(ch, tally(states[ch])));
    if (this.out.isTTY) {
      const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
      this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
      this.drawn = lines.length;
      return;
    }
    this.channels.forEach((ch, i) => {
      const line = lines[i] as string;
      if (this.last.get(ch) === line) return;
      this.last.set(ch, line);
      this.out.write(`${line}\n`);
    });
  }
}

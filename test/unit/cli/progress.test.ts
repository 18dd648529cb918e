import { ProgressView, progressLine, tally } from '../../../src/cli/progress';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text) };
}

describe('broadcast progress', () => {
  it('[B1] when deliveries are in every state, then the line counts sent, failed and skipped of the total', () => {
    const t = tally({ sent: 5, delivered: 2, failed: 1, bounced: 1, skipped: 3, pending: 6, sending: 2 });
    expect(t).toEqual({ total: 20, sent: 7, failed: 2, skipped: 3, queued: 8 });
    expect(progressLine('email', t, 10)).toBe('email  [######----] 12/20  sent 7  failed 2  skipped 3  queued 8');
  });

  it('[B1] when the output is a terminal, then each update redraws the lines in place', () => {
    const out = stream(true);
    const view = new ProgressView(out, ['email', 'sms']);
    view.update({ email: { pending: 2 }, sms: { pending: 1 } });
    view.update({ email: { sent: 1, pending: 1 }, sms: { sent: 1 } });
    expect(out.chunks).toHaveLength(2);
    expect(out.chunks[0]?.startsWith('\x1b[2K')).toBe(true);
    expect(out.chunks[1]?.startsWith('\x1b[2A\x1b[2Kemail')).toBe(true);
    expect(out.chunks[1]).toContain('sms    [####################] 1/1  sent 1');
  });

  it('[B1] when the output is a file or pipe, then a channel gets a plain line only when its counts change', () => {
    const out = stream(false);
    const view = new ProgressView(out, ['email', 'sms']);
    view.update({ email: { pending: 2 }, sms: { pending: 1 } });
    view.update({ email: { pending: 2 }, sms: { sent: 1 } });
    view.update({ email: { pending: 2 }, sms: { sent: 1 } });
    expect(out.chunks.join('')).not.toContain('\x1b');
    expect(out.chunks).toEqual([
      'email  [--------------------] 0/2  sent 0  failed 0  skipped 0  queued 2\n',
      'sms    [--------------------] 0/1  sent 0  failed 0  skipped 0  queued 1\n',
      'sms    [####################] 1/1  sent 1  failed 0  skipped 0\n',
    ]);
  });
});

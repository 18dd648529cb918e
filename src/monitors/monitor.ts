import net from 'node:net';
import { z } from 'zod';
import { KEY_PATTERN } from '../import/import-schema';

/**
 * Monitors: HTTP(S) checks of the business's own sites, so the owner hears of trouble before
 * customers do. `failuresToDown` consecutive failed checks make a monitor down, which opens a
 * draft incident; the first success after that makes it up again and prompts to resolve.
 */
export type MonitorState = 'unknown' | 'up' | 'down';

export interface Monitor {
  id: number;
  name: string;
  url: string;
  intervalSeconds: number;
  timeoutMs: number;
  expectedStatus: number;
  failuresToDown: number;
  componentKey: string | null;
  failureTypeId: number | null;
  autoNotice: boolean;
  state: MonitorState;
  consecutiveFailures: number;
  nextCheckAt: number;
  lastCheckedAt: number | null;
}

export interface CheckResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * What a monitor may check. Monitors are set up by signed-in comms people and owners and aim at
 * the business's own sites, which may well be internal (an intranet, a server on the LAN), so
 * private and loopback addresses are allowed. Refused: schemes other than http and https,
 * credentials in the URL (they would sit in the database and on pages), and link-local
 * addresses (169.254.0.0/16, fe80::/10), where cloud metadata services live and no business
 * site does; the check refuses them again after DNS resolution.
 */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a full URL, such as https://shop.example.com/health';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) && isLinkLocal(host)) return 'must not point at a link-local address (169.254.x.x, fe80::)';
  return undefined;
}

export function isLinkLocal(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return v4.startsWith('169.254.');
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

const whole = (min: number, max: number) => z.coerce.number({ error: `must be a whole number from ${min} to ${max}` })
  .int({ error: `must be a whole number from ${min} to ${max}` }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });
const blankIsNone = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const onOff = z.preprocess((v) => (v === undefined ? 'off' : typeof v === 'boolean' ? (v ? 'on' : 'off') : v),
  z.enum(['on', 'off'], { error: 'must be on or off' })).transform((v) => v === 'on');

/** A monitor as the console form and the JSON API take it. */
export const monitorInput = z.object({
  name: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' }),
  url: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim().max(2000, { error: 'must be at most 2000 characters' })
    .superRefine((v, ctx) => { const p = urlProblem(v); if (p) ctx.addIssue({ code: 'custom', message: p }); }),
  intervalSeconds: whole(10, 86_400).default(60),
  timeoutMs: whole(100, 60_000).default(10_000),
  expectedStatus: whole(100, 599).default(200),
  failuresToDown: whole(1, 20).default(3),
  component: z.preprocess(blankIsNone, z.string({ error: 'must be a component key' }).trim().regex(KEY_PATTERN, { error: 'must be a component key' }).optional()),
  failureType: z.preprocess(blankIsNone, z.string({ error: 'must be a failure type key' }).trim().regex(KEY_PATTERN, { error: 'must be a failure type key' }).optional()),
  autoNotice: onOff,
}).refine((m) => m.timeoutMs < m.intervalSeconds * 1000, { path: ['timeoutMs'], message: 'must be shorter than the interval' });
export type MonitorInput = z.infer<typeof monitorInput>;

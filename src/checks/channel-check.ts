import type { Channel } from '../channels/provider';
import { abortable } from '../channels/request-timing';

/**
 * "Check channels": each provider's credentials and reachability, asked of the provider's API
 * with a call that messages nobody (SendGrid scopes, SMTP greeting and login, the Twilio
 * account, Slack auth.test, X users/me). One check per provider, each with its own timeout.
 */
export interface ChannelCheck {
  /** The provider id, as lanes name it: `sms-twilio`. */
  provider: string;
  channel: Channel;
  /** Resolves with a short description of what answered (the account, the team); rejects when it did not. */
  run(): Promise<string>;
}

export interface CheckResult {
  provider: string;
  channel: string;
  ok: boolean;
  /** What answered, or why the check failed; never a credential. */
  detail: string;
  latencyMs: number;
  checkedAt: number;
}

const MAX_DETAIL = 200;

/** Runs one check; never rejects: a failure, a hang past `timeoutMs` included, is a result. */
export async function runCheck(check: ChannelCheck, timeoutMs: number, now: () => number = Date.now): Promise<CheckResult> {
  const started = now();
  const signal = AbortSignal.timeout(timeoutMs);
  let ok = true;
  let detail: string;
  try {
    detail = await abortable(signal, () => check.run());
  } catch (err) {
    ok = false;
    detail = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err);
  }
  return { provider: check.provider, channel: check.channel, ok, detail: detail.slice(0, MAX_DETAIL), latencyMs: now() - started, checkedAt: now() };
}

/** The SDKs' own messages name the vendor's error (invalid_auth, 401 Unauthorized) without the key. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; data?: { error?: unknown } };
  const slack = typeof e?.data?.error === 'string' ? e.data.error : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return slack ?? (typeof e?.code === 'string' || typeof e?.code === 'number' ? `${e.code}: ${message}` : message);
}

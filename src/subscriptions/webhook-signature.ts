import crypto from 'node:crypto';

/**
 * The signature on every webhook Crier sends, in the manner of Stripe's:
 * `X-Crier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The time is
 * signed with the body, so a receiver that refuses old timestamps refuses replays too.
 */
export const SIGNATURE_HEADER = 'x-crier-signature';
/** How old a signature a receiver should accept, by default. */
export const SIGNATURE_TOLERANCE_S = 300;

function mac(secret: string, t: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

export function signWebhook(secret: string, body: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
}

/** Why a signature must be refused, or null when it is good and fresh. */
export function signatureProblem(secret: string, header: string | undefined, body: string, nowMs = Date.now(), toleranceS = SIGNATURE_TOLERANCE_S): string | null {
  if (!header) return 'no signature header';
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return 'malformed signature header';
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return 'signature timestamp too old';
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  return crypto.timingSafeEqual(expected, Buffer.from(given, 'hex')) ? null : 'signature does not match';
}

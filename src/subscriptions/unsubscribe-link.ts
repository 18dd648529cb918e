import crypto from 'node:crypto';

/**
 * One-click unsubscribe links that need no lookup table: the address is signed with the
 * server's secret, so a link cannot be forged for someone else's address and survives restarts.
 */
export interface UnsubscribeTarget {
  channel: string;
  address: string;
}

function sign(secret: string, payload: string): string {
  return crypto.createHmac('sha256', secret).update(payload).digest('base64url');
}

export function unsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  const payload = Buffer.from(JSON.stringify([target.channel, target.address])).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function unsubscribeUrl(publicUrl: string, secret: string, target: UnsubscribeTarget): string {
  return `${publicUrl.replace(/\/$/, '')}/unsubscribe/${unsubscribeToken(secret, target)}`;
}

/** The target a token names, or null when it was not signed by this secret. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  try {
    const [channel, address] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    return typeof channel === 'string' && typeof address === 'string' ? { channel, address } : null;
  } catch {
    return null;
  }
}

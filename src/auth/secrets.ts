import crypto from 'node:crypto';

/** A new random secret for a link, session or token: 32 bytes, URL-safe. */
export function newSecret(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/**
 * What is stored for a high-entropy secret: its SHA-256. A slow hash adds nothing for 256 random
 * bits, and a digest can be looked up by equality, so no timing-sensitive comparison is needed.
 */
export function digest(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(digest(a), 'hex');
  const y = Buffer.from(digest(b), 'hex');
  return crypto.timingSafeEqual(x, y);
}

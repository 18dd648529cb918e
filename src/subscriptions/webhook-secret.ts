import crypto from 'node:crypto';

/**
 * A webhook subscriber's signing secret. Crier must sign with it, so it cannot keep a digest
 * like it does for link tokens; it keeps it encrypted with AES-256-GCM under a key derived from
 * SECRET_KEY (HKDF), so a copy of the database alone signs nothing. The secret is shown to the
 * subscriber once, on the confirmation page.
 */

const FORMAT = 'v1';

export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

function keyFrom(secretKey: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secretKey, 'crier', 'webhook signing secrets', 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
export function sealWebhookSecret(secretKey: string, secret: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFrom(secretKey), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), sealed].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret, or throws when the value was not sealed with this SECRET_KEY. */
export function openWebhookSecret(secretKey: string, stored: string): string {
  const [format, iv, tag, sealed] = stored.split('.');
  if (format !== FORMAT || !iv || !tag || sealed === undefined) throw new Error('the stored webhook secret is not in a known format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyFrom(secretKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}

import crypto from 'node:crypto';
import twilio from 'twilio';

/**
 * Signatures of the incoming receipt webhooks. Both are checked against what the vendor signed:
 * Twilio the public URL plus the POST parameters, SendGrid the raw body bytes (a re-serialised
 * JSON body never verifies, so that route must read the body with express.raw).
 */

/** X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted POST parameters. */
export function validateTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string,
): boolean {
  return twilio.validateRequest(authToken, signature, url, params);
}

/** The signature Twilio would send for this request: for the sandbox and tests. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/**
 * SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over `timestamp + rawBody`, the public
 * key given as base64 SPKI DER. A malformed key throws (it is configuration); a malformed
 * signature is just invalid.
 */
export function verifySendgridSignature(
  publicKeyBase64Der: string,
  timestamp: string,
  rawBody: Buffer,
  signatureBase64: string,
): boolean {
  const key = crypto.createPublicKey({ key: Buffer.from(publicKeyBase64Der, 'base64'), format: 'der', type: 'spki' });
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
  try {
    return crypto.verify('sha256', signed, key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

export interface SendgridKeyPair {
  /** What SendGrid shows as the verification key, and what verifySendgridSignature takes. */
  publicKeyBase64: string;
  /** Signs as SendGrid does, for the value of X-Twilio-Email-Event-Webhook-Signature. */
  sign(timestamp: string, rawBody: Buffer | string): string;
}

/** A fresh key pair playing SendGrid's signing key: for the sandbox and tests. */
export function generateSendgridKeyPair(): SendgridKeyPair {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sign(timestamp, rawBody) {
      const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
      return crypto.sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), privateKey).toString('base64');
    },
  };
}

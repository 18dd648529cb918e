import {
  generateSendgridKeyPair,
  signTwilio,
  validateTwilioSignature,
  verifySendgridSignature,
} from '../../src/channels/webhook-signatures';

const AUTH_TOKEN = '12345';
const CALLBACK_URL = 'https://crier.example.org/receipts/twilio/42';

function buildTwilioCallback(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: `AC${'0'.repeat(31)}1`,
    MessageSid: `SM${'a'.repeat(32)}`,
    MessageStatus: 'delivered',
    To: '+14155550100',
    ...overrides,
  };
}

function buildSendgridEvents(overrides: Record<string, unknown> = {}): Buffer {
  const event = { email: 'ops@example.org', event: 'delivered', timestamp: 1_750_000_000, delivery_id: '11', ...overrides };
  return Buffer.from(JSON.stringify([event]));
}

describe('validateTwilioSignature', () => {
  it('when the signature was made over the same URL and parameters, then it is valid', () => {
    const params = buildTwilioCallback();
    expect(validateTwilioSignature(AUTH_TOKEN, CALLBACK_URL, params, signTwilio(AUTH_TOKEN, CALLBACK_URL, params))).toBe(true);
  });

  it('when a known test vector is checked, then it matches Twilio\'s documented signature', () => {
    // The example from Twilio's "Webhooks security" page (auth token 12345).
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(validateTwilioSignature(AUTH_TOKEN, url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('when a parameter was tampered with, then the signature is invalid', () => {
    const signature = signTwilio(AUTH_TOKEN, CALLBACK_URL, buildTwilioCallback());
    const tampered = buildTwilioCallback({ MessageStatus: 'failed' });
    expect(validateTwilioSignature(AUTH_TOKEN, CALLBACK_URL, tampered, signature)).toBe(false);
  });

  it('when the URL differs, then the signature is invalid', () => {
    const params = buildTwilioCallback();
    const signature = signTwilio(AUTH_TOKEN, CALLBACK_URL, params);
    expect(validateTwilioSignature(AUTH_TOKEN, 'https://crier.example.org/receipts/twilio/43', params, signature)).toBe(false);
  });

  it('when it was signed with another auth token, then the signature is invalid', () => {
    const params = buildTwilioCallback();
    expect(validateTwilioSignature(AUTH_TOKEN, CALLBACK_URL, params, signTwilio('other-token', CALLBACK_URL, params))).toBe(false);
  });

  it('when the signature is empty, then it is invalid', () => {
    expect(validateTwilioSignature(AUTH_TOKEN, CALLBACK_URL, buildTwilioCallback(), '')).toBe(false);
  });
});

describe('verifySendgridSignature', () => {
  const keys = generateSendgridKeyPair();
  const timestamp = '1750000000';

  it('when the raw body and timestamp are what was signed, then the signature is valid', () => {
    const body = buildSendgridEvents();
    expect(verifySendgridSignature(keys.publicKeyBase64, timestamp, body, keys.sign(timestamp, body))).toBe(true);
  });

  it("when SendGrid's published example is checked, then it verifies (so the key and signature formats match)", () => {
    // From sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js.
    const publicKey =
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    const signature =
      'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
    const body = Buffer.from(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));
    expect(verifySendgridSignature(publicKey, '1588788367', body, signature)).toBe(true);
    expect(verifySendgridSignature(publicKey, '1588788368', body, signature)).toBe(false);
  });

  it('when one byte of the body was changed, then the signature is invalid', () => {
    const signature = keys.sign(timestamp, buildSendgridEvents());
    expect(verifySendgridSignature(keys.publicKeyBase64, timestamp, buildSendgridEvents({ event: 'bounce' }), signature)).toBe(false);
  });

  it('when the body was re-serialised with other whitespace, then the signature is invalid', () => {
    const body = buildSendgridEvents();
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verifySendgridSignature(keys.publicKeyBase64, timestamp, reserialised, keys.sign(timestamp, body))).toBe(false);
  });

  it('when the timestamp differs, then the signature is invalid', () => {
    const body = buildSendgridEvents();
    expect(verifySendgridSignature(keys.publicKeyBase64, '1750000001', body, keys.sign(timestamp, body))).toBe(false);
  });

  it('when another key signed it, then the signature is invalid', () => {
    const body = buildSendgridEvents();
    const signature = generateSendgridKeyPair().sign(timestamp, body);
    expect(verifySendgridSignature(keys.publicKeyBase64, timestamp, body, signature)).toBe(false);
  });

  it('when the signature is not a signature at all, then it is invalid rather than an error', () => {
    expect(verifySendgridSignature(keys.publicKeyBase64, timestamp, buildSendgridEvents(), 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
  });

  it('when the public key is malformed, then verification throws, because that is a configuration error', () => {
    expect(() => verifySendgridSignature('bm90IGEga2V5', timestamp, buildSendgridEvents(), keys.sign(timestamp, 'x'))).toThrow();
  });
});

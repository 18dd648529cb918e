import { randomBytes } from 'node:crypto';
import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * Twilio's Messages API, as far as Crier uses it: `POST /2010-04-01/Accounts/{sid}/Messages.json`
 * with Basic auth and a form body, and `GET /2010-04-01/Accounts/{sid}.json` (the channel check). Numbers in `invalidNumbers` / `optedOut` are refused with the
 * codes the real API uses, so the SMS provider's classification can be driven end to end.
 */

export interface TwilioFakeOptions extends FakeServerOptions {
  accountSid?: string;
  authToken?: string;
  invalidNumbers?: Iterable<string>;
  optedOut?: Iterable<string>;
}

/** One Messages.json request as the fake received it, whatever it answered. */
export interface ReceivedSms {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  validityPeriod?: number;
}

export class TwilioFake extends FakeServer {
  readonly accountSid: string;
  readonly authToken: string;
  /** Mutable: add a number to make the next send to it fail with 21211. */
  readonly invalidNumbers: Set<string>;
  /** Mutable: add a number to make the next send to it fail with 21610 (recipient sent STOP). */
  readonly optedOut: Set<string>;

  constructor(options: TwilioFakeOptions = {}) {
    const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`;
    const authToken = options.authToken ?? 'fake-twilio-auth-token';
    const invalidNumbers = new Set(options.invalidNumbers);
    const optedOut = new Set(options.optedOut);
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

    super('twilio', (req) => {
      if (req.headers.authorization !== basic) return twilioError(401, 20003, 'Authenticate');
      if (req.method === 'GET' && req.path === `/2010-04-01/Accounts/${accountSid}.json`) return { status: 200, body: accountResource(accountSid) };
      if (req.method !== 'POST' || req.path !== path) {
        return twilioError(404, 20404, `The requested resource ${req.path} was not found`);
      }
      const sms = parseSms(req);
      if (!sms.to) return twilioError(400, 21604, "A 'To' phone number is required.");
      if (invalidNumbers.has(sms.to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${sms.to}`);
      if (optedOut.has(sms.to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
      return { status: 201, body: messageResource(accountSid, sms) };
    }, options);

    this.accountSid = accountSid;
    this.authToken = authToken;
    this.invalidNumbers = invalidNumbers;
    this.optedOut = optedOut;
  }

  messages(): ReceivedSms[] {
    return this.received.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).map(parseSms);
  }
}

export function createTwilioFake(options: TwilioFakeOptions = {}): TwilioFake {
  return new TwilioFake(options);
}

function parseSms(req: RecordedRequest): ReceivedSms {
  const form = new URLSearchParams(req.rawBody);
  const validity = form.get('ValidityPeriod');
  return {
    to: form.get('To') ?? '',
    from: form.get('From') ?? '',
    body: form.get('Body') ?? '',
    statusCallback: form.get('StatusCallback') ?? undefined,
    validityPeriod: validity === null ? undefined : Number(validity),
  };
}

function twilioError(status: number, code: number, message: string): FakeReply {
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {};
  return { status, headers, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function accountResource(sid: string): object {
  return { sid, friendly_name: 'Crier sandbox', status: 'active', type: 'Full', owner_account_sid: sid, uri: `/2010-04-01/Accounts/${sid}.json` };
}

function messageResource(accountSid: string, sms: ReceivedSms): object {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: sms.body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: sms.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(countSegments(sms.body)),
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `${uri}/Media.json` },
    to: sms.to,
    uri: `${uri}.json`,
  };
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '\f^{}\\[~]|€';

/** Segments as a carrier counts them: GSM-7 160/153, or UCS-2 70/67 once one character is outside GSM-7. */
function countSegments(body: string): number {
  let septets = 0;
  for (const ch of body) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

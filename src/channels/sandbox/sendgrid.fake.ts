import { randomBytes } from 'node:crypto';
import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * SendGrid v3 `POST /v3/mail/send` as the SDK sees it: 202 with an empty body and an
 * X-Message-Id header, or SendGrid-shaped `{ errors: [{ message, field, help }] }` on 400/401;
 * and `GET /v3/scopes`, the key's permissions, which the channel check asks for.
 * It checks only what a real request can get wrong from Crier's side, not every SendGrid rule.
 */

export const SENDGRID_SEND_PATH = '/v3/mail/send';
export const SENDGRID_SCOPES_PATH = '/v3/scopes';
const MAX_PERSONALIZATIONS = 1000;

interface EmailJson {
  email: string;
  name?: string;
}

interface PersonalizationJson {
  to?: EmailJson[];
  subject?: string;
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
  substitutions?: Record<string, string>;
}

interface MailJson {
  personalizations?: PersonalizationJson[];
  from?: EmailJson;
  subject?: string;
  content?: { type: string; value: string }[];
}

/** One personalization the fake received, with the mail-level fields it shares. */
export interface SendgridRecipient {
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
}

export function createSendgridFake(options?: FakeServerOptions): FakeServer {
  return new FakeServer('sendgrid', answerSendgrid, options);
}

/** Personalizations of every JSON mail-send request received, faulted ones included, in order. */
export function sendgridRecipients(fake: FakeServer): SendgridRecipient[] {
  return fake.received
    .filter((req) => req.method === 'POST' && req.path === SENDGRID_SEND_PATH)
    .flatMap((req) => {
      const mail = parseMail(req.rawBody);
      if (!mail) return [];
      const content = (type: string): string | undefined => mail.content?.find((c) => c.type === type)?.value;
      return (mail.personalizations ?? []).map((p) => ({
        to: (p.to ?? []).map((address) => address.email),
        subject: p.subject ?? mail.subject,
        // SendGrid replaces each personalization's substitution keys in the shared content.
        text: substitute(content('text/plain'), p.substitutions),
        html: substitute(content('text/html'), p.substitutions),
        headers: p.headers ?? {},
        customArgs: p.custom_args ?? {},
      }));
    });
}

function answerSendgrid(req: RecordedRequest): FakeReply {
  const scopes = req.method === 'GET' && req.path === SENDGRID_SCOPES_PATH;
  if (!scopes && (req.method !== 'POST' || req.path !== SENDGRID_SEND_PATH)) return sendgridError(404, 'Not Found', null);
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
    return sendgridError(401, 'The provided authorization grant is invalid, expired, or revoked', null);
  }
  if (scopes) return { status: 200, body: { scopes: ['mail.send', 'user.profile.read'] } };
  const mail = parseMail(req.rawBody);
  if (!mail) return sendgridError(400, 'Bad Request', null);
  const problem = findProblem(mail);
  if (problem) return sendgridError(400, problem.message, problem.field);
  return { status: 202, headers: { 'x-message-id': randomBytes(16).toString('base64url').slice(0, 22) } };
}

function parseMail(raw: string): MailJson | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as MailJson) : undefined;
  } catch {
    return undefined;
  }
}

function findProblem(mail: MailJson): { message: string; field: string } | undefined {
  const personalizations = mail.personalizations ?? [];
  if (personalizations.length === 0) {
    return { field: 'personalizations', message: 'The personalizations field is required and must have at least one personalization.' };
  }
  if (personalizations.length > MAX_PERSONALIZATIONS) {
    return { field: 'personalizations', message: `The personalizations field must have at most ${MAX_PERSONALIZATIONS} personalizations.` };
  }
  const recipients = personalizations.reduce((n, p) => n + (p.to?.length ?? 0), 0);
  if (recipients > MAX_PERSONALIZATIONS || personalizations.some((p) => !p.to?.length)) {
    return { field: 'personalizations.to', message: 'Each personalization needs 1 to 1000 recipients in to, and a request at most 1000 in total.' };
  }
  if (!mail.from?.email) return { field: 'from.email', message: 'The from object must be provided for every email send.' };
  if (!mail.subject && personalizations.some((p) => !p.subject)) {
    return { field: 'subject', message: 'The subject is required unless every personalization has one.' };
  }
  if (!mail.content?.length) {
    return { field: 'content', message: 'Unless a valid template_id is provided, the content parameter is required.' };
  }
  return undefined;
}

function sendgridError(status: number, message: string, field: string | null): FakeReply {
  return { status, body: { errors: [{ message, field, help: null }] } };
}

function substitute(body: string | undefined, substitutions: Record<string, string> | undefined): string | undefined {
  if (body === undefined || !substitutions) return body;
  return Object.entries(substitutions).reduce((text, [key, value]) => text.split(key).join(value), body);
}

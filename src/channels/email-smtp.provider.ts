import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { UNSUBSCRIBE_TOKEN } from '../render/email';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable } from './request-timing';

export interface SmtpTransportOptions {
  /** Parallel SMTP sessions; a relay often throttles above a handful. */
  maxConnections?: number;
  /** Applies to connect, greeting and idle socket alike; nodemailer's socket default is 10 min. */
  timeoutMs?: number;
}

/**
 * A pooled transport, so a lane reuses warm SMTP sessions instead of a handshake per message.
 * The url is parsed here because nodemailer, given `{ url, ...options }`, keeps only what the
 * url says and silently drops pool and every timeout.
 */
export function createSmtpTransport(url: string, options: SmtpTransportOptions = {}): Transporter<SMTPPool.SentMessageInfo> {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port ? Number(parsed.port) : undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return nodemailer.createTransport({
    pool: true,
    host,
    port,
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
    maxConnections: options.maxConnections ?? 5,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // nodemailer leaves Nagle on, so each message's end-of-DATA waits ~40 ms for a delayed ACK.
    // Handing the pool a no-delay socket (plain or STARTTLS; smtps keeps nodemailer's own) removes it.
    ...(secure ? {} : { getSocket: (_: unknown, callback: (err: null, socket: { connection: net.Socket }) => void) => callback(null, { connection: net.connect({ host, port: port ?? 587, noDelay: true }) }) }),
  });
}

/** The transport calls this provider makes; a nodemailer Transporter satisfies it. */
export interface SmtpSender {
  sendMail(mail: SendMailOptions): Promise<{ messageId: string }>;
  close(): void;
}

/** Mailbox unavailable / not local / name not allowed: the address itself is at fault. */
const RECIPIENT_CODES = new Set([550, 551, 553]);
/** Failures before a session existed: the message cannot have been handed over. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ECONNECTION', 'EDNS', 'ENOTFOUND']);

export class SmtpEmailProvider implements Provider {
  readonly id = 'email-smtp';
  readonly channel = 'email' as const;
  readonly maxBatch = 1;

  constructor(
    private readonly transport: SmtpSender,
    private readonly options: { from: string },
  ) {}

  accepts(address: string): boolean {
    return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address);
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > this.maxBatch) throw new RangeError(`${this.id} sends one message per call`);
    const mail: SendMailOptions = {
      from: this.options.from,
      to: message.address,
      subject: message.subject,
      text: withUnsubscribeUrl(message.text, message.unsubscribeUrl),
      html: message.html === undefined ? undefined : withUnsubscribeUrl(message.html, message.unsubscribeUrl),
      headers: message.headers,
    };
    try {
      const info = await abortable(signal, () => this.transport.sendMail(mail));
      return [{ ok: true, providerMessageId: info.messageId }];
    } catch (err) {
      throw classifySmtpError(err, signal, this.id);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

interface SmtpFailure {
  code?: string;
  errno?: number;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

function classifySmtpError(err: unknown, signal: AbortSignal, providerId: string): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('SMTP send aborted by the lane timeout', providerId, true, { code: 'timeout', maybeSent: true, cause: err });
  }
  const failure = (err ?? {}) as SmtpFailure;
  const message = `SMTP: ${failure.response ?? failure.message ?? String(err)}`;
  const status = failure.responseCode;
  if (status !== undefined && status >= 400) {
    const permanent = status >= 500;
    const recipientFault = permanent && failure.command === 'RCPT TO' && RECIPIENT_CODES.has(status);
    return new DeliveryError(message, providerId, !permanent, { code: String(status), recipientFault, cause: err });
  }
  if (failure.code === 'EAUTH') return new DeliveryError(message, providerId, false, { code: failure.code, cause: err });
  // nodemailer wraps socket errors as ESOCKET; the errno says whether the connection ever opened.
  const code = failure.errno !== undefined && failure.errno < 0 ? getSystemErrorName(failure.errno) : failure.code;
  return new DeliveryError(message, providerId, true, { code, maybeSent: !code || !NOT_SENT.has(code), cause: err });
}

/** The rendered body carries a placeholder where each recipient's own unsubscribe link goes. */
function withUnsubscribeUrl(body: string, url: string | undefined): string {
  return url ? body.split(UNSUBSCRIBE_TOKEN).join(url) : body;
}

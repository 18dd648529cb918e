import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * A loopback SMTP server for the sandbox and the tests: plain text (no STARTTLS), any or no
 * AUTH, each message parsed and recorded. Faults make it answer like a mail server having a bad
 * day, so the SMTP provider's classification can be driven through each case.
 */

export interface ReceivedMail {
  /** Envelope sender and recipients, i.e. what MAIL FROM / RCPT TO carried. */
  from: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  /** Header values as sent (unfolded), keyed by lower-case name. */
  headers: Record<string, string>;
}

export interface SmtpFault {
  /** Answer RCPT TO with this code: 451 transient, 550 permanent. */
  rcptCode?: number;
  /** Take the whole message, then answer the end of DATA with this code. */
  dataCode?: number;
  /** Take the message but never answer it; the connection stays open until the fake stops. */
  hang?: boolean;
  /** Stop listening (and drop open connections) so connections are refused, until cleared. */
  refuse?: boolean;
}

export class SmtpFake {
  readonly received: ReceivedMail[] = [];
  /** SMTP sessions opened since the last clear(), to see a pool reuse its connections. */
  connectionCount = 0;
  private server = this.createServer();
  private port = 0;
  private fault: SmtpFault | undefined;
  private readonly hungSessions = new Set<string>();

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the listener and, after a 50 ms grace, every open (idle or hung) connection. */
  async stop(): Promise<void> {
    if (!this.server.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Inject a fault; `undefined` clears it. Refusal keeps the port for the restart. */
  async setFault(fault: SmtpFault | undefined): Promise<void> {
    const wasRefusing = this.fault?.refuse === true;
    this.fault = fault;
    if (!fault?.hang) this.dropHungSessions();
    if (fault?.refuse && !wasRefusing) {
      await this.stop();
      this.server = this.createServer();
    } else if (!fault?.refuse && wasRefusing) {
      await this.start(this.port);
    }
  }

  clear(): void {
    this.received.length = 0;
    this.connectionCount = 0;
  }

  /** A hung session would otherwise hold a client's pooled connection until its socket timeout. */
  private dropHungSessions(): void {
    for (const connection of this.server.connections) {
      if (this.hungSessions.has(connection.session.id)) connection.close();
    }
    this.hungSessions.clear();
  }

  private createServer(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A reverse DNS lookup per connection would add ~100 ms before the greeting on loopback.
      disableReverseLookup: true,
      closeTimeout: 50,
      onConnect: (_session, callback) => {
        this.connectionCount += 1;
        callback();
      },
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
      onRcptTo: (_address, _session, callback) => callback(smtpError(this.fault?.rcptCode)),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const fault = this.fault;
    simpleParser(stream).then(
      (mail) => {
        if (fault?.hang) {
          this.hungSessions.add(session.id);
          return;
        }
        if (fault?.dataCode) return callback(smtpError(fault.dataCode));
        this.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: mail.subject,
          text: mail.text,
          html: mail.html || undefined,
          headers: Object.fromEntries(mail.headerLines.map(({ key, line }) => [key, line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim()])),
        });
        callback();
      },
      (err: Error) => callback(err),
    );
  }
}

function smtpError(code: number | undefined): Error | null {
  if (code === undefined) return null;
  const text = code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Requested action aborted: try again later';
  return Object.assign(new Error(text), { responseCode: code });
}

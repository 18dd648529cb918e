import { SIGNATURE_HEADER, signatureProblem } from '../../subscriptions/webhook-signature';
import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * A subscriber's webhook receiver, as a well-behaved one would be: it takes JSON POSTs on any
 * path and, for a path whose secret it was given, checks the X-Crier-Signature over the raw body
 * and refuses a bad or stale one with 401, as the README tells receivers to.
 */
export interface WebhookFake extends FakeServer {
  /** Expect posts to this path to be signed with this secret. */
  expectSecret(path: string, secret: string): void;
  /** Posts received, with the verdict on their signature (null: no secret known for the path). */
  posts(): WebhookPost[];
}

export interface WebhookPost {
  path: string;
  body: unknown;
  signatureProblem: string | null;
  verified: boolean;
}

export function createWebhookFake(options: FakeServerOptions = {}): WebhookFake {
  const secrets = new Map<string, string>();
  const verdict = (req: RecordedRequest): string | null => {
    const secret = secrets.get(req.path);
    if (!secret) return null;
    const header = req.headers[SIGNATURE_HEADER];
    return signatureProblem(secret, Array.isArray(header) ? header[0] : header, req.rawBody, req.at);
  };
  const fake = new FakeServer('webhook', (req): FakeReply => {
    if (req.method !== 'POST') return { status: 405, body: 'POST only' };
    if (parseJson(req.rawBody) === undefined) return { status: 400, body: 'body is not JSON' };
    const problem = verdict(req);
    if (problem) return { status: 401, body: problem };
    return { status: 204 };
  }, options);
  return Object.assign(fake, {
    expectSecret(path: string, secret: string) {
      secrets.set(path, secret);
    },
    posts(): WebhookPost[] {
      return fake.received.map((req) => {
        const problem = verdict(req);
        return { path: req.path, body: parseJson(req.rawBody), signatureProblem: problem, verified: secrets.has(req.path) && problem === null };
      });
    },
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

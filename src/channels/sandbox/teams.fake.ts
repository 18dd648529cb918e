import { teamsCardTexts } from '../../render/teams';
import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * Microsoft Teams incoming webhooks: the Office 365 connector (`/webhookb2/…`, answers 200 with
 * body `1`) and Power Automate workflows (`/workflows/…`, `/powerautomate/…`, answer 202). Like
 * Teams it refuses a body that is not a message with an Adaptive Card (400), and answers 404 for
 * a webhook that was removed.
 */

export interface TeamsFakeOptions extends FakeServerOptions {
  /** Webhook paths answered with 404, as Teams does once a connector or workflow is deleted. */
  removed?: Iterable<string>;
}

export interface TeamsCardPost {
  path: string;
  texts: string[];
  body: unknown;
}

export function createTeamsFake(options: TeamsFakeOptions = {}): FakeServer {
  const removed = new Set(options.removed);
  return new FakeServer('teams', (req): FakeReply => {
    if (req.method !== 'POST') return { status: 405, body: 'Method Not Allowed' };
    if (removed.has(req.path)) return { status: 404, body: 'Webhook not found' };
    const body = parseJson(req.rawBody) as { type?: unknown; attachments?: { contentType?: unknown }[] } | undefined;
    const card = body?.type === 'message' && body.attachments?.some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    if (!card) return { status: 400, body: 'Bad payload: expected a message with an Adaptive Card attachment' };
    if (/\/(workflows|powerautomate)\//.test(req.path)) return { status: 202, body: '' };
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: '1' };
  }, options);
}

/** Cards received, faulted ones included, in order. */
export function teamsCards(fake: FakeServer): TeamsCardPost[] {
  return fake.received.filter((r: RecordedRequest) => r.method === 'POST').map((r) => {
    const body = parseJson(r.rawBody);
    return { path: r.path, texts: teamsCardTexts(body), body };
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * Slack as Crier uses it: Web API `POST /api/chat.postMessage` (form-encoded or JSON, Bearer
 * token), `POST /api/auth.test` (the channel check) and incoming webhooks under `/services/`. Like Slack, the Web API answers HTTP 200 for
 * platform errors and says what went wrong in `{ ok: false, error }`.
 */

export const SLACK_POST_MESSAGE_PATH = '/api/chat.postMessage';
export const SLACK_AUTH_TEST_PATH = '/api/auth.test';
const WEBHOOK_PREFIX = '/services/';

export interface SlackFakeOptions extends FakeServerOptions {
  /** Channel ids answered with `channel_not_found`. */
  unknownChannels?: Iterable<string>;
  /** The only token accepted; when absent any `xox…` token passes. */
  token?: string;
}

/** A chat.postMessage call the fake received. */
export interface SlackPost {
  token?: string;
  channel?: string;
  text?: string;
  blocks?: unknown;
}

/** An incoming-webhook post the fake received. */
export interface SlackWebhookPost {
  path: string;
  text?: string;
  body: unknown;
}

export function createSlackFake(options: SlackFakeOptions = {}): FakeServer {
  const unknownChannels = new Set(options.unknownChannels);
  let posted = 0;
  const tokenOk = (token: string | undefined): boolean =>
    options.token === undefined ? /^xox[a-z]-\S+$/.test(token ?? '') : token === options.token;

  return new FakeServer('slack', (req: RecordedRequest): FakeReply => {
    if (req.method === 'POST' && req.path.startsWith(WEBHOOK_PREFIX)) return answerWebhook(req);
    if (req.method === 'POST' && req.path === SLACK_AUTH_TEST_PATH) {
      return tokenOk(readPost(req).token)
        ? { status: 200, body: { ok: true, url: 'https://sandbox.slack.com/', team: 'Crier sandbox', user: 'crier', team_id: 'T0SANDBOX', user_id: 'U0CRIER01', bot_id: 'B0CRIER01' } }
        : { status: 200, body: { ok: false, error: 'invalid_auth' } };
    }
    if (req.method !== 'POST' || req.path !== SLACK_POST_MESSAGE_PATH) return { status: 404, body: 'not found' };
    const post = readPost(req);
    if (!tokenOk(post.token)) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    if (!post.channel || unknownChannels.has(post.channel)) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (!post.text && !post.blocks) return { status: 200, body: { ok: false, error: 'no_text' } };
    posted += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(posted).padStart(6, '0')}`;
    return { status: 200, body: { ok: true, channel: post.channel, ts, message: { text: post.text, ts } } };
  }, options);
}

/** chat.postMessage calls received, faulted ones included, in order. */
export function slackPosts(fake: FakeServer): SlackPost[] {
  return fake.received.filter((req) => req.path === SLACK_POST_MESSAGE_PATH).map(readPost);
}

/** Incoming-webhook posts received, faulted ones included, in order. */
export function slackWebhookPosts(fake: FakeServer): SlackWebhookPost[] {
  return fake.received
    .filter((req) => req.path.startsWith(WEBHOOK_PREFIX))
    .map((req) => {
      const body = parseJson(req.rawBody);
      return { path: req.path, text: (body as { text?: string } | undefined)?.text, body };
    });
}

function answerWebhook(req: RecordedRequest): FakeReply {
  const body = parseJson(req.rawBody) as { text?: unknown; blocks?: unknown } | undefined;
  if (!body) return { status: 400, body: 'invalid_payload' };
  if (!body.text && !body.blocks) return { status: 400, body: 'no_text' };
  return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
}

/** The SDK sends form-encoded fields (blocks as a JSON string); other clients may send JSON. */
function readPost(req: RecordedRequest): SlackPost {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const json = req.headers['content-type']?.startsWith('application/json') ?? false;
  const fields = json ? ((parseJson(req.rawBody) ?? {}) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(req.rawBody));
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const blocks = typeof fields.blocks === 'string' ? parseJson(fields.blocks) : fields.blocks;
  return { token: bearer ?? str(fields.token), channel: str(fields.channel), text: str(fields.text), blocks };
}

function parseJson(raw: string): unknown {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

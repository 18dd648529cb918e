import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';

/**
 * X's `POST /2/tweets` as Crier uses it (and `GET /2/users/me`, the channel check): JSON body, OAuth 1.0a header (its presence is checked,
 * not its signature, because the SDK signs for api.x.com before the URL is rewritten). It keeps
 * X's two behaviours a lane must respect: a small post quota with x-rate-limit-* headers, and a
 * 403 for text identical to an earlier post.
 */

export interface XFakeOptions extends FakeServerOptions {
  /** Posts allowed per window before 429 (X's free tier is as low as 17 per 24 h). */
  postLimit?: number;
  windowSeconds?: number;
}

/** One /2/tweets request as the fake received it, whatever it answered. */
export interface ReceivedPost {
  text: string;
  replyTo?: string;
}

interface TweetBody {
  text?: unknown;
  reply?: { in_reply_to_tweet_id?: unknown };
}

export class XFake extends FakeServer {
  constructor(options: XFakeOptions = {}) {
    const limit = options.postLimit ?? 10_000;
    const windowMs = (options.windowSeconds ?? 900) * 1000;
    const postedTexts = new Set<string>();
    let nextId = 1_900_000_000_000_000_000n;
    let windowEnds = 0;
    let remaining = limit;

    super('x', (req) => {
      if (!req.headers.authorization?.startsWith('OAuth ')) return xError(401, 'Unauthorized', 'Unauthorized');
      if (req.method === 'GET' && req.path.split('?')[0] === '/2/users/me') return { status: 200, body: { data: { id: '1900000000000000001', name: 'Crier sandbox', username: 'crier_sandbox' } } };
      if (req.method !== 'POST' || req.path !== '/2/tweets') return xError(404, 'Not Found Error', 'Not Found');
      const now = Date.now();
      if (now >= windowEnds) {
        windowEnds = now + windowMs;
        remaining = limit;
      }
      const rateHeaders = (): Record<string, string> => ({
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(remaining),
        'x-rate-limit-reset': String(Math.ceil(windowEnds / 1000)),
      });
      if (remaining <= 0) return xError(429, 'Too Many Requests', 'Too Many Requests', rateHeaders());
      const { text } = parsePost(req);
      if (!text) return xError(400, 'Invalid Request', 'One or more parameters to your request was invalid.');
      if (postedTexts.has(text)) {
        return xError(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
      }
      postedTexts.add(text);
      remaining -= 1;
      nextId += 1n;
      const id = String(nextId);
      return { status: 201, headers: rateHeaders(), body: { data: { id, text, edit_history_tweet_ids: [id] } } };
    }, options);
  }

  posts(): ReceivedPost[] {
    return this.received.filter((r) => r.method === 'POST' && r.path === '/2/tweets').map(parsePost);
  }
}

export function createXFake(options: XFakeOptions = {}): XFake {
  return new XFake(options);
}

function parsePost(req: RecordedRequest): ReceivedPost {
  let body: TweetBody;
  try {
    body = JSON.parse(req.rawBody) as TweetBody;
  } catch {
    return { text: '' };
  }
  const text = typeof body.text === 'string' ? body.text : '';
  const replyTo = body.reply?.in_reply_to_tweet_id;
  return typeof replyTo === 'string' ? { text, replyTo } : { text };
}

/** X's v2 problem shape (RFC 7807), as the SDK formats and exposes it in ApiResponseError.data. */
function xError(status: number, title: string, detail: string, headers: Record<string, string> = {}): FakeReply {
  return {
    status,
    headers: { ...headers, 'content-type': 'application/problem+json' },
    body: { title, detail, type: 'about:blank', status },
  };
}

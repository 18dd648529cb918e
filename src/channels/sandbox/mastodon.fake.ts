import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';
import { escapeHtml } from '../../render/email';
import { mastodonLength, MASTODON_DEFAULT_MAX_CHARACTERS } from '../../render/social';

/**
 * A Mastodon server's `POST /api/v1/statuses` (JSON, Bearer token) and
 * `GET /api/v1/accounts/verify_credentials`, as Crier uses them. It keeps what a lane must
 * respect: the post quota with X-RateLimit-* headers (the reset an ISO 8601 time), the 500
 * character limit (422), and Idempotency-Key (the same key returns the first post, not a new one).
 */

export interface MastodonFakeOptions extends FakeServerOptions {
  /** Posts allowed per window before 429 (mastodon.social: 300 per 3 hours). */
  postLimit?: number;
  windowSeconds?: number;
}

export interface MastodonPost {
  text: string;
  replyTo?: string;
  idempotencyKey?: string;
}

export const MASTODON_STATUSES_PATH = '/api/v1/statuses';

export class MastodonFake extends FakeServer {
  constructor(options: MastodonFakeOptions = {}) {
    const limit = options.postLimit ?? 10_000;
    const windowMs = (options.windowSeconds ?? 10_800) * 1000;
    const byKey = new Map<string, object>();
    let nextId = 110_000_000_000_000_000n;
    let windowEnds = 0;
    let remaining = limit;

    super('mastodon', (req): FakeReply => {
      if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return { status: 401, body: { error: 'The access token is invalid' } };
      if (req.method === 'GET' && req.path === '/api/v1/accounts/verify_credentials') {
        return { status: 200, body: { id: '1', username: 'crier', acct: 'crier', display_name: 'Crier sandbox' } };
      }
      if (req.method !== 'POST' || req.path !== MASTODON_STATUSES_PATH) return { status: 404, body: { error: 'Record not found' } };
      const now = Date.now();
      if (now >= windowEnds) {
        windowEnds = now + windowMs;
        remaining = limit;
      }
      const rateHeaders = () => ({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': new Date(windowEnds).toISOString() });
      const post = readPost(req);
      const earlier = post.idempotencyKey ? byKey.get(post.idempotencyKey) : undefined;
      if (earlier) return { status: 200, headers: rateHeaders(), body: earlier };
      if (remaining <= 0) return { status: 429, headers: rateHeaders(), body: { error: 'Too many requests' } };
      if (!post.text.trim()) return { status: 422, body: { error: "Validation failed: Text can't be blank" } };
      if (mastodonLength(post.text) > MASTODON_DEFAULT_MAX_CHARACTERS) return { status: 422, body: { error: `Validation failed: Text character limit of ${MASTODON_DEFAULT_MAX_CHARACTERS} exceeded` } };
      remaining -= 1;
      nextId += 1n;
      const id = String(nextId);
      const status = {
        id, created_at: new Date(now).toISOString(), in_reply_to_id: post.replyTo ?? null, visibility: 'public',
        content: `<p>${escapeHtml(post.text)}</p>`, url: `https://mastodon.invalid/@crier/${id}`, account: { id: '1', username: 'crier', acct: 'crier' },
      };
      if (post.idempotencyKey) byKey.set(post.idempotencyKey, status);
      return { status: 200, headers: rateHeaders(), body: status };
    }, options);
  }

  /** Every statuses request received, faulted ones included, in order. */
  posts(): MastodonPost[] {
    return this.received.filter((r) => r.method === 'POST' && r.path === MASTODON_STATUSES_PATH).map(readPost);
  }
}

export function createMastodonFake(options: MastodonFakeOptions = {}): MastodonFake {
  return new MastodonFake(options);
}

function readPost(req: RecordedRequest): MastodonPost {
  let body: { status?: unknown; in_reply_to_id?: unknown } = {};
  try {
    body = JSON.parse(req.rawBody) as typeof body;
  } catch {
    // A body that is not JSON posts nothing; the empty text is refused as blank.
  }
  const key = req.headers['idempotency-key'];
  return {
    text: typeof body.status === 'string' ? body.status : '',
    ...(typeof body.in_reply_to_id === 'string' ? { replyTo: body.in_reply_to_id } : {}),
    ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
  };
}

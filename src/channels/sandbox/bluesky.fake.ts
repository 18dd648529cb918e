import crypto from 'node:crypto';
import { FakeServer, type FakeReply, type FakeServerOptions, type RecordedRequest } from './fake-server';
import { BLUESKY_MAX_GRAPHEMES, blueskyLength } from '../../render/social';

/**
 * A Bluesky PDS as Crier uses it: `com.atproto.server.createSession` (app password),
 * `refreshSession`, `getSession` and `com.atproto.repo.createRecord` of `app.bsky.feed.post`.
 * Answers pass the SDK's lexicon checks (a real DID, handle and CID), errors use XRPC's
 * `{ error, message }` shape, and the post quota answers 429 with RateLimit headers.
 */

export interface BlueskyFakeOptions extends FakeServerOptions {
  identifier?: string;
  /** The only app password accepted; any when absent. */
  password?: string;
  postLimit?: number;
  windowSeconds?: number;
}

export interface BlueskyPost {
  text: string;
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  facets?: unknown[];
}

const XRPC = '/xrpc/';
export const BLUESKY_DID = 'did:plc:crier7sandbox7fake7pds7aa';
const HANDLE = 'crier.bsky.social';

export class BlueskyFake extends FakeServer {
  constructor(options: BlueskyFakeOptions = {}) {
    const limit = options.postLimit ?? 10_000;
    const windowMs = (options.windowSeconds ?? 3600) * 1000;
    const tokens = new Map<string, 'access' | 'refresh'>();
    let posted = 0;
    let windowEnds = 0;
    let remaining = limit;
    const session = () => {
      const accessJwt = `access.${crypto.randomBytes(12).toString('hex')}`;
      const refreshJwt = `refresh.${crypto.randomBytes(12).toString('hex')}`;
      tokens.set(accessJwt, 'access').set(refreshJwt, 'refresh');
      return { accessJwt, refreshJwt, handle: HANDLE, did: BLUESKY_DID, active: true };
    };
    const bearer = (req: RecordedRequest) => tokens.get(/^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');

    super('bluesky', (req): FakeReply => {
      const method = req.path.startsWith(XRPC) ? req.path.slice(XRPC.length).split('?')[0] : '';
      const body = parseJson(req.rawBody);
      switch (method) {
        case 'com.atproto.server.createSession': {
          const ok = typeof body.identifier === 'string' && typeof body.password === 'string'
            && (options.identifier === undefined || body.identifier === options.identifier)
            && (options.password === undefined || body.password === options.password);
          return ok ? { status: 200, body: session() } : xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
        }
        case 'com.atproto.server.refreshSession':
          return bearer(req) === 'refresh' ? { status: 200, body: session() } : xrpcError(400, 'ExpiredToken', 'Token has expired');
        case 'com.atproto.server.getSession':
          return bearer(req) === 'access' ? { status: 200, body: { handle: HANDLE, did: BLUESKY_DID, active: true } } : xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
        case 'com.atproto.repo.createRecord': {
          if (bearer(req) !== 'access') return xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
          const now = Date.now();
          if (now >= windowEnds) {
            windowEnds = now + windowMs;
            remaining = limit;
          }
          const rate = { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(Math.ceil(windowEnds / 1000)), 'ratelimit-policy': `${limit};w=${windowMs / 1000}` };
          if (remaining <= 0) return { ...xrpcError(429, 'RateLimitExceeded', 'Rate Limit Exceeded'), headers: rate };
          const record = (body.record ?? {}) as { text?: unknown };
          if (body.collection !== 'app.bsky.feed.post' || typeof record.text !== 'string') return xrpcError(400, 'InvalidRequest', 'Input/record must be an app.bsky.feed.post');
          if (blueskyLength(record.text) > BLUESKY_MAX_GRAPHEMES) return xrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: Record/text must not be longer than ${BLUESKY_MAX_GRAPHEMES} graphemes`);
          remaining -= 1;
          posted += 1;
          const rkey = `3l${String(posted).padStart(11, '0')}`;
          return { status: 200, headers: rate, body: { uri: `at://${BLUESKY_DID}/app.bsky.feed.post/${rkey}`, cid: cidFor(req.rawBody), validationStatus: 'valid' } };
        }
        default:
          return xrpcError(501, 'MethodNotImplemented', `Method Not Implemented: ${method || req.path}`);
      }
    }, options);
  }

  /** Every createRecord request received, faulted ones included, in order. */
  posts(): BlueskyPost[] {
    return this.received.filter((r) => r.path === `${XRPC}com.atproto.repo.createRecord`).map((r) => {
      const record = (parseJson(r.rawBody).record ?? {}) as Partial<BlueskyPost>;
      return { text: typeof record.text === 'string' ? record.text : '', ...(record.reply ? { reply: record.reply } : {}), ...(record.facets ? { facets: record.facets } : {}) };
    });
  }
}

export function createBlueskyFake(options: BlueskyFakeOptions = {}): BlueskyFake {
  return new BlueskyFake(options);
}

function xrpcError(status: number, error: string, message: string): FakeReply {
  return { status, body: { error, message } };
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A CIDv1 (dag-cbor, sha2-256) in multibase base32, as a PDS returns: the SDK checks the format. */
function cidFor(content: string): string {
  const bytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), crypto.createHash('sha256').update(content).digest()]);
  let bits = 0;
  let value = 0;
  let out = 'b';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((value << (5 - bits)) & 31);
  return out;
}

import { AtpAgent, RichText, XRPCError } from '@atproto/api';
import { networkError } from './network-error';
import { DeliveryError, type OutboundMessage, type Provider, type SendOutcome } from './provider';
import { abortable, retryAfterMs } from './request-timing';

const PROVIDER_ID = 'bluesky-atproto';
const POST = 'app.bsky.feed.post';

export interface BlueskyAgentOptions {
  /** The account's service (https://bsky.social); the fake's URL in the sandbox. */
  service: string;
  /** Every request gives up after this long, even one the SDK starts without a signal (login). */
  timeoutMs: number;
}

/** An agent whose every request, login included, ends within timeoutMs. */
export function createBlueskyAgent(o: BlueskyAgentOptions): AtpAgent {
  const timed: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    return fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(o.timeoutMs)]) });
  };
  return new AtpAgent({ service: o.service, fetch: timed });
}

interface StrongRef { uri: string; cid: string }

/** The SDK calls the provider makes; an AtpAgent satisfies it. */
export interface BlueskyApi {
  readonly session?: { did: string };
  login(credentials: { identifier: string; password: string }): Promise<unknown>;
  com: { atproto: {
    repo: { createRecord(data: { repo: string; collection: string; record: Record<string, unknown> }, opts: { signal: AbortSignal }): Promise<{ data: StrongRef }> };
    server: { getSession(): Promise<{ data: { handle: string; active?: boolean } }> };
  } };
}

/** A post's strong reference as one string, `<at-uri>#<cid>`: a reply needs both parts. */
export const encodePostRef = (ref: StrongRef): string => `${ref.uri}#${ref.cid}`;

export function decodePostRef(value: string): StrongRef | undefined {
  const at = value.lastIndexOf('#');
  return at > 0 ? { uri: value.slice(0, at), cid: value.slice(at + 1) } : undefined;
}

/**
 * Posts to the configured Bluesky account: one app password session (createSession, refreshed
 * by the SDK), then `com.atproto.repo.createRecord` of an `app.bsky.feed.post` with link facets,
 * so the status page link is clickable. A message with replyToId (an encoded post reference)
 * becomes a reply to that post, so one incident's updates form a thread under its first post.
 */
export class BlueskyPostProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly channel = 'bluesky' as const;
  readonly maxBatch = 1;
  private login: Promise<unknown> | undefined;

  constructor(
    private readonly api: BlueskyApi,
    private readonly credentials: { identifier: string; password: string },
    private readonly now: () => number = Date.now,
  ) {}

  accepts(_address: string): boolean {
    return true;
  }

  async send(messages: OutboundMessage[], signal: AbortSignal): Promise<SendOutcome[]> {
    const [message] = messages;
    if (!message || messages.length > 1) throw new RangeError(`${this.id} sends exactly one message per call`);
    const hadSession = this.api.session !== undefined;
    try {
      const posted = await abortable(signal, async () => {
        const did = await this.session();
        return this.api.com.atproto.repo.createRecord({ repo: did, collection: POST, record: this.record(message) }, { signal });
      });
      return [{ ok: true, providerMessageId: encodePostRef(posted.data) }];
    } catch (err) {
      const error = classifyBluesky(err, signal, this.now());
      // A session the server no longer takes: log in afresh on the next attempt.
      if (hadSession && error.code === '401') {
        this.login = undefined;
        throw new DeliveryError(error.message, PROVIDER_ID, true, { code: 'session_expired', cause: err });
      }
      throw error;
    }
  }

  private record(message: OutboundMessage): Record<string, unknown> {
    const rt = new RichText({ text: message.text });
    rt.detectFacetsWithoutResolution();
    const parent = message.replyToId ? decodePostRef(message.replyToId) : undefined;
    return {
      $type: POST, text: rt.text, createdAt: new Date(this.now()).toISOString(),
      ...(rt.facets && rt.facets.length > 0 ? { facets: rt.facets } : {}),
      ...(parent ? { reply: { root: parent, parent } } : {}),
    };
  }

  /**
   * Who the app password signs in as, for the channel check. It reuses the lane's session (and so
   * its login): a fresh createSession every few minutes would spend the PDS's daily login quota.
   */
  async whoAmI(): Promise<string> {
    await this.session();
    const { data } = await this.api.com.atproto.server.getSession();
    if (data.active === false) throw new Error(`the account @${data.handle} is not active`);
    return data.handle;
  }

  /** One login shared by concurrent sends; a failed one is forgotten so the next send tries again. */
  private async session(): Promise<string> {
    this.login ??= this.api.login(this.credentials).catch((err: unknown) => {
      this.login = undefined;
      throw err;
    });
    await this.login;
    const did = this.api.session?.did;
    if (!did) throw new DeliveryError('Bluesky login returned no session', PROVIDER_ID, true, { code: 'no_session' });
    return did;
  }
}

/** Retry or stop: 429 waits for ratelimit-reset, 5xx and the network retry; 400/401/403 are final. */
export function classifyBluesky(err: unknown, signal: AbortSignal, now: number): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (signal.aborted) return new DeliveryError('Bluesky request aborted by the lane timeout', PROVIDER_ID, true, { code: 'timeout', maybeSent: true, cause: err });
  if (err instanceof XRPCError && err.status >= 400) {
    const message = `Bluesky ${err.status}: ${err.error ?? ''} ${err.message}`.trim();
    if (err.status === 429) return new DeliveryError(message, PROVIDER_ID, true, { code: '429', retryAfterMs: resetWait(err.headers, now), cause: err });
    if (err.status >= 500) return new DeliveryError(message, PROVIDER_ID, true, { code: String(err.status), maybeSent: true, cause: err });
    return new DeliveryError(message, PROVIDER_ID, false, { code: String(err.status), cause: err });
  }
  return networkError('Bluesky', PROVIDER_ID, err);
}

/** A PDS sends `ratelimit-reset` in epoch seconds (draft IETF RateLimit headers); Retry-After otherwise. */
function resetWait(headers: Record<string, string | undefined> | undefined, now: number): number | undefined {
  const reset = Number(headers?.['ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return retryAfterMs(headers?.['retry-after'], now);
}

import type { Role } from '../auth/roles';
import type { FileImportOutcome } from '../import/import-file.service';
import type { Incident } from '../incidents/incident';
import type { PublishResult } from '../incidents/publish';
import { pollUntilSettled, type AccountResult, type Backend, type ChannelStates, type ScriptSummary } from './backend';
import { CliError, EXIT } from './exit';

/**
 * Commands against a running instance over its JSON API, with an API token. The token goes in
 * the Authorization header and nowhere else: never into a message, a URL or the output.
 */
interface ApiError {
  error?: { code?: string; message?: string; details?: { field: string; message: string }[] };
}

interface ApiScript {
  key: string;
  name: string;
  situation: string;
  inForce: { id: number; version: number; variables: { name: string; required: boolean }[] } | null;
}

const POLL_MS = 500;

export function openRemote(baseUrl: string, token: string): Backend {
  /** A JSON body is sent as JSON; `{ text, type }` as that text with that content type. */
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, raw?: { text: string; type: string }): Promise<T> {
    const payload = raw ?? (body === undefined ? undefined : { text: JSON.stringify(body), type: 'application/json' });
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(payload ? { 'content-type': payload.type } : {}) },
        body: payload?.text,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(EXIT.unreachable, `Could not reach ${baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}.`);
    }
    const text = await res.text();
    const parsed = parseJson(text);
    if (res.ok && parsed !== undefined) return parsed as T;
    const error = (parsed as ApiError | undefined)?.error;
    const details = (error?.details ?? []).map((d) => `${d.field}: ${d.message}`);
    const message = error?.message ?? `${baseUrl} answered ${res.status} ${res.statusText}${res.ok ? ' without JSON' : ''}.`;
    if (res.status === 401 || res.status === 403) throw new CliError(EXIT.unreachable, `${baseUrl} refused the token: ${message}`, details);
    throw new CliError(EXIT.failed, message, details);
  }

  return {
    target: baseUrl,
    async scripts(): Promise<ScriptSummary[]> {
      const { scripts } = await call<{ scripts: ApiScript[] }>('GET', '/api/scripts?state=approved');
      return scripts.map((s) => ({
        key: s.key, name: s.name, situation: s.situation, versionId: s.inForce?.id ?? null, version: s.inForce?.version ?? null,
        variables: (s.inForce?.variables ?? []).map((v) => ({ name: v.name, required: v.required })),
      }));
    },
    async incidents({ open }): Promise<Incident[]> {
      const { incidents } = await call<{ incidents: Incident[] }>('GET', '/api/incidents');
      return open ? incidents.filter((i) => i.resolvedAt === null) : incidents;
    },
    publish: (input) => call<PublishResult>('POST', '/api/updates', input),
    async follow(broadcastId, options) {
      const read = async () => (await call<{ channels: ChannelStates }>('GET', `/api/broadcasts/${broadcastId}/deliveries`)).channels;
      return { ...(await pollUntilSettled(read, options, POLL_MS)), deliveredBy: 'remote' };
    },
    importFile: (input) => call<FileImportOutcome>('POST', '/api/contacts/import', undefined, { text: input.text, type: input.format === 'csv' ? 'text/csv' : 'application/json' }),
    addAccount: (input) => call<AccountResult>('POST', '/api/users', input),
    createToken: (input) => call<{ id: number; name: string; role: Role; secret: string }>('POST', '/api/tokens', input),
    close: async () => undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

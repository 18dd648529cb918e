import os from 'node:os';
import pino from 'pino';
import type { Principal } from '../auth/user';
import type { Config } from '../config';
import { listIncidents } from '../incidents/incident.repository';
import { publishUpdate } from '../incidents/publish.service';
import { importFileText } from '../import/import-file.service';
import { buildCrier, type Crier, type CrierOverrides } from '../main';
import { listLibrary } from '../scripts/script.service';
import type { AccountResult, Backend, FollowOptions, FollowResult, NewAccount, ScriptSummary } from './backend';
import { followLocally } from './local-delivery';

export interface LocalOptions {
  /** How long to wait for a running Crier to claim a new broadcast before delivering it here. */
  claimGraceMs?: number;
  overrides?: CrierOverrides;
}

/** The person at the store's host: owner powers, audited as `cli:<login name>`. */
export function cliPrincipal(): Principal {
  const name = os.userInfo().username || 'unknown';
  return { kind: 'cli', id: name, role: 'owner', label: `crier on ${os.hostname()}` };
}

/**
 * Commands against the store the service uses (DATABASE_URL / DATA_DIR), composed by the same
 * root as the service, so migrations, the starter library, the channels and the lanes are the
 * service's own. The HTTP server is built but never listens, and the lanes start only when this
 * process must deliver a broadcast itself (see local-delivery.ts).
 */
export async function openLocal(config: Config, options: LocalOptions = {}): Promise<Backend> {
  // Links in messages sent from here must point where the service answers, not at this process.
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`).replace(/\/$/, '');
  const crier: Crier = await buildCrier({ ...config, PUBLIC_URL: publicUrl }, pino({ level: 'error' }, pino.destination(2)), { announce: () => undefined, ...options.overrides });
  const db = crier.store.db;
  const actor = cliPrincipal();
  const actorName = `cli:${actor.id}`;

  return {
    target: crier.store.kind === 'sqlite' ? `the local store (${config.sqliteFile})` : 'the local store (Postgres)',
    async scripts(): Promise<ScriptSummary[]> {
      return (await listLibrary(db)).map(({ script, inForce }) => ({
        key: script.key, name: script.name, situation: script.situation, versionId: inForce?.id ?? null, version: inForce?.version ?? null,
        variables: (inForce?.variables ?? []).map((v) => ({ name: v.name, required: v.required })),
      }));
    },
    incidents: ({ open }) => listIncidents(db, { open }),
    publish: (input) => publishUpdate(db, input, {
      actor: actorName, brandName: config.BRAND_NAME, statusPageUrl: `${publicUrl}/status`, now: Date.now(),
      teamSlackChannels: config.SLACK_TEAM_CHANNELS?.split(',') ?? [], smsMaxSegments: config.SMS_MAX_SEGMENTS,
    }),
    follow: (broadcastId: number, follow: FollowOptions): Promise<FollowResult> => followLocally(crier, broadcastId, { ...follow, claimGraceMs: options.claimGraceMs ?? 2_500 }),
    importFile: (input) => importFileText(db, input, { defaultCountry: config.DEFAULT_PHONE_COUNTRY, actor: actorName }),
    async addAccount(input: NewAccount): Promise<AccountResult> {
      if (input.password !== undefined) {
        const user = await crier.accounts.createUser(actor, { email: input.email, name: input.name, role: input.role, password: input.password });
        return { kind: 'user', id: user.id, email: user.email, role: user.role };
      }
      const { token, expiresAt } = await crier.accounts.invite(actor, { email: input.email, role: input.role });
      return { kind: 'invitation', email: input.email.trim().toLowerCase(), role: input.role, url: `${publicUrl}/invite/${token}`, expiresAt };
    },
    async createToken(input) {
      const { token, secret } = await crier.accounts.createToken(actor, input);
      return { id: token.id, name: token.name, role: token.role, secret };
    },
    close: () => crier.stop(),
  };
}

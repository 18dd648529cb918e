import type { Kysely } from 'kysely';
import { utcClock } from '../render/time';
import type { Database } from '../store/schema';
import type { VariableDeclaration } from './variables';
import { offeredChannels } from './script-checks';
import { broadcastableScripts } from './script.service';
import type { Channel } from '../channels/provider';
import { CHANNELS } from '../channels/provider';

export interface SendableScript {
  versionId: number;
  key: string;
  name: string;
  variables: VariableDeclaration[];
  channels: Channel[];
}

/** The scripts a notice can be sent with: approved versions only, never drafts or retired ones. */
export async function sendableScripts(db: Kysely<Database>): Promise<SendableScript[]> {
  return (await broadcastableScripts(db)).map(({ script, version }) => ({
    versionId: version.id, key: script.key, name: script.name, variables: version.variables,
    channels: sendChannels(offeredChannels(version)),
  }));
}

/** The delivery channels a script's texts allow: webhooks carry the email's subject and body. */
function sendChannels(offered: string[]): Channel[] {
  return CHANNELS.filter((c) => offered.includes(c === 'webhook' ? 'email' : c));
}

/** The starting script: the one for "we are aware and investigating", else the first approved. */
export function defaultScript(scripts: SendableScript[]): SendableScript | undefined {
  return scripts.find((s) => s.key === 'investigating') ?? scripts.find((s) => /investigat/i.test(`${s.key} ${s.name}`)) ?? scripts[0];
}

/**
 * Values a sender should not have to type under stress, filled in where they are known:
 * times from the clock (the next update promised 30 minutes out), the service from the chosen
 * components, and otherwise the value last sent for that name. The sender sees every value in
 * the preview before anything goes out.
 */
export async function knownValues(db: Kysely<Database>, declared: VariableDeclaration[], context: { now: number; componentNames: string[]; incidentId?: number }): Promise<Record<string, string>> {
  const halfHour = Math.ceil((context.now + 30 * 60_000) / (5 * 60_000)) * 5 * 60_000;
  const computed: Record<string, string> = {
    started_at: utcClock(context.now), next_update: utcClock(halfHour), fixed_at: utcClock(context.now), resolved_at: utcClock(context.now),
  };
  if (context.componentNames.length > 0) computed.service = context.componentNames.join(', ');
  const remembered = await lastValues(db, context.incidentId);
  const values: Record<string, string> = {};
  for (const d of declared) {
    const value = computed[d.name] ?? remembered[d.name] ?? d.default;
    if (value !== undefined) values[d.name] = value;
  }
  return values;
}

/** The most recent value sent for each variable name (this incident's first, when updating one). */
async function lastValues(db: Kysely<Database>, incidentId?: number): Promise<Record<string, string>> {
  const rows = await db.selectFrom('incident_updates').select(['variables', 'incident_id']).where('internal', '=', 0).orderBy('id', 'desc').limit(20).execute();
  const sorted = incidentId === undefined ? rows : [...rows.filter((r) => r.incident_id === incidentId), ...rows.filter((r) => r.incident_id !== incidentId)];
  const values: Record<string, string> = {};
  for (const row of sorted) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.variables);
    } catch {
      continue;
    }
    if (!parsed || typeof parsed !== 'object') continue;
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (!(k in values) && typeof v === 'string' && v !== '') values[k] = v;
  }
  return values;
}


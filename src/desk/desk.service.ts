import type { Kysely } from 'kysely';
import { listIncidents, listUpdates } from '../incidents/incident.repository';
import { STATUS_LABELS, type Incident } from '../incidents/incident';
import { missingVariables, renderUpdate, type PhoneQa } from '../render';
import type { Script, Situation } from '../scripts/script';
import { offeredChannels } from '../scripts/script-checks';
import type { ScriptVersion } from '../scripts/script-version';
import { broadcastableScripts } from '../scripts/script.service';
import { valuesForSend } from '../scripts/variables';
import type { Database } from '../store/schema';

/**
 * The staff desk: for each open incident, the approved scripts filled in with the incident's
 * values, so whoever answers the phone or a chat reads the approved words and never improvises.
 * Only versions in force are used; a draft never reaches the desk.
 */

export interface DeskScript {
  scriptId: number;
  key: string;
  name: string;
  situation: Situation;
  versionId: number;
  version: number;
  /** The script the incident's latest update went out with. */
  lastUsed: boolean;
  phone: { talkingPoints: string; qa: PhoneQa[] } | null;
  email: { subject: string; body: string } | null;
  sms: string | null;
  reseller: string | null;
}

export interface DeskIncident {
  id: number;
  title: string;
  status: Incident['status'];
  statusLabel: string;
  impact: Incident['impact'];
  components: string[];
  startedAt: number;
  /** When the latest update was published; null for an incident with no update yet. */
  lastUpdateAt: number | null;
  /**
   * Whether the public has been told: false for a draft (a monitor or the recurrence watch opened
   * it and only the team heard). Staff see it, marked; the hotline and the status page do not.
   */
  announced: boolean;
  scripts: DeskScript[];
  /** Approved scripts that fit the phase but need values this incident has not been given. */
  unfilled: { key: string; name: string; reason: string }[];
}

export interface DeskOptions {
  brandName: string;
  statusPageUrl: string;
}

/** Situations every open phase may use: the audience scripts and the uncategorised ones. */
const ANY_PHASE: readonly Situation[] = ['internal', 'reseller', 'other'];

export async function deskIncidents(db: Kysely<Database>, options: DeskOptions): Promise<DeskIncident[]> {
  const approved = await broadcastableScripts(db);
  // A drill's words must never be read to a real caller.
  const open = (await listIncidents(db, { open: true, limit: 20 })).filter((i) => !i.drill);
  const desk: DeskIncident[] = [];
  for (const incident of open) {
    const latest = (await listUpdates(db, incident.id)).at(-1);
    const usedScriptId = latest ? await scriptOf(db, latest.scriptVersionId) : undefined;
    const chosen = chooseScripts(incident, approved, usedScriptId);
    const entry: DeskIncident = {
      id: incident.id, title: incident.title, status: incident.status, statusLabel: STATUS_LABELS[incident.status], impact: incident.impact,
      components: incident.components, startedAt: incident.startedAt, lastUpdateAt: latest?.createdAt ?? null, announced: latest !== undefined, scripts: [], unfilled: [],
    };
    for (const { script, version } of chosen) {
      const values = valuesForSend(version.variables, latest?.variables ?? {});
      const filled = fill(script, version, values, incident, options, script.id === usedScriptId);
      if ('reason' in filled) entry.unfilled.push({ key: script.key, name: script.name, reason: filled.reason });
      else entry.scripts.push(filled);
    }
    desk.push(entry);
  }
  return desk;
}

async function scriptOf(db: Kysely<Database>, versionId: number): Promise<number | undefined> {
  const row = await db.selectFrom('script_versions').select('script_id').where('id', '=', versionId).executeTakeFirst();
  return row?.script_id;
}

/**
 * Which scripts fit an incident, best first: the script its latest update used (in its version
 * in force now), then the scripts written for its current phase, then the audience scripts.
 * A script written for another failure type is left out.
 */
export function chooseScripts<T extends { script: Script }>(incident: Pick<Incident, 'status' | 'failureTypeId'>, approved: readonly T[], usedScriptId: number | undefined): T[] {
  const fitsType = (s: Script) => s.failureTypeId === null || s.failureTypeId === incident.failureTypeId;
  const rank = (s: Script): number => {
    if (s.id === usedScriptId) return 0;
    if (!fitsType(s)) return -1;
    const typeBonus = s.failureTypeId !== null ? 0 : 0.5;
    if (s.situation === incident.status) return 1 + typeBonus;
    if (ANY_PHASE.includes(s.situation)) return 3 + typeBonus;
    return -1;
  };
  return approved
    .map((a) => ({ a, r: rank(a.script) }))
    .filter((x) => x.r >= 0)
    .sort((x, y) => x.r - y.r || x.a.script.id - y.a.script.id)
    .map((x) => x.a);
}

function fill(script: Script, version: ScriptVersion, values: Record<string, string>, incident: Incident, options: DeskOptions, lastUsed: boolean): DeskScript | { reason: string } {
  const templates = [version.emailSubject, version.emailBody, version.sms, version.slack, version.x, version.phone, version.reseller, ...version.phoneQa.flatMap((q) => [q.question, q.answer])];
  const missing = missingVariables(templates, values);
  if (missing.length > 0) return { reason: `needs ${missing.join(', ')}, which this incident's updates have not given` };
  let rendered;
  try {
    rendered = renderUpdate({ templates: version, variables: values, statusLabel: STATUS_LABELS[incident.status], brandName: options.brandName, statusPageUrl: options.statusPageUrl });
  } catch {
    // An approved version rendered at approval; a value that breaks it now still must not break the desk.
    return { reason: "does not render with this incident's values" };
  }
  const offered = offeredChannels(version);
  return {
    scriptId: script.id, key: script.key, name: script.name, situation: script.situation, versionId: version.id, version: version.version, lastUsed,
    phone: offered.includes('phone') ? rendered.phone : null,
    email: offered.includes('email') ? { subject: rendered.email.subject, body: rendered.page.body.trim() } : null,
    sms: offered.includes('sms') ? rendered.sms.text : null,
    reseller: offered.includes('reseller') ? rendered.reseller.text : null,
  };
}

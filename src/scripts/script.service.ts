import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { checkVersion as runChecks, DEFAULT_SMS_MAX_SEGMENTS, type ScriptCheck } from './script-checks';
import { diffVersions, type VersionDiff } from './script-diff';
import { SITUATIONS, type Script } from './script';
import { createScript as insertScript, getScript, getScriptByKey, listScripts } from './script.repository';
import { assertCanApprove, type ScriptVersion } from './script-version';
import {
  addDraftVersion, approveVersion, getApprovedVersion, getDraftVersion, getScriptVersion, listApprovedVersions, retireVersion, updateDraft,
} from './script-version.repository';
import { getFailureType } from '../roster/failure-type.repository';
import { phoneQa, variableDeclaration } from './variables';

/**
 * The script library's workflow: draft → approved → retired. Editing an approved script opens a
 * new draft; the approved version stays in force until the draft is approved, which retires it.
 * Every change is audited in its own transaction. Actors are opaque strings (`user:12`).
 */

type Db = Kysely<Database>;

export interface ScriptRules {
  /** The author of a version may not approve it. */
  twoPersonRule: boolean;
  smsMaxSegments: number;
}

export const DEFAULT_SCRIPT_RULES: ScriptRules = { twoPersonRule: false, smsMaxSegments: DEFAULT_SMS_MAX_SEGMENTS };

const text = (max: number) => z.string().max(max).default('');

/** A draft's wording as a form or the API sends it. */
export const draftInput = z.object({
  emailSubject: text(300),
  emailBody: text(20_000),
  sms: text(1_600),
  slack: text(12_000),
  x: text(2_000),
  phone: text(20_000),
  phoneQa: z.array(phoneQa).max(50).default([]),
  reseller: text(20_000),
  variables: z.array(variableDeclaration).max(50).default([]),
});
export type DraftInput = z.input<typeof draftInput>;
export type DraftTexts = z.output<typeof draftInput>;

export const scriptInput = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, { error: 'keys are lower-case letters, digits and dashes' }),
  name: z.string().trim().min(3).max(200),
  description: z.string().trim().max(2_000).default(''),
  situation: z.enum(SITUATIONS).default('other'),
  failureTypeId: z.number().int().positive().nullable().default(null),
});
export type ScriptInput = z.input<typeof scriptInput>;

/** Creates a script and, when wording is given, its first draft. */
export async function createScript(db: Db, input: ScriptInput, actor: string, draft?: DraftInput): Promise<{ script: Script; draft: ScriptVersion | null }> {
  const fields = scriptInput.parse(input);
  return db.transaction().execute(async (trx) => {
    if (await getScriptByKey(trx, fields.key)) {
      throw new AppError('conflict', `A script with key ${fields.key} exists already.`, [{ field: 'key', message: 'is taken' }]);
    }
    if (fields.failureTypeId !== null && !(await getFailureType(trx, fields.failureTypeId))) {
      throw new AppError('invalid_input', `No failure type with id ${fields.failureTypeId}.`, [{ field: 'failureTypeId', message: 'no failure type with this id' }]);
    }
    const script = await insertScript(trx, fields);
    await recordAudit(trx, { actor, action: 'script.created', subject: `script:${script.id}`, detail: { key: script.key, name: script.name } });
    const version = draft ? await writeDraft(trx, script, draft, actor) : null;
    return { script, draft: version };
  });
}

/**
 * Saves wording as the script's draft: the open draft is rewritten, otherwise a new draft version
 * is added. The version in force is never changed here.
 */
export async function saveDraft(db: Db, scriptId: number, draft: DraftInput, actor: string): Promise<ScriptVersion> {
  return db.transaction().execute(async (trx) => writeDraft(trx, await mustGetScript(trx, scriptId), draft, actor));
}

async function writeDraft(trx: Transaction<Database>, script: Script, draft: DraftInput, actor: string): Promise<ScriptVersion> {
  const texts = draftInput.parse(draft);
  const open = await getDraftVersion(trx, script.id);
  const version = open
    ? await updateDraft(trx, open.id, { ...texts, author: actor })
    : await addDraftVersion(trx, { ...texts, scriptId: script.id, author: actor });
  const inForce = await getApprovedVersion(trx, script.id);
  await recordAudit(trx, {
    actor, action: open ? 'script.draft-updated' : 'script.draft-created', subject: `script-version:${version.id}`,
    detail: { scriptId: script.id, key: script.key, version: version.version, inForce: inForce?.version ?? null },
  });
  return version;
}

export interface Review {
  script: Script;
  version: ScriptVersion;
  inForce: ScriptVersion | null;
  /** From the version in force to this one. */
  diff: VersionDiff;
  check: ScriptCheck;
}

/** What an approver sees: the version, its diff from the version in force and its checks. */
export async function reviewVersion(db: Db | Transaction<Database>, versionId: number, rules: Pick<ScriptRules, 'smsMaxSegments'>): Promise<Review> {
  const version = await mustGetVersion(db, versionId);
  const script = await mustGetScript(db, version.scriptId);
  const current = await getApprovedVersion(db, version.scriptId);
  const inForce = current && current.id !== version.id ? current : null;
  return { script, version, inForce, diff: diffVersions(inForce ?? undefined, version), check: checkVersion(version, rules) };
}

/** The approval checks: every channel rendered with the example values, within its limits. */
export function checkVersion(version: ScriptVersion, rules: Pick<ScriptRules, 'smsMaxSegments'>): ScriptCheck {
  return runChecks(version, { smsMaxSegments: rules.smsMaxSegments });
}

/**
 * Approves a draft that passes its checks; it goes into force and the version it replaces is
 * retired, in one transaction. Refuses with conflict (not a draft), forbidden (own version under
 * the two-person rule) or invalid_input (a check failed, each problem listed).
 */
export async function approve(db: Db, versionId: number, approver: string, rules: ScriptRules, now = Date.now()): Promise<Review> {
  return db.transaction().execute(async (trx) => {
    const review = await reviewVersion(trx, versionId, rules);
    const { version, script, inForce, check, diff } = review;
    if (version.state !== 'draft') {
      throw new AppError('conflict', `Version ${version.version} of script "${script.name}" is ${version.state}; only a draft can be approved.`);
    }
    assertCanApprove(version, approver, rules);
    if (check.problems.length > 0) {
      throw new AppError('invalid_input', `Version ${version.version} of script "${script.name}" does not pass its checks: ${check.problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, check.problems);
    }
    const approved = await approveVersion(trx, versionId, approver, now, { twoPersonRule: rules.twoPersonRule });
    await recordAudit(trx, {
      actor: approver, action: 'script.version-approved', subject: `script-version:${approved.id}`, at: now,
      detail: { scriptId: script.id, key: script.key, version: approved.version, author: approved.author, supersedes: inForce?.version ?? null, diff: diff.summary },
    });
    if (inForce) {
      await recordAudit(trx, {
        actor: approver, action: 'script.version-retired', subject: `script-version:${inForce.id}`, at: now,
        detail: { scriptId: script.id, key: script.key, version: inForce.version, reason: `superseded by version ${approved.version}` },
      });
    }
    return { ...review, version: approved };
  });
}

/** Retires a version for good: a retired draft is abandoned, a retired approved version leaves nothing in force. */
export async function retire(db: Db, versionId: number, actor: string, now = Date.now()): Promise<ScriptVersion> {
  return db.transaction().execute(async (trx) => {
    const before = await mustGetVersion(trx, versionId);
    const version = await retireVersion(trx, versionId, now);
    if (before.state !== 'retired') {
      await recordAudit(trx, {
        actor, action: 'script.version-retired', subject: `script-version:${version.id}`, at: now,
        detail: { scriptId: version.scriptId, version: version.version, was: before.state },
      });
    }
    return version;
  });
}

/** The script and its version in force, which is what a broadcast uses; undefined if none. */
export async function inForce(db: Db | Transaction<Database>, scriptKey: string): Promise<{ script: Script; version: ScriptVersion } | undefined> {
  const script = await getScriptByKey(db, scriptKey);
  const version = script && (await getApprovedVersion(db, script.id));
  return script && version ? { script, version } : undefined;
}

/**
 * What a send form may offer: each script's version in force, and nothing else. Drafts and
 * retired versions never appear, so the form cannot pick one (publishing refuses them anyway).
 */
export async function broadcastableScripts(db: Db | Transaction<Database>): Promise<{ script: Script; version: ScriptVersion }[]> {
  return listApprovedVersions(db);
}

export interface LibraryEntry {
  script: Script;
  inForce: ScriptVersion | null;
  draft: ScriptVersion | null;
}

/** Every script with its version in force and its open draft. */
export async function listLibrary(db: Db): Promise<LibraryEntry[]> {
  const entries: LibraryEntry[] = [];
  for (const script of await listScripts(db)) {
    entries.push({ script, inForce: (await getApprovedVersion(db, script.id)) ?? null, draft: (await getDraftVersion(db, script.id)) ?? null });
  }
  return entries;
}

async function mustGetScript(db: Db | Transaction<Database>, id: number): Promise<Script> {
  const script = await getScript(db, id);
  if (!script) throw new AppError('not_found', `No script with id ${id}.`);
  return script;
}

async function mustGetVersion(db: Db | Transaction<Database>, id: number): Promise<ScriptVersion> {
  const version = await getScriptVersion(db, id);
  if (!version) throw new AppError('not_found', `No script version with id ${id}.`);
  return version;
}

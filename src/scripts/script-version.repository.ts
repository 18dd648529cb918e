import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { toScript, type Script } from './script';
import {
  assertCanApprove, textColumns, toScriptVersion, type ApprovalRules, type NewScriptVersion, type ScriptVersion,
} from './script-version';

type Db = Kysely<Database> | Transaction<Database>;

/** Adds the next numbered version of a script, as a draft. */
export async function addDraftVersion(db: Db, input: NewScriptVersion): Promise<ScriptVersion> {
  const script = await db.selectFrom('scripts').select('id').where('id', '=', input.scriptId).executeTakeFirst();
  if (!script) throw new AppError('not_found', `No script with id ${input.scriptId}`);
  const { latest } = await db
    .selectFrom('script_versions')
    .select((eb) => eb.fn.max('version').as('latest'))
    .where('script_id', '=', input.scriptId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('script_versions')
    .values({
      script_id: input.scriptId,
      version: Number(latest ?? 0) + 1,
      state: 'draft',
      ...textColumns(input),
      author: input.author,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toScriptVersion(row);
}

/** Rewrites a draft's wording; whoever saves becomes its author. Only a draft can change. */
export async function updateDraft(db: Db, id: number, input: Omit<NewScriptVersion, 'scriptId'>): Promise<ScriptVersion> {
  const current = await mustGet(db, id);
  const row = await db
    .updateTable('script_versions')
    .set({ ...textColumns(input), author: input.author })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('conflict', `Script version ${current.version} is ${current.state}; only a draft can be edited.`);
  return toScriptVersion(row);
}

export async function getScriptVersion(db: Db, id: number): Promise<ScriptVersion | undefined> {
  const row = await db.selectFrom('script_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toScriptVersion(row);
}

/** Every version of a script, newest first. */
export async function listScriptVersions(db: Db, scriptId: number): Promise<ScriptVersion[]> {
  const rows = await db.selectFrom('script_versions').selectAll().where('script_id', '=', scriptId).orderBy('version', 'desc').execute();
  return rows.map(toScriptVersion);
}

/**
 * Approves a draft and retires the version it supersedes, so the script always has at most one
 * version in force. Throws not_found, forbidden (own draft under the two-person rule) or conflict
 * (not a draft any more). Pass the transaction: the two writes belong together.
 */
export async function approveVersion(db: Db, id: number, approver: string, at: number, rules: ApprovalRules): Promise<ScriptVersion> {
  const version = await mustGet(db, id);
  assertCanApprove(version, approver, rules);
  await db
    .updateTable('script_versions')
    .set({ state: 'retired', retired_at: at })
    .where('script_id', '=', version.scriptId)
    .where('state', '=', 'approved')
    .execute();
  // The state guard makes two racing approvals (or an approval racing a retire) settle once.
  const row = await db
    .updateTable('script_versions')
    .set({ state: 'approved', approver, approved_at: at })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('conflict', `Script version ${id} changed while it was being approved; reload and retry.`);
  return toScriptVersion(row);
}

/** Takes a version out of use for good; retiring a retired version changes nothing. */
export async function retireVersion(db: Db, id: number, at: number = Date.now()): Promise<ScriptVersion> {
  const version = await mustGet(db, id);
  if (version.state === 'retired') return version;
  const row = await db
    .updateTable('script_versions')
    .set({ state: 'retired', retired_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toScriptVersion(row);
}

/** The version in force: the script's approved version, which is what a broadcast uses. */
export async function getApprovedVersion(db: Db, scriptId: number): Promise<ScriptVersion | undefined> {
  const row = await db
    .selectFrom('script_versions')
    .selectAll()
    .where('script_id', '=', scriptId)
    .where('state', '=', 'approved')
    .executeTakeFirst();
  return row && toScriptVersion(row);
}

/** Every version in force, with its script, in script order: what may be broadcast. */
export async function listApprovedVersions(db: Db): Promise<{ script: Script; version: ScriptVersion }[]> {
  const rows = await db
    .selectFrom('script_versions')
    .innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
    .selectAll('script_versions')
    .select(['scripts.key as s_key', 'scripts.name as s_name', 'scripts.description as s_description', 'scripts.situation as s_situation', 'scripts.failure_type_id as s_failure_type_id', 'scripts.created_at as s_created_at'])
    .where('script_versions.state', '=', 'approved')
    .orderBy('scripts.id')
    .execute();
  return rows.map((row) => ({
    script: toScript({
      id: row.script_id, key: row.s_key, name: row.s_name, description: row.s_description, situation: row.s_situation,
      failure_type_id: row.s_failure_type_id, created_at: row.s_created_at,
    }),
    version: toScriptVersion(row),
  }));
}

/** The script's open draft, if someone is editing one. */
export async function getDraftVersion(db: Db, scriptId: number): Promise<ScriptVersion | undefined> {
  const row = await db
    .selectFrom('script_versions')
    .selectAll()
    .where('script_id', '=', scriptId)
    .where('state', '=', 'draft')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toScriptVersion(row);
}

/** The version, if it may be broadcast; otherwise not_found, or conflict naming its state. */
export async function requireApproved(db: Db, id: number): Promise<ScriptVersion> {
  const version = await mustGet(db, id);
  if (version.state !== 'approved') {
    throw new AppError('conflict', `Script version ${version.version} is ${version.state}; only an approved version can be broadcast.`, [
      { field: 'scriptVersionId', message: `is ${version.state}, not approved` },
    ]);
  }
  return version;
}

async function mustGet(db: Db, id: number): Promise<ScriptVersion> {
  const version = await getScriptVersion(db, id);
  if (!version) throw new AppError('not_found', `No script version with id ${id}`);
  return version;
}

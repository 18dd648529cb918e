import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { assertCanApprove, toScriptVersion, type NewScriptVersion, type ScriptVersion } from './script-version';

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
      email_subject: input.emailSubject,
      email_body: input.emailBody,
      sms: input.sms,
      slack: input.slack,
      x: input.x,
      author: input.author,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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

/** Approves a draft. Throws not_found, forbidden (own draft) or conflict (not a draft any more). */
export async function approveVersion(db: Db, id: number, approver: string, at: number): Promise<ScriptVersion> {
  assertCanApprove(await mustGet(db, id), approver);
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
export async function retireVersion(db: Db, id: number): Promise<ScriptVersion> {
  await mustGet(db, id);
  const row = await db.updateTable('script_versions').set({ state: 'retired' }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toScriptVersion(row);
}

/** The newest approved version of a script, which is what a broadcast uses by default. */
export async function getApprovedVersion(db: Db, scriptId: number): Promise<ScriptVersion | undefined> {
  const row = await db
    .selectFrom('script_versions')
    .selectAll()
    .where('script_id', '=', scriptId)
    .where('state', '=', 'approved')
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

import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { can } from '../auth/roles';
import { actorOf } from '../auth/user';
import { AppError } from '../errors';
import type { ScriptCheck } from '../scripts/script-checks';
import { getScript } from '../scripts/script.repository';
import type { ScriptVersion } from '../scripts/script-version';
import { getApprovedVersion, getDraftVersion } from '../scripts/script-version.repository';
import {
  approve, checkVersion, createScript, draftInput, listLibrary, retire, saveDraft, scriptInput, type ScriptRules,
} from '../scripts/script.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Allow } from './access';
import { doc } from './openapi/api-doc';
import { asProblems } from './scripts.routes';

export interface ScriptApiDeps {
  db: Kysely<Database>;
  allow: Allow;
  scriptRules: ScriptRules;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a positive whole number' }).positive({ error: 'must be a positive whole number' }).max(2 ** 31, { error: 'is too large' }) });
const listQuery = z.object({ state: z.enum(['approved', 'draft', 'all'], { error: 'must be approved, draft or all' }).optional() });
const createBody = scriptInput.extend({ draft: draftInput.optional() });

const checkJson = (c: ScriptCheck) => ({ offered: c.offered, sms: c.sms, x: c.x, missing: c.missing, problems: c.problems, mastodon: c.mastodon, bluesky: c.bluesky });

/** A service refusal that names no field gets one, so every API refusal says what it is about. */
async function naming<T>(field: string, run: () => Promise<T>, forbiddenField = field): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && err.details.length === 0) throw new AppError(err.code, err.message, asProblems(err, err.code === 'forbidden' ? forbiddenField : field));
    throw err;
  }
}

/**
 * The script library over JSON, with the console's permissions. Callers that may not draft
 * (staff-scoped tokens) only ever get versions in force: a draft's wording is not theirs to read.
 */
export function scriptApiRoutes(deps: ScriptApiDeps): Router {
  const router = Router();
  const { allow, db } = deps;
  const id = (req: Request) => idParam.parse(req.params).id;
  const drafter = (req: Request) => can(principalOf(req).role, 'scripts:draft');

  router.get('/scripts', allow(rules.need('desk:read')), doc({ tag: 'scripts', summary: 'The script library: versions in force, and drafts for roles that may draft', query: listQuery }), async (req, res) => {
    const { state = drafter(req) ? 'all' : 'approved' } = listQuery.parse(req.query);
    if (state !== 'approved' && !drafter(req)) {
      throw new AppError('forbidden', `The ${principalOf(req).role} role reads approved scripts only (state=approved).`, [{ field: 'state', message: 'only approved versions are readable with this role' }]);
    }
    const library = await listLibrary(db);
    const scripts = library
      .filter((e) => (state === 'approved' ? e.inForce !== null : state === 'draft' ? e.draft !== null : true))
      .map((e) => (state === 'approved' ? { ...e.script, inForce: e.inForce } : { ...e.script, inForce: e.inForce, draft: e.draft }));
    res.json({ state, scripts });
  });

  router.get('/scripts/:id', allow(rules.need('desk:read')), doc({ tag: 'scripts', summary: 'One script: its version in force and, for drafters, its draft, each with its checks', params: idParam }), async (req, res) => {
    const scriptId = id(req);
    const script = await getScript(db, scriptId);
    if (!script) throw new AppError('not_found', `No script with id ${scriptId}.`, [{ field: 'id', message: 'no script with this id' }]);
    const withCheck = (v: ScriptVersion | undefined) => (v ? { ...v, check: checkJson(checkVersion(v, deps.scriptRules)) } : null);
    const inForce = withCheck(await getApprovedVersion(db, script.id));
    res.json(drafter(req) ? { script, inForce, draft: withCheck(await getDraftVersion(db, script.id)) } : { script, inForce });
  });

  router.post('/scripts', allow(rules.need('scripts:draft')), doc({ tag: 'scripts', summary: 'Create a script, optionally with its first draft', body: createBody }), async (req, res) => {
    const { draft, ...fields } = createBody.parse(req.body ?? {});
    const created = await createScript(db, fields, actorOf(principalOf(req)), draft);
    res.status(201).json(created);
  });

  router.post('/scripts/:id/draft', allow(rules.need('scripts:draft')), doc({ tag: 'scripts', summary: 'Save the script\'s draft (the version in force stays until approval)', params: idParam, body: draftInput, success: { status: 200, description: 'The draft version' } }), async (req, res) => {
    const scriptId = id(req);
    const draft = draftInput.parse(req.body ?? {});
    const version = await naming('id', () => saveDraft(db, scriptId, draft, actorOf(principalOf(req))));
    res.json({ version });
  });

  router.post('/scripts/versions/:id/approve', allow(rules.need('scripts:approve')), doc({ tag: 'scripts', summary: 'Approve a draft version: it comes into force and retires the one before', params: idParam, success: { status: 200, description: 'The approved version, the one it replaced, the diff and the checks' } }), async (req, res) => {
    const versionId = id(req);
    const review = await naming('id', () => approve(db, versionId, actorOf(principalOf(req)), deps.scriptRules), 'approver');
    res.json({ script: review.script, version: review.version, replaced: review.inForce, diff: review.diff, check: checkJson(review.check) });
  });

  router.post('/scripts/versions/:id/retire', allow(rules.need('scripts:approve')), doc({ tag: 'scripts', summary: 'Retire a version: it can no longer be broadcast', params: idParam, success: { status: 200, description: 'The retired version' } }), async (req, res) => {
    const versionId = id(req);
    res.json({ version: await naming('id', () => retire(db, versionId, actorOf(principalOf(req)))) });
  });

  return router;
}

import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { can } from '../auth/roles';
import { actorOf } from '../auth/user';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import { getScript } from '../scripts/script.repository';
import { getApprovedVersion, getDraftVersion, getScriptVersion } from '../scripts/script-version.repository';
import { approve, checkVersion, createScript, listLibrary, retire, reviewVersion, saveDraft, scriptInput, type ScriptRules } from '../scripts/script.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { draftFormValues, parseDraftForm, submittedValues } from './script-form';
import type { ConsoleContext } from './views/console.view';
import { approveView, editView, libraryView, scriptView } from './views/scripts.view';

export interface ScriptRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  scriptRules: ScriptRules;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const newScriptForm = scriptInput.pick({ key: true, name: true, description: true, situation: true });

/** A refusal as problems a page can show, each naming a field. */
export function asProblems(err: AppError, field: string): FieldProblem[] {
  return err.details.length > 0 ? err.details : [{ field, message: err.message }];
}

/**
 * The script library in the console. Anyone who may read the desk sees the versions in force;
 * drafts (wording nobody has approved) only show to roles that may write them.
 */
export function scriptRoutes(deps: ScriptRoutesDeps): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => ({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) });
  const id = (req: Request) => idParam.parse(req.params).id;
  const send = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const mustScript = async (scriptId: number) => {
    const script = await getScript(db, scriptId);
    if (!script) throw new AppError('not_found', `No script with id ${scriptId}.`, [{ field: 'id', message: 'no script with this id' }]);
    return script;
  };
  const mustVersion = async (versionId: number) => {
    const version = await getScriptVersion(db, versionId);
    if (!version) throw new AppError('not_found', `No script version with id ${versionId}.`, [{ field: 'id', message: 'no script version with this id' }]);
    return version;
  };
  const approvePage = async (versionId: number) => {
    const review = await reviewVersion(db, versionId, deps.scriptRules);
    return { ...review, twoPersonRule: deps.scriptRules.twoPersonRule };
  };

  router.get('/', allow(rules.need('desk:read')), async (req, res) => {
    send(res, 200, libraryView(ctx(req, res), await listLibrary(db)));
  });

  router.post('/', allow(rules.need('scripts:draft')), async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(['key', 'name', 'situation', 'description'].map((k) => [k, typeof b[k] === 'string' ? (b[k] as string).slice(0, 2000) : '']));
    const parsed = newScriptForm.safeParse(req.body ?? {});
    if (!parsed.success) return send(res, 400, libraryView(ctx(req, res), await listLibrary(db), { problems: fieldProblems(parsed.error.issues), values }));
    try {
      const { script } = await createScript(db, parsed.data, actorOf(principalOf(req)));
      return res.redirect(303, `/console/scripts/${script.id}/edit`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return send(res, err.status, libraryView(ctx(req, res), await listLibrary(db), { problems: asProblems(err, 'key'), values }));
    }
  });

  router.get('/:id', allow(rules.need('desk:read')), async (req, res) => {
    const script = await mustScript(id(req));
    const inForce = await getApprovedVersion(db, script.id);
    const draft = can(principalOf(req).role, 'scripts:draft') ? await getDraftVersion(db, script.id) : undefined;
    const checked = (v: typeof inForce) => (v ? { version: v, check: checkVersion(v, deps.scriptRules) } : null);
    send(res, 200, scriptView(ctx(req, res), { script, inForce: checked(inForce), draft: checked(draft) }));
  });

  router.get('/:id/edit', allow(rules.need('scripts:draft')), async (req, res) => {
    const script = await mustScript(id(req));
    // An approved script is edited by starting from its wording; saving opens a new draft.
    const base = (await getDraftVersion(db, script.id)) ?? (await getApprovedVersion(db, script.id));
    send(res, 200, editView(ctx(req, res), script, draftFormValues(base)));
  });

  router.post('/:id/draft', allow(rules.need('scripts:draft')), async (req, res) => {
    const script = await mustScript(id(req));
    const parsed = parseDraftForm(req.body);
    if (!parsed.ok) return send(res, 400, editView(ctx(req, res), script, submittedValues(req.body), parsed.problems));
    await saveDraft(db, script.id, parsed.draft, actorOf(principalOf(req)));
    return res.redirect(303, `/console/scripts/${script.id}`);
  });

  router.get('/versions/:id/approve', allow(rules.need('scripts:approve')), async (req, res) => {
    send(res, 200, approveView(ctx(req, res), await approvePage((await mustVersion(id(req))).id)));
  });

  router.post('/versions/:id/approve', allow(rules.need('scripts:approve')), async (req, res) => {
    const version = await mustVersion(id(req));
    try {
      await approve(db, version.id, actorOf(principalOf(req)), deps.scriptRules);
      return res.redirect(303, `/console/scripts/${version.scriptId}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return send(res, err.status, approveView(ctx(req, res), await approvePage(version.id), asProblems(err, err.code === 'forbidden' ? 'approver' : 'version')));
    }
  });

  router.post('/versions/:id/retire', allow(rules.need('scripts:approve')), async (req, res) => {
    const version = await retire(db, (await mustVersion(id(req))).id, actorOf(principalOf(req)));
    res.redirect(303, `/console/scripts/${version.scriptId}`);
  });

  return router;
}

import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../auth/user';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import { commitmentInput, keepInput } from '../followup/commitment';
import { openCommitments } from '../followup/commitment.repository';
import { keepPromise, makePromise } from '../followup/commitment.service';
import { REVIEW_FIELDS, reviewFields, type ReviewFields } from '../followup/review';
import { publishReview, publishReviewInput, saveReview } from '../followup/review.service';
import { toList } from '../form-list';
import type { PublishContext } from '../incidents/publish.service';
import { VARIABLE_NAME } from '../scripts/variables';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { reviewState } from './review-state';
import type { ConsoleContext } from './views/console.view';
import { promisesView, reviewView } from './views/followup.view';

export interface FollowupRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  publishContext(actor: string): PublishContext;
  /** Called after a commit that wrote deliveries: wake the lanes of these channels. */
  published(channels: string[]): void;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const scriptQuery = z.object({ script: z.preprocess((v) => (v === '' ? undefined : v), idParam.shape.id.optional()) });
const asProblems = (err: AppError): FieldProblem[] => (err.details.length > 0 ? err.details : [{ field: '(form)', message: err.message }]);

/** The form's `var_<name>` fields: values for the follow-up script's other blanks. */
function formVariables(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = key.startsWith('var_') ? key.slice(4) : '';
    if (name && VARIABLE_NAME.test(name) && typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Console pages for following an incident through: its post-incident review and its promises. */
export function followupRoutes(deps: FollowupRoutesDeps): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => ({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) });
  const id = (req: Request) => idParam.parse(req.params).id;
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  router.get('/incidents/:id/review', allow(rules.need('incidents:read')), async (req, res) => {
    const q = scriptQuery.parse(req.query);
    res.type('html').send(reviewView(ctx(req, res), await reviewState(db, id(req), { scriptVersionId: q.script })));
  });

  router.post('/incidents/:id/review', allow(rules.need('incidents:write')), async (req, res) => {
    const incidentId = id(req);
    const parsed = reviewFields.safeParse(body(req));
    const typed = Object.fromEntries(REVIEW_FIELDS.map((f) => [f, typeof body(req)[f] === 'string' ? (body(req)[f] as string).slice(0, 5000) : '']));
    const show = async (status: number, problems: FieldProblem[]) => {
      const state = await reviewState(db, incidentId, { fields: typed as ReviewFields });
      res.status(status).type('html').send(reviewView(ctx(req, res), { ...state, problems }));
    };
    if (!parsed.success) return show(400, fieldProblems(parsed.error.issues));
    try {
      await saveReview(db, incidentId, parsed.data, actorOf(principalOf(req)), Date.now());
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'not_found') throw err;
      return show(err.status, asProblems(err));
    }
    res.redirect(303, `/console/incidents/${incidentId}/review`);
  });

  router.post('/incidents/:id/review/publish', allow(rules.need('incidents:write')), async (req, res) => {
    const incidentId = id(req);
    const b = body(req);
    const variables = formVariables(b);
    const candidate = { scriptVersionId: b.scriptVersionId, audiences: toList(b.audiences), channels: toList(b.channels), variables };
    const show = async (status: number, problems: FieldProblem[]) => {
      const chosen = typeof b.scriptVersionId === 'string' && /^\d{1,9}$/.test(b.scriptVersionId) ? Number(b.scriptVersionId) : undefined;
      const state = await reviewState(db, incidentId, { scriptVersionId: chosen, variables, audiences: candidate.audiences.map(String), channels: candidate.channels.map(String) });
      res.status(status).type('html').send(reviewView(ctx(req, res), { ...state, problems }));
    };
    const parsed = publishReviewInput.safeParse(candidate);
    if (!parsed.success) return show(400, fieldProblems(parsed.error.issues));
    try {
      const result = await publishReview(db, incidentId, parsed.data, deps.publishContext(actorOf(principalOf(req))));
      deps.published(result.deliveries.map((d) => d.channel));
      res.redirect(303, `/console/broadcasts/${result.broadcastId}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'not_found') throw err;
      return show(err.status, asProblems(err));
    }
  });

  router.post('/incidents/:id/promises', allow(rules.need('incidents:write')), async (req, res) => {
    const incidentId = id(req);
    const input = commitmentInput.parse(body(req));
    await makePromise(db, incidentId, input, actorOf(principalOf(req)), Date.now());
    res.redirect(303, `/console/incidents/${incidentId}`);
  });

  router.get('/promises', allow(rules.need('incidents:read')), async (req, res) => {
    res.type('html').send(promisesView(ctx(req, res), await openCommitments(db), Date.now()));
  });

  router.post('/promises/:id/kept', allow(rules.need('incidents:write')), async (req, res) => {
    const { notify } = keepInput.parse(body(req));
    const { promise, channels } = await keepPromise(db, id(req), notify, deps.publishContext(actorOf(principalOf(req))));
    deps.published(channels);
    res.redirect(303, `/console/incidents/${promise.incidentId}`);
  });

  return router;
}

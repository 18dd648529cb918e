import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../auth/user';
import { AppError } from '../errors';
import { commitmentInput, keepInput } from '../followup/commitment';
import { incidentCommitments, openCommitments } from '../followup/commitment.repository';
import { keepPromise, makePromise } from '../followup/commitment.service';
import { reviewFields } from '../followup/review';
import { publishReview, publishReviewInput, reviewOrDraft, saveReview } from '../followup/review.service';
import { getIncident } from '../incidents/incident.repository';
import type { Database } from '../store/schema';
import { principalOf, rules, type Allow } from './access';
import { doc } from './openapi/api-doc';
import type { FollowupRoutesDeps } from './followup.routes';

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a positive whole number' }).positive({ error: 'must be a positive whole number' }).max(2 ** 31, { error: 'is too large' }) });

/** The JSON API of post-incident reviews and promises: the same services and rules as the console. */
export function followupApiRoutes(deps: Omit<FollowupRoutesDeps, 'access' | 'brand'> & { db: Kysely<Database>; allow: Allow }): Router {
  const router = Router();
  const { allow, db } = deps;
  const id = (params: unknown) => idParam.parse(params).id;

  router.get('/incidents/:id/review', allow(rules.need('incidents:read')), doc({ tag: 'follow-up', summary: 'The incident\'s post-incident review, or a draft from its timeline', params: idParam }), async (req, res) => {
    const incident = await getIncident(db, id(req.params));
    if (!incident) throw new AppError('not_found', `No incident ${id(req.params)}.`, [{ field: 'id', message: 'no incident with this id' }]);
    const { review, fields } = await reviewOrDraft(db, incident);
    res.json({ review: review ?? null, draft: fields, promises: await incidentCommitments(db, incident.id) });
  });

  router.post('/incidents/:id/review', allow(rules.need('incidents:write')), doc({ tag: 'follow-up', summary: 'Save the review of a resolved incident (until it is published)', params: idParam, body: reviewFields, success: { status: 200, description: 'The saved review' } }), async (req, res) => {
    const fields = reviewFields.parse(req.body);
    res.json({ review: await saveReview(db, id(req.params), fields, actorOf(principalOf(req)), Date.now()) });
  });

  router.post('/incidents/:id/review/publish', allow(rules.need('incidents:write')), doc({ tag: 'follow-up', summary: 'Publish the review on the status page and send its follow-up through an approved script', params: idParam, body: publishReviewInput }), async (req, res) => {
    const input = publishReviewInput.parse(req.body);
    const result = await publishReview(db, id(req.params), input, deps.publishContext(actorOf(principalOf(req))));
    deps.published(result.deliveries.map((d) => d.channel));
    res.status(201).json(result);
  });

  router.post('/incidents/:id/promises', allow(rules.need('incidents:write')), doc({ tag: 'follow-up', summary: 'Record a promise made during the incident: what, to whom, its owner and due time', params: idParam, body: commitmentInput }), async (req, res) => {
    const input = commitmentInput.parse(req.body);
    res.status(201).json({ promise: await makePromise(db, id(req.params), input, actorOf(principalOf(req)), Date.now()) });
  });

  router.get('/promises', allow(rules.need('incidents:read')), doc({ tag: 'follow-up', summary: 'Open promises, soonest due first' }), async (_req, res) => {
    res.json({ promises: await openCommitments(db) });
  });

  router.post('/promises/:id/kept', allow(rules.need('incidents:write')), doc({ tag: 'follow-up', summary: 'Mark a promise kept (ends its reminders), optionally telling the contact', params: idParam, body: keepInput, success: { status: 200, description: 'The kept promise' } }), async (req, res) => {
    const { notify } = keepInput.parse(req.body ?? {});
    const { promise, channels } = await keepPromise(db, id(req.params), notify, deps.publishContext(actorOf(principalOf(req))));
    deps.published(channels);
    res.json({ promise });
  });

  return router;
}

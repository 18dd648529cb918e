import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import { incidentCommitments } from '../followup/commitment.repository';
import type { ReviewFields } from '../followup/review';
import { reviewOrDraft, reviewVariables, usedAudiences } from '../followup/review.service';
import { getIncident } from '../incidents/incident.repository';
import type { Database } from '../store/schema';
import { knownValues, sendableScripts } from '../scripts/sendable';
import type { ReviewViewState } from './views/followup.view';

/**
 * Everything the review page shows: the saved review or the timeline's draft, the promises, the
 * approved scripts (those written for after an incident first) and the values for the chosen
 * script's blanks that the review does not fill.
 */
export async function reviewState(
  db: Kysely<Database>,
  incidentId: number,
  chosen: { scriptVersionId?: number; fields?: ReviewFields; variables?: Record<string, string>; audiences?: string[]; channels?: string[] } = {},
): Promise<ReviewViewState> {
  const incident = await getIncident(db, incidentId);
  if (!incident) throw new AppError('not_found', `No incident ${incidentId}.`, [{ field: 'id', message: 'no incident with this id' }]);
  const { review, fields } = await reviewOrDraft(db, incident);
  const situations = new Map((await db.selectFrom('scripts').select(['key', 'situation']).execute()).map((s) => [s.key, s.situation]));
  const scripts = (await sendableScripts(db)).sort((a, b) => Number(situations.get(b.key) === 'post-incident') - Number(situations.get(a.key) === 'post-incident'));
  const script = scripts.find((s) => s.versionId === chosen.scriptVersionId) ?? scripts[0];
  const derived = Object.keys(await reviewVariables(db, incident, fields));
  const components = incident.components.length === 0 ? [] : await db.selectFrom('components').select('name').where('key', 'in', incident.components).execute();
  const known = await knownValues(db, script?.variables ?? [], { now: Date.now(), incidentId, componentNames: components.map((c) => c.name) });
  const used = await usedAudiences(db, incidentId);
  return {
    incident, review, fields: chosen.fields ?? fields, promises: await incidentCommitments(db, incidentId), scripts, script,
    variables: { ...known, ...chosen.variables }, derived, audiences: chosen.audiences ?? used.audiences,
    channels: chosen.channels ?? used.channels.filter((c) => script?.channels.includes(c) ?? false), now: Date.now(),
  };
}

import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { Database } from '../store/schema';
import type { Situation } from './script';
import { textColumns } from './script-version';
import type { DraftTexts } from './script.service';
import { internalTeamAlert, resellerBriefing } from './starter/audience-scripts';
import { postIncident, scheduledMaintenance } from './starter/follow-up-scripts';
import { identified, investigating, monitoring, resolved } from './starter/incident-scripts';
import { promiseKept, promiseReminder } from './starter/promise-scripts';

/**
 * The scripts a fresh install starts with: drafts to review, adapt and approve before the first
 * incident. They follow the crisis checklist: speak at once even when the cause is unknown, say
 * when the next update comes, give customers what they need to make their own plans, follow up
 * with what happened and what prevents a repeat, and word promises so they can be tracked.
 */
export interface StarterScript {
  key: string;
  name: string;
  description: string;
  situation: Situation;
  draft: DraftTexts;
}

export const STARTER_LIBRARY: readonly StarterScript[] = [
  investigating, identified, monitoring, resolved, postIncident, scheduledMaintenance, internalTeamAlert, resellerBriefing,
  promiseReminder, promiseKept,
];

export const STARTER_AUTHOR = 'system:starter-library';
const SEEDED = 'script.starter-library-seeded';

/**
 * Adds the starter library once per database, at start-up. A key already taken keeps its script;
 * a starter script deleted later does not come back. Safe for instances starting together: the
 * insert skips a key another instance wrote first.
 */
export async function ensureStarterLibrary(db: Kysely<Database>, now = Date.now()): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const seeded = await trx.selectFrom('audit_log').select('id').where('action', '=', SEEDED).executeTakeFirst();
    if (seeded) return [];
    const added: { key: string; versionId: number }[] = [];
    for (const starter of STARTER_LIBRARY) {
      const script = await trx
        .insertInto('scripts')
        .values({ key: starter.key, name: starter.name, description: starter.description, situation: starter.situation, failure_type_id: null, created_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!script) continue;
      const version = await trx
        .insertInto('script_versions')
        .values({ script_id: script.id, version: 1, state: 'draft', ...textColumns(starter.draft), author: STARTER_AUTHOR, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      added.push({ key: starter.key, versionId: version.id });
    }
    await recordAudit(trx, { actor: STARTER_AUTHOR, action: SEEDED, subject: 'scripts', at: now, detail: { drafts: added } });
    return added.map((a) => a.key);
  });
}

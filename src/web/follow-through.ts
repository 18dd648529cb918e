import type { Kysely } from 'kysely';
import { can } from '../auth/roles';
import { listDrafts } from '../incidents/draft-incident';
import { outagesToAct } from '../monitors/monitor.repository';
import { listAlerts } from '../problems/problem.repository';
import type { Database } from '../store/schema';
import type { ConsoleContext } from './views/console.view';
import { followThroughPanel } from './views/follow-through.view';
import type { SafeHtml } from './views/html';

/** What the console home shows above the open incidents: drafts, recoveries, recurrences. */
export async function loadFollowThrough(db: Kysely<Database>, c: ConsoleContext): Promise<SafeHtml> {
  const [drafts, outages, alerts] = await Promise.all([listDrafts(db), outagesToAct(db), listAlerts(db, { since: Date.now() })]);
  return followThroughPanel({ drafts, outages, alerts }, c.csrf, can(c.principal.role, 'incidents:write'));
}

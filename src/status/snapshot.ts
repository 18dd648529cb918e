import type { Kysely } from 'kysely';
import { COMPONENT_STATUSES, isComponentStatus, type ComponentStatus } from '../components/component';
import { INCIDENT_STATUSES, type Impact, type IncidentStatus } from '../incidents/incident';
import { kindOf } from '../incidents/lifecycle';
import { parseStringList } from '../contacts/json-list';
import type { ReviewFields } from '../followup/review';
import { publishedReviews } from '../followup/review.repository';
import type { Database } from '../store/schema';

export const HISTORY_DAYS = 90;

export interface SnapshotComponent {
  id: number;
  key: string;
  name: string;
  description: string;
  status: ComponentStatus;
  position: number;
  createdAt: number;
  updatedAt: number;
}

export interface SnapshotUpdate {
  id: number;
  status: IncidentStatus;
  title: string;
  body: string;
  at: number;
}

export interface SnapshotIncident {
  id: number;
  title: string;
  status: IncidentStatus;
  impact: Impact;
  components: string[];
  startedAt: number;
  resolvedAt: number | null;
  /** Newest first. */
  updates: SnapshotUpdate[];
  /** The published post-incident review; the follow-up it went out as is not repeated in `updates`. */
  review: SnapshotReview | null;
}

export interface SnapshotReview extends ReviewFields {
  publishedAt: number;
}

/** Everything the public status page, its feed and its JSON show, read once. */
export interface StatusSnapshot {
  brand: string;
  /** The public URL of the status page, without a trailing slash. */
  url: string;
  generatedAt: number;
  components: SnapshotComponent[];
  open: SnapshotIncident[];
  /** Scheduled or in-progress maintenance. */
  maintenance: SnapshotIncident[];
  /** Resolved incidents started within HISTORY_DAYS, newest first. */
  history: SnapshotIncident[];
  /** The worst state any component is in, and a sentence for it. */
  indicator: 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
  description: string;
}

export async function loadSnapshot(db: Kysely<Database>, options: { brand: string; url: string; now: number }): Promise<StatusSnapshot> {
  const since = options.now - HISTORY_DAYS * 86_400_000;
  const componentRows = await db.selectFrom('components').selectAll().orderBy('position').orderBy('id').execute();
  // Drills are rehearsals for the team: never on the public page, feed or JSON.
  const incidentRows = await db.selectFrom('incidents').selectAll().where('drill', '=', 0)
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('started_at', '>=', since)]))
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(500).execute();
  const ids = incidentRows.map((r) => r.id);
  const updateRows = ids.length === 0 ? [] : await db.selectFrom('incident_updates').select(['id', 'incident_id', 'status', 'rendered', 'created_at'])
    .where('incident_id', 'in', ids).where('internal', '=', 0).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();

  const reviews = await publishedReviews(db, ids);
  const followUps = new Set(reviews.map((r) => r.updateId));
  const updates = new Map<number, SnapshotUpdate[]>();
  for (const row of updateRows) {
    if (followUps.has(row.id)) continue;
    const page = pageOf(row.rendered);
    const list = updates.get(row.incident_id) ?? [];
    list.push({ id: row.id, status: asStatus(row.status), title: page.title, body: page.body, at: row.created_at });
    updates.set(row.incident_id, list);
  }
  // An incident with no public update is a draft (a monitor or the recurrence watch opened it and
  // only the team has been told): the public hears of it with its first notice.
  const incidents: SnapshotIncident[] = incidentRows.filter((r) => updates.has(r.id)).map((r) => ({
    id: r.id, title: r.title, status: asStatus(r.status), impact: r.impact as Impact, components: parseStringList(r.components),
    startedAt: r.started_at, resolvedAt: r.resolved_at, updates: updates.get(r.id) ?? [], review: snapshotReview(reviews.find((v) => v.incidentId === r.id)),
  }));
  const components: SnapshotComponent[] = componentRows.map((r) => ({
    id: r.id, key: r.key, name: r.name, description: r.description, status: isComponentStatus(r.status) ? r.status : 'operational',
    position: r.position, createdAt: r.created_at, updatedAt: r.status_changed_at ?? r.created_at,
  }));
  const open = incidents.filter((i) => i.resolvedAt === null && kindOf(i.status) === 'incident');
  const maintenance = incidents.filter((i) => i.resolvedAt === null && kindOf(i.status) === 'maintenance');
  const { indicator, description } = overall(components, open);
  return {
    brand: options.brand, url: options.url, generatedAt: options.now, components, open, maintenance,
    history: incidents.filter((i) => i.resolvedAt !== null), indicator, description,
  };
}

const SEVERITY: Record<ComponentStatus, number> = Object.fromEntries(COMPONENT_STATUSES.map((s, i) => [s, i])) as Record<ComponentStatus, number>;

function overall(components: SnapshotComponent[], open: SnapshotIncident[]): Pick<StatusSnapshot, 'indicator' | 'description'> {
  const worst = components.reduce<ComponentStatus>((w, c) => (SEVERITY[c.status] > SEVERITY[w] ? c.status : w), 'operational');
  if (worst === 'major_outage' || open.some((i) => i.impact === 'critical')) return { indicator: 'critical', description: 'Major outage' };
  if (worst === 'partial_outage' || open.some((i) => i.impact === 'major')) return { indicator: 'major', description: 'Partial outage' };
  if (worst === 'degraded_performance' || open.length > 0) return { indicator: 'minor', description: 'Some systems are affected' };
  if (worst === 'under_maintenance') return { indicator: 'maintenance', description: 'Maintenance in progress' };
  return { indicator: 'none', description: 'All systems operational' };
}

function snapshotReview(r: Awaited<ReturnType<typeof publishedReviews>>[number] | undefined): SnapshotReview | null {
  if (!r || r.publishedAt === null) return null;
  return { whatHappened: r.whatHappened, rootCause: r.rootCause, fix: r.fix, prevention: r.prevention, lessons: r.lessons, publishedAt: r.publishedAt };
}

function asStatus(value: string): IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value) ? (value as IncidentStatus) : 'investigating';
}

function pageOf(rendered: string): { title: string; body: string } {
  try {
    const value = JSON.parse(rendered) as { page?: { title?: unknown; body?: unknown } };
    return { title: typeof value.page?.title === 'string' ? value.page.title : '', body: typeof value.page?.body === 'string' ? value.page.body : '' };
  } catch {
    return { title: '', body: '' };
  }
}


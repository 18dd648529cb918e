/**
 * An incident's life: each update moves it along; resolved ends it. Scheduled maintenance has
 * its own: scheduled → in progress → completed. See lifecycle.ts for the moves allowed.
 */
export const INCIDENT_FLOW = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_FLOW = ['scheduled', 'in_progress', 'completed'] as const;
export const INCIDENT_STATUSES = [...INCIDENT_FLOW, ...MAINTENANCE_FLOW] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
};

export interface Incident {
  id: number;
  title: string;
  failureTypeId: number | null;
  status: IncidentStatus;
  impact: Impact;
  components: string[];
  startedAt: number;
  resolvedAt: number | null;
  xThreadId: string | null;
  /** A rehearsal: team only, DRILL on every message, never on the public pages. */
  drill: boolean;
}

export interface IncidentUpdate {
  id: number;
  incidentId: number;
  status: IncidentStatus;
  scriptVersionId: number;
  variables: Record<string, string>;
  rendered: unknown;
  createdBy: string;
  createdAt: number;
  /** The team's first alert: kept with the incident, never shown publicly. */
  internal: boolean;
}

/** An incident's life: each update moves it along; resolved ends it. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
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
}

import type { Selectable } from 'kysely';
import type { ComponentsTable } from '../store/schema';

/** Statuspage's component states, in order of severity. */
export const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export function isComponentStatus(value: string): value is ComponentStatus {
  return (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/** A part of the product an incident can affect and a subscriber can follow (website, checkout…). */
export interface Component {
  id: number;
  key: string;
  name: string;
  description: string;
  status: ComponentStatus;
  statusChangedAt: number | null;
  position: number;
  createdAt: number;
}

export interface NewComponent {
  key: string;
  name: string;
  description?: string;
}

export type ComponentPatch = Partial<Omit<NewComponent, 'key'>>;

export type ComponentRow = Selectable<ComponentsTable>;

export function toComponent(row: ComponentRow): Component {
  return {
    id: row.id, key: row.key, name: row.name, description: row.description, status: isComponentStatus(row.status) ? row.status : 'operational',
    statusChangedAt: row.status_changed_at, position: row.position, createdAt: row.created_at,
  };
}

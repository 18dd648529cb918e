import type { Selectable } from 'kysely';
import type { ComponentsTable } from '../store/schema';

/** A part of the product an incident can affect and a subscriber can follow (website, checkout…). */
export interface Component {
  id: number;
  key: string;
  name: string;
  description: string;
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
  return { id: row.id, key: row.key, name: row.name, description: row.description, createdAt: row.created_at };
}

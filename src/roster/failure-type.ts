import type { Selectable } from 'kysely';
import type { FailureTypesTable } from '../store/schema';

/** Something we know in advance can go wrong, so we know who fixes it before it happens. */
export interface FailureType {
  id: number;
  key: string;
  name: string;
  description: string;
  createdAt: number;
}

export interface NewFailureType {
  key: string;
  name: string;
  description?: string;
}

export type FailureTypePatch = Partial<Omit<NewFailureType, 'key'>>;

export type FailureTypeRow = Selectable<FailureTypesTable>;

export function toFailureType(row: FailureTypeRow): FailureType {
  return { id: row.id, key: row.key, name: row.name, description: row.description, createdAt: row.created_at };
}

import type { Selectable } from 'kysely';
import type { ScriptsTable } from '../store/schema';

/** A named message prepared in advance for a failure type; its wording lives in versions. */
export interface Script {
  id: number;
  key: string;
  name: string;
  failureTypeId: number | null;
  createdAt: number;
}

export interface NewScript {
  key: string;
  name: string;
  failureTypeId?: number | null;
}

export type ScriptRow = Selectable<ScriptsTable>;

export function toScript(row: ScriptRow): Script {
  return { id: row.id, key: row.key, name: row.name, failureTypeId: row.failure_type_id, createdAt: row.created_at };
}

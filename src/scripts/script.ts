import type { Selectable } from 'kysely';
import type { ScriptsTable } from '../store/schema';

/** The situations and phases a script is written for; the library is grouped by them. */
export const SITUATIONS = [
  'investigating', 'identified', 'monitoring', 'resolved', 'post-incident', 'maintenance', 'internal', 'reseller', 'other',
] as const;
export type Situation = (typeof SITUATIONS)[number];

/** A named message prepared in advance for a situation or failure type; its wording lives in versions. */
export interface Script {
  id: number;
  key: string;
  name: string;
  description: string;
  situation: Situation;
  failureTypeId: number | null;
  createdAt: number;
}

export interface NewScript {
  key: string;
  name: string;
  description?: string;
  situation?: Situation;
  failureTypeId?: number | null;
}

export type ScriptRow = Selectable<ScriptsTable>;

const isSituation = (s: string): s is Situation => (SITUATIONS as readonly string[]).includes(s);

export function toScript(row: ScriptRow): Script {
  return {
    id: row.id, key: row.key, name: row.name, description: row.description,
    situation: isSituation(row.situation) ? row.situation : 'other', failureTypeId: row.failure_type_id, createdAt: row.created_at,
  };
}

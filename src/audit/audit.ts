import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../store/schema';

/** Who did what to which thing, and when: the record kept for the post-incident review. */
export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  /** What was acted on, written `<kind>:<id or key>`, such as `script-version:12`. */
  subject: string;
  detail: Record<string, unknown>;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
  /** Defaults to now. */
  at?: number;
}

export type AuditRow = Selectable<AuditLogTable>;

export function toAuditEntry(row: AuditRow): AuditEntry {
  return { id: row.id, at: row.at, actor: row.actor, action: row.action, subject: row.subject, detail: parseDetail(row.detail) };
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}

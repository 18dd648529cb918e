import type { Selectable } from 'kysely';
import { AppError } from '../errors';
import type { ScriptVersionsTable } from '../store/schema';

export type ScriptVersionState = 'draft' | 'approved' | 'retired';

/** The wording each channel gets, with {{variables}} still in place. */
export interface ScriptTexts {
  emailSubject: string;
  emailBody: string;
  sms: string;
  slack: string;
  x: string;
}

/**
 * One wording of a script. A draft is written by its author and approved by someone else; only
 * an approved version may be broadcast; a retired one is kept for the record.
 */
export interface ScriptVersion extends ScriptTexts {
  id: number;
  scriptId: number;
  version: number;
  state: ScriptVersionState;
  author: string;
  approver: string | null;
  approvedAt: number | null;
  createdAt: number;
}

export interface NewScriptVersion extends ScriptTexts {
  scriptId: number;
  author: string;
}

export type ScriptVersionRow = Selectable<ScriptVersionsTable>;

export function toScriptVersion(row: ScriptVersionRow): ScriptVersion {
  return {
    id: row.id,
    scriptId: row.script_id,
    version: row.version,
    state: row.state,
    emailSubject: row.email_subject,
    emailBody: row.email_body,
    sms: row.sms,
    slack: row.slack,
    x: row.x,
    author: row.author,
    approver: row.approver,
    approvedAt: row.approved_at,
    createdAt: row.created_at,
  };
}

const samePerson = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Four eyes: a draft is approved by someone other than its author, and only once. */
export function assertCanApprove(version: ScriptVersion, approver: string): void {
  if (version.state !== 'draft') {
    throw new AppError('conflict', `Script version ${version.version} is ${version.state}; only a draft can be approved.`);
  }
  if (samePerson(version.author, approver)) {
    throw new AppError('forbidden', 'An author may not approve their own script version; ask another approver.');
  }
}

import type { Selectable } from 'kysely';
import { AppError } from '../errors';
import type { ChannelTemplates, PhoneQa } from '../render';
import type { ScriptVersionsTable } from '../store/schema';
import { parseQa, parseVariables, type VariableDeclaration } from './variables';

export type ScriptVersionState = 'draft' | 'approved' | 'retired';

/** The wording each channel gets, as Liquid templates; an empty text means the channel is not offered. */
export type ScriptTexts = ChannelTemplates;

/**
 * One wording of a script. A draft is edited until someone approves it; the approved version is
 * the one in force and the only one that may be broadcast; approving a newer version retires it.
 */
export interface ScriptVersion extends ScriptTexts {
  id: number;
  scriptId: number;
  version: number;
  state: ScriptVersionState;
  variables: VariableDeclaration[];
  /** Whoever saved the draft's text last. */
  author: string;
  approver: string | null;
  approvedAt: number | null;
  retiredAt: number | null;
  createdAt: number;
}

export interface NewScriptVersion extends Omit<ScriptTexts, 'phone' | 'phoneQa' | 'reseller'> {
  scriptId: number;
  author: string;
  phone?: string;
  phoneQa?: PhoneQa[];
  reseller?: string;
  variables?: VariableDeclaration[];
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
    phone: row.phone,
    phoneQa: parseQa(row.phone_qa),
    reseller: row.reseller,
    variables: parseVariables(row.variables),
    author: row.author,
    approver: row.approver,
    approvedAt: row.approved_at,
    retiredAt: row.retired_at,
    createdAt: row.created_at,
  };
}

/** The columns that hold a version's wording and declarations. */
export function textColumns(texts: Omit<NewScriptVersion, 'scriptId' | 'author'>) {
  return {
    email_subject: texts.emailSubject,
    email_body: texts.emailBody,
    sms: texts.sms,
    slack: texts.slack,
    x: texts.x,
    phone: texts.phone ?? '',
    phone_qa: JSON.stringify(texts.phoneQa ?? []),
    reseller: texts.reseller ?? '',
    variables: JSON.stringify(texts.variables ?? []),
  };
}

export const samePerson = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export interface ApprovalRules {
  /** The author of a version may not approve it. */
  twoPersonRule: boolean;
}

/** Only a draft can be approved, once; under the two-person rule, not by its author. */
export function assertCanApprove(version: ScriptVersion, approver: string, rules: ApprovalRules): void {
  if (version.state !== 'draft') {
    throw new AppError('conflict', `Script version ${version.version} is ${version.state}; only a draft can be approved.`);
  }
  if (rules.twoPersonRule && samePerson(version.author, approver)) {
    throw new AppError('forbidden', 'The two-person rule is on: an author may not approve their own script version; ask another approver.');
  }
}

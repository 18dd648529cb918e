import type { VariableDeclaration } from '../variables';

/**
 * Variables the starter scripts share, so the same blank reads the same in every script. Examples
 * are realistic and short: they are what the checks render at approval.
 */
export const v = (name: string, description: string, example: string, required = true): VariableDeclaration => ({ name, description, required, example });

export const SERVICE = v('service', 'What is affected, in the words customers use', 'Online ordering');
export const IMPACT = v('impact', 'What customers notice, in one or two plain sentences', 'Orders cannot be placed on the website or in the app.');
export const STARTED_AT = v('started_at', 'When the problem started, with the time zone', '09:40 UTC');
export const NEXT_UPDATE = v('next_update', 'When the next update will be sent, with the time zone; keep this promise even if there is no news', '10:30 UTC');
export const WORKAROUND = v('workaround', 'What customers can do meanwhile; leave empty if there is nothing', 'Phone orders still work on 0800 123 456.', false);
export const SUPPORT_CONTACT = v('support_contact', 'Where customers can reach a person', 'support@example.com or 0800 123 456');
export const CAUSE = v('cause', 'The cause in plain words, without blaming anyone', 'a faulty update to our payment system');
export const FIX_ETA = v('fix_eta', 'When service should be back, as a time or a range; only what the fixers have confirmed', 'between 11:00 and 12:00 UTC');
export const FIXED_AT = v('fixed_at', 'When the fix went in, with the time zone', '11:20 UTC');
export const RESOLVED_AT = v('resolved_at', 'When service was confirmed back to normal, with the time zone', '12:05 UTC');
export const SUMMARY = v('summary', 'What happened, in one or two sentences', 'A faulty update to our payment system stopped new orders. We reversed it.');
export const FOLLOW_UP_BY = v('follow_up_by', 'The date the full follow-up will be sent by', 'Friday 14 March');

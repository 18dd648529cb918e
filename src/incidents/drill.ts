import type { Channel } from '../channels/provider';
import { AppError } from '../errors';
import type { RenderedUpdate } from '../render';
import { escapeHtml } from '../render/email';
import type { Audience } from './publish';

/**
 * A drill rehearses an incident without telling anyone outside the team: whatever audiences
 * were asked for, it reaches the team only, never X (a public post), never the status page, and
 * every message says DRILL where a reader looks first: the email subject, the first line of
 * every text body, the SMS and Slack text.
 */

export const DRILL_SUBJECT_PREFIX = '[DRILL] ';
export const DRILL_TEXT_PREFIX = 'DRILL: ';
export const DRILL_NOTE = 'DRILL: this is a practice message. Nothing is wrong; no customer was told.';
/** Channels a drill may use: the team's own. */
const TEAM_ONLY: Channel[] = ['email', 'sms', 'slack'];

/** The audiences and channels a drill actually uses, from what was asked. */
export function drillReach(channels: readonly Channel[]): { audiences: Audience[]; channels: Channel[] } {
  const kept = channels.filter((c) => TEAM_ONLY.includes(c));
  if (kept.length === 0) {
    throw new AppError('invalid_input', 'A drill goes to the team only, and X is public: choose email, SMS or Slack.', [
      { field: 'channels', message: 'a drill needs email, sms or slack' },
    ]);
  }
  return { audiences: ['team'], channels: kept };
}

/** The rendered texts with DRILL on every channel; the page text too, though no public page shows a drill. */
export function markDrill(r: RenderedUpdate): RenderedUpdate {
  const blocks = r.slack.blocks.map((b) => (b.type === 'header' ? { ...b, text: { ...b.text, text: `${DRILL_SUBJECT_PREFIX}${b.text.text}`.slice(0, 150) } } : b));
  return {
    ...r,
    page: { title: `${DRILL_SUBJECT_PREFIX}${r.page.title}`, body: `${DRILL_NOTE}\n\n${r.page.body}` },
    email: {
      subject: `${DRILL_SUBJECT_PREFIX}${r.email.subject}`,
      text: `${DRILL_NOTE}\n\n${r.email.text}`,
      html: `<p><strong>${escapeHtml(DRILL_NOTE)}</strong></p>${r.email.html}`,
    },
    sms: { ...r.sms, text: `${DRILL_TEXT_PREFIX}${r.sms.text}` },
    slack: { text: `*${DRILL_TEXT_PREFIX.trim()}* ${r.slack.text}`, blocks },
    x: { ...r.x, text: `${DRILL_TEXT_PREFIX}${r.x.text}` },
    phone: { ...r.phone, talkingPoints: `${DRILL_NOTE}\n${r.phone.talkingPoints}` },
    reseller: { text: `${DRILL_NOTE}\n\n${r.reseller.text}` },
  };
}

import { truncateToFit } from './text';

/**
 * Slack message limits: a section's text at most 3,000 characters, a header 150, a message at
 * most 50 blocks. The top-level `text` is what notifications and screen readers use.
 */

export const SLACK_SECTION_MAX = 3000;
export const SLACK_HEADER_MAX = 150;
export const SLACK_MAX_BLOCKS = 50;

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}
export interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'context'; elements: SlackMrkdwn[] };

/** Slack's mrkdwn control characters; Slack decodes only these three entities, so nothing else is encoded. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackInput {
  /** Plain text (shown in a plain_text header, so it needs no escaping). */
  title: string;
  /** mrkdwn, with its variables already escaped. */
  body: string;
  /** Plain text. */
  statusLabel: string;
  link?: string;
}

export interface RenderedSlack {
  text: string;
  blocks: SlackBlock[];
}

export function renderSlack({ title, body, statusLabel, link }: SlackInput): RenderedSlack {
  const headline = title.trim();
  const status = `*Status:* ${escapeSlack(statusLabel)}`;
  // `|` would end the URL part of Slack's <url|label> link syntax.
  const context = link ? `${status}  ·  <${escapeSlack(link).replace(/\|/g, '%7C')}|Status page>` : status;
  const blocks: SlackBlock[] = [];
  if (headline !== '') {
    const text = cut(headline, SLACK_HEADER_MAX);
    blocks.push({ type: 'header', text: { type: 'plain_text', text, emoji: true } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  const sections = splitSections(body.trim(), SLACK_SECTION_MAX, SLACK_MAX_BLOCKS - blocks.length);
  for (const text of sections) blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  const summary = [headline && `*${escapeSlack(headline)}*`, status, body.trim()].filter(Boolean).join('\n');
  return { text: cut(summary, SLACK_SECTION_MAX), blocks };
}

function cut(text: string, max: number): string {
  return truncateToFit(text, (candidate) => candidate.length <= max, () => '…');
}

/**
 * Splits mrkdwn into at most `maxParts` chunks of at most `max` characters, preferring paragraph,
 * then line, then word breaks so a chunk rarely ends inside *bold* or a <link|label>.
 */
function splitSections(text: string, max: number, maxParts: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest !== '' && parts.length < maxParts) {
    if (parts.length === maxParts - 1) {
      parts.push(cut(rest, max));
      break;
    }
    const at = rest.length <= max ? rest.length : breakBefore(rest, max);
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return parts;
}

function breakBefore(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at > 0) return at;
  }
  // No break at all: cut hard, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

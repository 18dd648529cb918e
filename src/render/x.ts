import { parseTweet } from 'twitter-text';
import { normaliseWhitespace, truncateToFit } from './text';

/**
 * X counts a post by weighted length, not `.length`: every URL weighs 23 whatever its length,
 * emoji and CJK weigh 2, and the text is NFC-normalised first. twitter-text is X's own counter.
 */

export const X_MAX_WEIGHTED_LENGTH = 280;

// The link goes on its own line, after a blank one, so it never reads as part of a sentence.
const LINK_SEPARATOR = '\n\n';

export function xWeightedLength(text: string): number {
  return parseTweet(text).weightedLength;
}

export interface XPostOptions {
  /** Status page URL appended to every post; it is never truncated. */
  link?: string;
}

export interface RenderedXPost {
  text: string;
  weightedLength: number;
  truncated: boolean;
}

/** The weighted length of the post for `text` plus the link, before any cut. */
export function xPostLength(text: string, { link }: XPostOptions = {}): number {
  const normalised = normaliseWhitespace(text).normalize('NFC');
  return xWeightedLength(link ? `${normalised}${LINK_SEPARATOR}${link}` : normalised);
}

/** The post for `text` plus the link, with the text cut at a word and closed with '…' if needed. */
export function renderXPost(text: string, { link }: XPostOptions = {}): RenderedXPost {
  // Normalised here too, so the post sent is the one that was measured.
  const normalised = normaliseWhitespace(text).normalize('NFC');
  const withLink = (body: string): string => (link ? `${body}${LINK_SEPARATOR}${link}` : body);
  const fits = (body: string): boolean => xWeightedLength(withLink(body)) <= X_MAX_WEIGHTED_LENGTH;
  const body = truncateToFit(normalised, fits, () => '…');
  const post = body === '' && link ? link : withLink(body);
  return { text: post, weightedLength: xWeightedLength(post), truncated: body !== normalised };
}

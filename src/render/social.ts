import { normaliseWhitespace, truncateToFit } from './text';

/**
 * Mastodon and Bluesky posts: like X, one post per update with the status page link on its own
 * line, measured the way each platform measures it, and cut at a word only when a caller chose
 * to send what does not fit (script checks refuse that first).
 * - Mastodon counts grapheme clusters, and every URL as 23 characters whatever its length: 500,
 *   the default every server accepts (servers that allow more accept 500 too).
 * - Bluesky counts grapheme clusters of the whole text, links at their full length: 300.
 * Both are Unicode extended grapheme clusters, which Intl.Segmenter counts without loading
 * either SDK into every process that renders.
 */

export const MASTODON_DEFAULT_MAX_CHARACTERS = 500;
export const BLUESKY_MAX_GRAPHEMES = 300;

const LINK_SEPARATOR = '\n\n';
const MASTODON_URL_WEIGHT = 23;
const URL = /https?:\/\/[^\s]+/g;

const graphemes = (text: string): number => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;

export function mastodonLength(text: string): number {
  return graphemes(text.replace(URL, 'x'.repeat(MASTODON_URL_WEIGHT)));
}

export function blueskyLength(text: string): number {
  return graphemes(text);
}

export interface SocialPostOptions {
  /** Status page URL appended to every post; it is never cut. */
  link?: string;
  measure(text: string): number;
  max: number;
}

export interface RenderedSocialPost {
  text: string;
  length: number;
}

const compose = (body: string, link?: string): string => (link ? `${body}${LINK_SEPARATOR}${link}` : body);

/** The length of the post for `text` plus the link, before any cut. */
export function socialPostLength(text: string, { link, measure }: Pick<SocialPostOptions, 'link' | 'measure'>): number {
  return measure(compose(normaliseWhitespace(text).normalize('NFC'), link));
}

/** The post for `text` plus the link, the text cut at a word and closed with '…' if needed. */
export function renderSocialPost(text: string, { link, measure, max }: SocialPostOptions): RenderedSocialPost {
  const normalised = normaliseWhitespace(text).normalize('NFC');
  const body = truncateToFit(normalised, (b) => measure(compose(b, link)) <= max, () => '…');
  const post = body === '' && link ? link : compose(body, link);
  return { text: post, length: measure(post) };
}

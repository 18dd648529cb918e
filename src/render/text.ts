/** Text helpers shared by the channel renderers. */

/**
 * Collapses runs of horizontal whitespace (including no-break and other Unicode spaces, which
 * would also cost an SMS its GSM-7 encoding) to one space, keeps at most one blank line between
 * paragraphs, and trims. Line breaks survive: every channel here can show them.
 */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Dangling separators read badly before an ellipsis ("road closed,…"), so they go with the cut.
const TRAILING_SEPARATORS = /[\s,;:.\-–—]+$/u;

/**
 * The longest prefix of `text`, cut at a word boundary (or, when no word fits, between two
 * graphemes, so no surrogate pair or emoji sequence is split) and closed with `ellipsisFor(kept)`,
 * for which `fits` holds; `text` itself when it fits; '' when nothing does.
 * `fits` is expected to grow monotonically with the prefix, which holds for every length measure
 * used here; the result is checked with `fits` either way.
 */
export function truncateToFit(
  text: string,
  fits: (candidate: string) => boolean,
  ellipsisFor: (kept: string) => string,
): string {
  if (fits(text)) return text;
  return longestFitting(wordCuts(text), text, fits, ellipsisFor) ?? longestFitting(graphemeCuts(text), text, fits, ellipsisFor) ?? '';
}

function longestFitting(
  cuts: number[],
  text: string,
  fits: (candidate: string) => boolean,
  ellipsisFor: (kept: string) => string,
): string | undefined {
  let best: string | undefined;
  let low = 0;
  let high = cuts.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const kept = text.slice(0, cuts[middle]).replace(TRAILING_SEPARATORS, '');
    const candidate = kept === '' ? undefined : kept + ellipsisFor(kept);
    if (candidate !== undefined && fits(candidate)) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

/** Ascending offsets where a whitespace run starts. */
function wordCuts(text: string): number[] {
  return [...text.matchAll(/\s+/g)].map((match) => match.index);
}

/** Ascending offsets between graphemes (excluding 0 and the end). */
function graphemeCuts(text: string): number[] {
  const segments = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text);
  return [...segments].map((segment) => segment.index).filter((index) => index > 0);
}

import type { FieldProblem } from '../errors';
import { BLUESKY_MAX_GRAPHEMES, MASTODON_DEFAULT_MAX_CHARACTERS, blueskyLength, mastodonLength, socialPostLength } from '../render';

/**
 * Mastodon and Bluesky post the script's X text, so their limits are checked against it: at
 * approval for every offered channel, at send for the chosen ones. The problem is named on the
 * `x` field, since that is the text to shorten.
 */

export interface SocialMeasure {
  length: number;
  max: number;
}

const PLATFORMS = [
  { channel: 'mastodon', name: 'Mastodon', unit: 'characters', measure: mastodonLength, max: MASTODON_DEFAULT_MAX_CHARACTERS },
  { channel: 'bluesky', name: 'Bluesky', unit: 'graphemes', measure: blueskyLength, max: BLUESKY_MAX_GRAPHEMES },
] as const;

export function socialLimits(
  filledX: string,
  o: { statusPageUrl: string; offered: readonly string[]; wanted: readonly string[] },
): { mastodon: SocialMeasure | null; bluesky: SocialMeasure | null; problems: FieldProblem[] } {
  const out: { mastodon: SocialMeasure | null; bluesky: SocialMeasure | null; problems: FieldProblem[] } = { mastodon: null, bluesky: null, problems: [] };
  for (const p of PLATFORMS) {
    if (!o.offered.includes(p.channel)) continue;
    const measured = { length: socialPostLength(filledX, { link: o.statusPageUrl, measure: p.measure }), max: p.max };
    out[p.channel] = measured;
    if (o.wanted.includes(p.channel) && measured.length > measured.max) {
      out.problems.push({ field: 'x', message: `as a ${p.name} post with its status page link it is ${measured.length} ${p.unit}; ${p.name} allows ${p.max}` });
    }
  }
  return out;
}

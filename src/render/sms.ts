import { normaliseWhitespace, truncateToFit } from './text';

/**
 * SMS length as carriers bill it (3GPP TS 23.038 / 23.040). A message that is all GSM-7 costs
 * septets: 160 in one part, 153 per part once split (the rest is the concatenation header). One
 * character outside GSM-7 makes the whole message UCS-2: 70, then 67 UTF-16 code units per part.
 */

// The GSM-7 default alphabet without ESC (0x1B), which only introduces the extension table.
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Extension-table characters are sent as ESC + code: two septets that must stay in one part.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
} as const;

/** Twilio refuses a body longer than this many characters. */
export const SMS_MAX_CHARS = 1600;

export type SmsEncoding = keyof typeof LIMITS;

export interface SmsSegmentInfo {
  encoding: SmsEncoding;
  /** Units counted against the limits: septets for GSM-7, UTF-16 code units for UCS-2. */
  characters: number;
  /** Parts the carrier delivers (and bills); 0 for an empty text. */
  segments: number;
  /** Units that fit in each part at this length: 160/70 for one part, 153/67 once split. */
  perSegment: number;
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return false;
  return true;
}

export function smsSegments(text: string): SmsSegmentInfo {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  // Each code point's cost in units; a cost-2 unit (escape pair, surrogate pair) is indivisible.
  const costs = Array.from(text, (char) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(char) ? 2 : 1) : char.length));
  const characters = costs.reduce((sum, cost) => sum + cost, 0);
  const { single, perPart } = LIMITS[encoding];
  if (characters <= single) return { encoding, characters, segments: characters === 0 ? 0 : 1, perSegment: single };
  return { encoding, characters, segments: countParts(costs, perPart), perSegment: perPart };
}

function countParts(costs: number[], perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > perPart) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

export interface SmsOptions {
  /** Cap on billed parts; absent means only `maxChars` limits the text. */
  maxSegments?: number;
  maxChars?: number;
}

export interface RenderedSms extends SmsSegmentInfo {
  text: string;
  truncated: boolean;
}

/** The SMS body for `text`: whitespace normalised, cut at a word with an ellipsis if too long. */
export function renderSms(text: string, { maxSegments, maxChars = SMS_MAX_CHARS }: SmsOptions = {}): RenderedSms {
  const normalised = normaliseWhitespace(text);
  const fits = (candidate: string): boolean =>
    candidate.length <= maxChars && (maxSegments === undefined || smsSegments(candidate).segments <= maxSegments);
  // '…' is not GSM-7: closing a GSM-7 text with it would halve what fits in each part.
  const body = truncateToFit(normalised, fits, (kept) => (isGsm7(kept) ? '...' : '…'));
  return { text: body, truncated: body !== normalised, ...smsSegments(body) };
}

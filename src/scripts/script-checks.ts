import type { FieldProblem } from '../errors';
import {
  escapeSlack, fillTemplate, missingVariables, normaliseWhitespace, renderUpdate, smsSegments, templateProblem, xPostLength,
  X_MAX_WEIGHTED_LENGTH, type RenderedUpdate,
} from '../render';
import { socialLimits, type SocialMeasure } from './social-checks';
import type { ScriptTexts, ScriptVersion } from './script-version';
import { exampleValues, type VariableDeclaration } from './variables';

/**
 * The checks a script version passes at approval (with its example values) and an update passes
 * at send (with the sender's values): every channel renders, the SMS fits its segment limit, the
 * X post fits 280 weighted characters, the Mastodon and Bluesky posts (the same social text) fit
 * 500 characters and 300 graphemes. An empty channel text means the channel is not offered.
 */

export const DEFAULT_SMS_MAX_SEGMENTS = 2;

export const SCRIPT_CHANNELS = ['email', 'sms', 'slack', 'x', 'phone', 'reseller', 'mastodon', 'bluesky', 'teams'] as const;
export type ScriptChannel = (typeof SCRIPT_CHANNELS)[number];

export interface CheckOptions {
  smsMaxSegments: number;
  /** Only these channels must be offered and within limits; all offered ones when absent. */
  channels?: readonly ScriptChannel[];
  brandName?: string;
  statusPageUrl?: string;
  statusLabel?: string;
}

export interface ScriptCheck {
  offered: ScriptChannel[];
  /** Every channel rendered as it would be sent; null when the texts do not render. */
  preview: RenderedUpdate | null;
  sms: { segments: number; encoding: string; characters: number; maxSegments: number } | null;
  x: { weightedLength: number; max: number } | null;
  mastodon: SocialMeasure | null;
  bluesky: SocialMeasure | null;
  /** Variables the texts use that have no value, in order of use. */
  missing: string[];
  problems: FieldProblem[];
}

/**
 * The script texts a broadcast on these delivery channels needs. A webhook carries the update's
 * headline and body, which are the email's subject and body (as on the status page), so it
 * needs the email text and no text of its own.
 */
export function scriptChannelsFor(channels: readonly string[]): ScriptChannel[] {
  const mapped = channels.map((c) => (c === 'webhook' ? 'email' : c));
  return SCRIPT_CHANNELS.filter((c) => mapped.includes(c));
}

const LABELS: Record<ScriptChannel, string> = {
  email: 'email', sms: 'SMS', slack: 'Slack', x: 'X post', phone: 'phone talking points', reseller: 'reseller note',
  mastodon: 'Mastodon post (the X text)', bluesky: 'Bluesky post (the X text)', teams: 'Teams card (the email text)',
};

const filled = (s: string): boolean => s.trim() !== '';

/** The channels a version has text for. */
export function offeredChannels(texts: ScriptTexts): ScriptChannel[] {
  const has: Record<ScriptChannel, boolean> = {
    email: filled(texts.emailBody), sms: filled(texts.sms), slack: filled(texts.slack), x: filled(texts.x),
    phone: filled(texts.phone) || texts.phoneQa.length > 0, reseller: filled(texts.reseller),
    mastodon: filled(texts.x), bluesky: filled(texts.x), teams: filled(texts.emailBody),
  };
  return SCRIPT_CHANNELS.filter((c) => has[c]);
}

/** Each template field by its form name, Q&A entries as phoneQa[n].question / .answer. */
function templateFields(texts: ScriptTexts): [string, string][] {
  return [
    ['emailSubject', texts.emailSubject], ['emailBody', texts.emailBody], ['sms', texts.sms], ['slack', texts.slack],
    ['x', texts.x], ['phone', texts.phone], ['reseller', texts.reseller],
    ...texts.phoneQa.flatMap((qa, n): [string, string][] => [[`phoneQa[${n}].question`, qa.question], [`phoneQa[${n}].answer`, qa.answer]]),
  ];
}

/** Checks texts rendered with `values`; `problems` is empty when they may be sent. */
export function checkTexts(texts: ScriptTexts, values: Record<string, string>, options: CheckOptions): ScriptCheck {
  const offered = offeredChannels(texts);
  const wanted = options.channels ?? offered;
  const problems: FieldProblem[] = [...shapeProblems(texts, offered, wanted)];
  const fields = templateFields(texts);
  const broken = fields.flatMap(([field, template]) => {
    const reason = templateProblem(template);
    return reason === undefined ? [] : [{ field, message: reason }];
  });
  problems.push(...broken);
  if (broken.length > 0) return { offered, preview: null, sms: null, x: null, mastodon: null, bluesky: null, missing: [], problems };

  const missing = missingVariables(fields.map(([, t]) => t), values);
  problems.push(...missing.map((name) => ({ field: `variables.${name}`, message: 'has no value' })));
  if (missing.length > 0) return { offered, preview: null, sms: null, x: null, mastodon: null, bluesky: null, missing, problems };

  const renderProblems = fields.flatMap(([field, template]) => {
    try {
      fillTemplate(template, values, field === 'slack' ? escapeSlack : undefined);
      return [];
    } catch (err) {
      return [{ field, message: err instanceof Error ? err.message : String(err) }];
    }
  });
  problems.push(...renderProblems);
  if (renderProblems.length > 0) return { offered, preview: null, sms: null, x: null, mastodon: null, bluesky: null, missing, problems };

  const statusPageUrl = options.statusPageUrl ?? 'https://status.example.com/';
  const preview = renderUpdate({
    templates: texts, variables: values, statusLabel: options.statusLabel ?? 'Investigating',
    brandName: options.brandName ?? 'Crier', statusPageUrl,
  });
  const smsText = normaliseWhitespace(fillTemplate(texts.sms, values));
  const segments = smsSegments(smsText);
  const sms = offered.includes('sms') ? { ...segments, maxSegments: options.smsMaxSegments } : null;
  const x = offered.includes('x') ? { weightedLength: xPostLength(fillTemplate(texts.x, values), { link: statusPageUrl }), max: X_MAX_WEIGHTED_LENGTH } : null;
  if (sms && wanted.includes('sms') && sms.segments > sms.maxSegments) {
    problems.push({ field: 'sms', message: `renders to ${sms.segments} SMS segments (${sms.encoding}, ${sms.characters} characters); the limit is ${sms.maxSegments}` });
  }
  if (x && wanted.includes('x') && x.weightedLength > x.max) {
    problems.push({ field: 'x', message: `the post with its status page link weighs ${x.weightedLength} characters; X allows ${x.max}` });
  }
  const social = socialLimits(fillTemplate(texts.x, values), { statusPageUrl, offered, wanted });
  problems.push(...social.problems);
  for (const channel of wanted) {
    if (offered.includes(channel) && renderedEmpty(channel, preview)) {
      problems.push({ field: channel, message: `the ${LABELS[channel]} renders to nothing with these values` });
    }
  }
  return { offered, preview, sms, x, mastodon: social.mastodon, bluesky: social.bluesky, missing, problems };
}

function shapeProblems(texts: ScriptTexts, offered: ScriptChannel[], wanted: readonly ScriptChannel[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (offered.length === 0) problems.push({ field: '(texts)', message: 'every channel is empty; write the text for at least one' });
  for (const channel of wanted) {
    if (!offered.includes(channel)) problems.push({ field: 'channels', message: `this script has no ${LABELS[channel]}` });
  }
  if (filled(texts.emailBody) !== filled(texts.emailSubject)) {
    problems.push({ field: filled(texts.emailBody) ? 'emailSubject' : 'emailBody', message: 'an email needs both a subject and a body' });
  }
  texts.phoneQa.forEach((qa, n) => {
    if (!filled(qa.question) || !filled(qa.answer)) problems.push({ field: `phoneQa[${n}]`, message: 'each likely question needs its answer' });
  });
  return problems;
}

function renderedEmpty(channel: ScriptChannel, r: RenderedUpdate): boolean {
  switch (channel) {
    case 'email': return r.page.body.trim() === '';
    case 'sms': return r.sms.text === '';
    case 'slack': return r.slack.blocks.every((b) => b.type !== 'section');
    case 'x': case 'mastodon': case 'bluesky': return r.x.weightedLength <= 23;
    case 'teams': return r.page.body.trim() === '';
    case 'phone': return r.phone.talkingPoints === '' && r.phone.qa.length === 0;
    case 'reseller': return r.reseller.text === '';
  }
}

/** Declarations that are malformed, unused-but-required-with-no-example, or missing for a used name. */
export function declarationProblems(texts: ScriptTexts, declarations: readonly VariableDeclaration[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const d of declarations) {
    if (seen.has(d.name)) problems.push({ field: `variables.${d.name}`, message: 'is declared twice' });
    seen.add(d.name);
    if (d.example.trim() === '') problems.push({ field: `variables.${d.name}`, message: 'needs an example value, so every channel can be checked' });
  }
  const used = new Set<string>();
  for (const [, template] of templateFields(texts)) {
    if (templateProblem(template) !== undefined) continue;
    for (const name of missingVariables([template], {})) used.add(name);
  }
  for (const name of used) {
    if (!seen.has(name)) problems.push({ field: `variables.${name}`, message: 'is used in the text but not declared' });
  }
  return problems;
}

/** The approval check: declarations, then every channel rendered with the example values. */
export function checkVersion(version: Pick<ScriptVersion, keyof ScriptTexts | 'variables'>, options: CheckOptions): ScriptCheck {
  const declared = declarationProblems(version, version.variables);
  const check = checkTexts(version, exampleValues(version.variables), options);
  // An undeclared name also shows as "has no value"; the declaration problem says what to do.
  const undeclared = new Set(declared.map((p) => p.field));
  return { ...check, problems: [...declared, ...check.problems.filter((p) => !undeclared.has(p.field))] };
}

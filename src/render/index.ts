import { renderEmail, type RenderedEmail } from './email';
import { renderSlack, escapeSlack, type RenderedSlack } from './slack';
import { renderSms, type SmsEncoding } from './sms';
import { fillTemplate, missingVariables, MissingVariablesError } from './template';
import { normaliseWhitespace } from './text';
import { renderXPost } from './x';
import { BLUESKY_MAX_GRAPHEMES, MASTODON_DEFAULT_MAX_CHARACTERS, blueskyLength, mastodonLength, renderSocialPost } from './social';
import { renderTeams } from './teams';

/** A likely question from a caller and the answer staff give. */
export interface PhoneQa {
  question: string;
  answer: string;
}

/**
 * One script version's text per channel, as Liquid templates. An empty text means the script
 * does not offer that channel.
 */
export interface ChannelTemplates {
  emailSubject: string;
  emailBody: string;
  sms: string;
  slack: string;
  x: string;
  /** Talking points staff read on the phone. */
  phone: string;
  phoneQa: PhoneQa[];
  /** A note resellers can forward to their own customers. */
  reseller: string;
}

export interface RenderUpdateInput {
  templates: ChannelTemplates;
  variables: Record<string, string>;
  statusLabel: string;
  brandName: string;
  statusPageUrl: string;
  /** SMS cost cap; absent means only the 1,600-character body limit applies. */
  smsMaxSegments?: number;
}

/**
 * The exact text each channel gets for one update. Stored as the update's rendered snapshot
 * (JSON), so it must stay plain data: no class instances, dates or functions.
 */
export interface RenderedUpdate {
  /** The headline and plain body, for the public status page and feed. */
  page: { title: string; body: string };
  email: RenderedEmail;
  sms: { text: string; segments: number; encoding: SmsEncoding };
  slack: RenderedSlack;
  x: { text: string; weightedLength: number };
  /** Mastodon and Bluesky post the X text (the script's social text), measured their own way. */
  mastodon: { text: string; length: number };
  bluesky: { text: string; length: number };
  /** Teams gets the status page's wording (the email's subject and body) as an Adaptive Card. */
  teams: { text: string; card: Record<string, unknown> };
  phone: { talkingPoints: string; qa: PhoneQa[] };
  reseller: { text: string };
}

/** Every template filled with plain values, except Slack, whose values are mrkdwn-escaped. */
export type FilledTexts = ChannelTemplates;

/**
 * Fills every template. Throws MissingVariablesError naming every missing variable across all
 * channels at once, or TemplateError for a template that does not parse or render.
 */
export function fillChannels(templates: ChannelTemplates, variables: Record<string, string>): FilledTexts {
  const all = [
    templates.emailSubject, templates.emailBody, templates.sms, templates.slack, templates.x, templates.phone,
    ...templates.phoneQa.flatMap((qa) => [qa.question, qa.answer]), templates.reseller,
  ];
  const missing = missingVariables(all, variables);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  const fill = (template: string): string => fillTemplate(template, variables);
  return {
    emailSubject: fill(templates.emailSubject),
    emailBody: fill(templates.emailBody),
    sms: fill(templates.sms),
    slack: fillTemplate(templates.slack, variables, escapeSlack),
    x: fill(templates.x),
    phone: fill(templates.phone),
    phoneQa: templates.phoneQa.map((qa) => ({ question: fill(qa.question), answer: fill(qa.answer) })),
    reseller: fill(templates.reseller),
  };
}

/**
 * Fills every channel's template and renders it. Values are escaped for where they land: mrkdwn
 * for Slack, HTML inside renderEmail (email templates are plain text), nothing for SMS and X.
 */
export function renderUpdate(input: RenderUpdateInput): RenderedUpdate {
  const { statusLabel, statusPageUrl } = input;
  const filled = fillChannels(input.templates, input.variables);
  const email = renderEmail({
    subject: filled.emailSubject,
    bodyText: filled.emailBody,
    statusLabel,
    brandName: input.brandName,
    statusPageUrl,
  });
  const sms = renderSms(filled.sms, { maxSegments: input.smsMaxSegments });
  // The email subject is the update's headline; a Slack header is plain_text, so it stays unescaped.
  const slack = renderSlack({ title: email.subject, body: filled.slack, statusLabel, link: statusPageUrl });
  const x = renderXPost(filled.x, { link: statusPageUrl });
  const mastodon = renderSocialPost(filled.x, { link: statusPageUrl, measure: mastodonLength, max: MASTODON_DEFAULT_MAX_CHARACTERS });
  const bluesky = renderSocialPost(filled.x, { link: statusPageUrl, measure: blueskyLength, max: BLUESKY_MAX_GRAPHEMES });
  const teams = renderTeams({ title: email.subject, body: normaliseWhitespace(filled.emailBody), statusLabel, link: statusPageUrl });
  return {
    page: { title: email.subject, body: filled.emailBody },
    email,
    sms: { text: sms.text, segments: sms.segments, encoding: sms.encoding },
    slack,
    x: { text: x.text, weightedLength: x.weightedLength },
    mastodon,
    bluesky,
    teams,
    phone: { talkingPoints: normaliseWhitespace(filled.phone), qa: filled.phoneQa.map(({ question, answer }) => ({ question: question.trim(), answer: answer.trim() })) },
    reseller: { text: filled.reseller.trim() },
  };
}

export { MissingVariablesError, TemplateError, fillTemplate, missingVariables, templateProblem, templateVariables } from './template';
export { UNSUBSCRIBE_TOKEN, escapeHtml, unsubscribeHeaders } from './email';
export { escapeSlack } from './slack';
export { smsSegments } from './sms';
export { normaliseWhitespace } from './text';
export { X_MAX_WEIGHTED_LENGTH, xPostLength, xWeightedLength } from './x';
export { BLUESKY_MAX_GRAPHEMES, MASTODON_DEFAULT_MAX_CHARACTERS, blueskyLength, mastodonLength, socialPostLength } from './social';
export { renderTeams, teamsCardTexts } from './teams';

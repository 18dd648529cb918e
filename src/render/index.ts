import { renderEmail, type RenderedEmail } from './email';
import { renderSlack, escapeSlack, type RenderedSlack } from './slack';
import { renderSms, type SmsEncoding } from './sms';
import { fillTemplate, missingVariables, MissingVariablesError } from './template';
import { renderXPost } from './x';

/** One approved script version's text per channel, with `{{name}}` placeholders. */
export interface ChannelTemplates {
  emailSubject: string;
  emailBody: string;
  sms: string;
  slack: string;
  x: string;
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
}

const plain = (s: string): string => s;

/**
 * Fills every channel's template and renders it. Values are escaped for where they land: mrkdwn
 * for Slack, HTML inside renderEmail (email templates are plain text), nothing for SMS and X.
 * Throws MissingVariablesError naming every missing variable across all channels at once.
 */
export function renderUpdate(input: RenderUpdateInput): RenderedUpdate {
  const { templates, variables, statusLabel, statusPageUrl } = input;
  const missing = missingVariables(Object.values(templates), variables);
  if (missing.length > 0) throw new MissingVariablesError(missing);

  const subject = fillTemplate(templates.emailSubject, variables, plain);
  const bodyText = fillTemplate(templates.emailBody, variables, plain);
  const email = renderEmail({
    subject,
    bodyText,
    statusLabel,
    brandName: input.brandName,
    statusPageUrl,
  });
  const sms = renderSms(fillTemplate(templates.sms, variables, plain), { maxSegments: input.smsMaxSegments });
  // The email subject is the update's headline; a Slack header is plain_text, so it stays unescaped.
  const slack = renderSlack({
    title: subject,
    body: fillTemplate(templates.slack, variables, escapeSlack),
    statusLabel,
    link: statusPageUrl,
  });
  const x = renderXPost(fillTemplate(templates.x, variables, plain), { link: statusPageUrl });
  return {
    page: { title: subject, body: bodyText },
    email,
    sms: { text: sms.text, segments: sms.segments, encoding: sms.encoding },
    slack,
    x: { text: x.text, weightedLength: x.weightedLength },
  };
}

export { MissingVariablesError, fillTemplate, templateVariables } from './template';
export { UNSUBSCRIBE_TOKEN, escapeHtml, unsubscribeHeaders } from './email';
export { escapeSlack } from './slack';
export { smsSegments } from './sms';
export { xWeightedLength } from './x';

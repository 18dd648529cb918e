/**
 * The status-update email: a plain-text part and a simple HTML part with inline styles only (mail
 * clients drop <style> and block remote assets), readable without images and by screen readers.
 */

/**
 * Stands in for the per-recipient unsubscribe URL in both parts; the email provider substitutes
 * it per recipient, so one rendered body serves a whole batch.
 */
export const UNSUBSCRIBE_TOKEN = '-unsubscribe-url-';

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** RFC 2369 + RFC 8058 one-click unsubscribe; the URL must accept a cookie-less POST. */
export function unsubscribeHeaders(url: string): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string> {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
    throw new TypeError(`Unsubscribe URL must be an absolute http(s) URL: ${url}`);
  }
  // `href` is percent-encoded, so no '>', space or line break can end the header early.
  return { 'List-Unsubscribe': `<${parsed.href}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export interface EmailInput {
  subject: string;
  /** Plain text, already filled; paragraphs separated by blank lines. */
  bodyText: string;
  statusLabel: string;
  brandName: string;
  statusPageUrl: string;
  unsubscribeUrlToken?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(input: EmailInput): RenderedEmail {
  // A subject is one header line; a line break in it would be header injection.
  const subject = input.subject.replace(/\s+/g, ' ').trim();
  const paragraphs = input.bodyText
    .replace(/\r\n?/g, '\n')
    .split(/\n[^\S\n]*\n\s*/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  const token = input.unsubscribeUrlToken ?? UNSUBSCRIBE_TOKEN;
  const text = [
    `${input.brandName} status update`,
    `Status: ${input.statusLabel}`,
    '',
    paragraphs.join('\n\n'),
    '',
    `Status page: ${input.statusPageUrl}`,
    '',
    `Unsubscribe: ${token}`,
  ].join('\n');
  return { subject, text, html: html({ ...input, subject, unsubscribeUrlToken: token }, paragraphs) };
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';

function html(input: Required<EmailInput>, paragraphs: string[]): string {
  const e = escapeHtml;
  const body = paragraphs
    .map((paragraph) => `<p style="margin:0 0 16px;">${e(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(input.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border:1px solid #d4d4d8;">
<tr><td style="padding:24px;${FONT}font-size:16px;line-height:1.5;color:#18181b;">
<p style="margin:0 0 8px;font-size:14px;color:#3f3f46;">${e(input.brandName)} status update</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#18181b;">${e(input.subject)}</h1>
<p style="margin:0 0 16px;"><strong>Status:</strong> ${e(input.statusLabel)}</p>
${body}
<p style="margin:24px 0 0;"><a href="${e(input.statusPageUrl)}" style="color:#1d4ed8;text-decoration:underline;">View the status page</a></p>
</td></tr>
</table>
<p style="margin:16px 0 0;${FONT}font-size:13px;line-height:1.5;color:#52525b;">You receive this because you subscribed to ${e(input.brandName)} status updates. <a href="${e(input.unsubscribeUrlToken)}" style="color:#52525b;text-decoration:underline;">Unsubscribe</a></p>
</td></tr>
</table>
</body>
</html>
`;
}

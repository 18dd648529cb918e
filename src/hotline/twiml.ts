/** TwiML, the XML Twilio reads back from a webhook: every text is escaped, so a reply is always valid XML. */

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than escaped.
  return text.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/[<>&'"]/g, (c) => XML_ENTITIES[c] ?? c);
}

/** An SMS reply; no text answers nothing. */
export function messageReply(text: string | null): string {
  return text === null ? '<Response/>' : `<Response><Message>${escapeXml(text)}</Message></Response>`;
}

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signTwilio } from '../../src/channels/webhook-signatures';
import { createComponent } from '../../src/components/component.repository';
import { approve, createScript, DEFAULT_SCRIPT_RULES } from '../../src/scripts/script.service';
import type { TestCrier } from './crier';
import { buildComponent, buildDraft } from './factories';

/** A form post to one of Crier's Twilio webhooks, signed as Twilio signs it (or not, with null). */
export function postTwilio(t: TestCrier, path: string, params: Record<string, string>, signature: string | null = signTwilio(t.sandbox.twilio.authToken, t.crier.url() + path, params)): Promise<Response> {
  return fetch(t.crier.url() + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    body: new URLSearchParams(params).toString(),
  });
}

/**
 * The prepared "investigating" notice a text or a call relies on: approved, and filled from what
 * Crier knows (the service from the component, the next update from the clock). Its key is not
 * the starter library's, which stays a draft.
 */
export async function approvedInvestigatingNotice(t: TestCrier, overrides: Parameters<typeof buildDraft>[0] = {}): Promise<number> {
  return approvedNotice(t, `text-investigating-${Date.now()}`, 'Investigating (first notice)', overrides);
}

/** An approved script with the test draft's texts; its key and name say what it is for. */
export async function approvedNotice(t: TestCrier, key: string, name: string, overrides: Parameters<typeof buildDraft>[0] = {}): Promise<number> {
  const { draft } = await createScript(t.store.db, { key, name, situation: key.includes('resolved') ? 'resolved' : 'investigating' }, 'user:1', buildDraft(overrides));
  if (!draft) throw new Error('no draft');
  await approve(t.store.db, draft.id, 'user:2', DEFAULT_SCRIPT_RULES);
  return draft.id;
}

export async function checkoutComponent(t: TestCrier): Promise<void> {
  await createComponent(t.store.db, buildComponent({ key: 'checkout', name: 'Checkout' }));
}

/** The parsed TwiML document; throws when the answer is not well-formed XML. */
export function parseTwiml(xml: string): Record<string, unknown> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not valid XML: ${valid.err.msg} in ${xml}`);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'Say' }).parse(xml) as Record<string, unknown>;
}

/** The text of an SMS reply's <Message>, or null for an empty <Response/>. */
export function replyText(xml: string): string | null {
  const doc = parseTwiml(xml) as { Response?: { Message?: string } | '' };
  return typeof doc.Response === 'object' ? doc.Response.Message ?? null : null;
}

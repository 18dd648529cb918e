import { sendgridRecipients } from '../../src/channels/sandbox/sendgrid.fake';
import type { TestCrier } from './crier';
import { WebClient } from './session';

export const mailTo = (t: TestCrier, address: string) => sendgridRecipients(t.sandbox.sendgrid).filter((m) => m.to.includes(address));
export const linkIn = (text: string, kind: 'confirm' | 'manage') => new RegExp(`(/subscribe/${kind}/[A-Za-z0-9_-]{43})`).exec(text)?.[1] as string;

/** Subscribes a webhook on the public form, confirms it from the contact email, returns the secret and manage link shown once. */
export async function subscribeWebhook(t: TestCrier, path: string, contactEmail: string): Promise<{ url: string; secret: string; manage: string }> {
  const url = `${t.sandbox.webhook.url}${path}`;
  const visitor = new WebClient(t.crier.url());
  await visitor.page('/subscribe');
  const res = await visitor.post('/subscribe', { channel: 'webhook', address: url, contact_email: contactEmail });
  if (res.status !== 200) throw new Error(`subscribing ${url} answered ${res.status}`);
  const confirm = linkIn(mailTo(t, contactEmail).at(-1)?.text ?? '', 'confirm');
  await visitor.page(confirm);
  const confirmed = await (await visitor.post(confirm)).text();
  const secret = /<pre class="webhook-secret">(whsec_[A-Za-z0-9_-]{43})<\/pre>/.exec(confirmed)?.[1] as string;
  if (!secret) throw new Error('the confirmation page showed no secret');
  return { url, secret, manage: linkIn(confirmed, 'manage') };
}


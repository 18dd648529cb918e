import type { SubscribeResult } from './self-service';

/**
 * The one message a subscription request sends: the confirmation link while pending, or the
 * manage link for an address already confirmed. A webhook's goes to its contact email and names
 * the URL, so the person confirming knows what they are turning on.
 */
export function subscribeMessage(brand: string, baseUrl: string, result: SubscribeResult, channel: string): { subject: string; text: string } {
  if (result.state === 'confirmed') {
    return { subject: `Your ${brand} status updates`, text: `You already get ${brand} status updates here. Change or stop them: ${baseUrl}/subscribe/manage/${result.token}` };
  }
  const confirm = `${baseUrl}/subscribe/confirm/${result.token}`;
  if (result.notify.channel === 'sms') {
    return { subject: `Confirm: ${brand} status updates`, text: `${brand}: reply YES to get status texts, or confirm at ${confirm} (48 h). Not you? Ignore this.` };
  }
  const what = channel === 'webhook' ? `${brand} status updates posted as signed JSON to the webhook ${result.address}` : `${brand} status updates here`;
  return {
    subject: `Confirm: ${brand} status updates`,
    text: `Someone, hopefully you, asked to get ${what}.\n\nConfirm: ${confirm}\n\nThe link works for 48 hours. If this was not you, ignore this message: nothing more will be sent.`,
  };
}

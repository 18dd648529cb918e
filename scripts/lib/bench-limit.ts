import { closeTwilioClient, createTwilioClient } from '../../src/channels/sms-twilio.provider';
import type { FakeHost } from './bench-fakes';
import { phoneFor, SCRIPT_VARIABLES } from './seed';

/**
 * What the SMS fake allows at all: the same number of messages as the lane sent, through the same
 * SDK client (createTwilioClient, keep-alive, same socket limit), at the lane's concurrency, by a
 * bare loop with no store, no claims and no settling. The lane is judged against this.
 */
export interface SmsLimit {
  perSecond: number;
  seconds: number;
  requests: number;
  concurrency: number;
}

export async function measureSmsLimit(fakes: FakeHost, options: { messages: number; concurrency: number; validitySeconds: number }): Promise<SmsLimit> {
  const { urls, twilio } = fakes.ready;
  const client = createTwilioClient({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiUrl: urls.twilio, concurrency: options.concurrency });
  // The provider's parameters, so request and reply sizes match the lane's.
  const body = `${SCRIPT_VARIABLES.service}: ${SCRIPT_VARIABLES.summary}. Next update by ${SCRIPT_VARIABLES.next_update}.`;
  await fakes.clear();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.messages) {
      next += 1;
      await client.messages.create({
        to: phoneFor(next), from: '+15005550006', body, validityPeriod: options.validitySeconds,
        statusCallback: `http://127.0.0.1:9/webhooks/twilio/status?deliveryId=${next}`,
      });
    }
  };
  const started = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    closeTwilioClient(client);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { twilio: requests } = await fakes.counts();
  return { perSecond: options.messages / seconds, seconds, requests, concurrency: options.concurrency };
}

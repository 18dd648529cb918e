import type { Config } from '../config';
import { FailoverChain, type FailoverOptions } from './failover';
import type { Channel, Provider } from './provider';
import { Sandbox } from './sandbox';
import type { ChannelCheck } from '../checks/channel-check';
import { SendgridEmailProvider, createSendgridClient, createSendgridMail, sendgridAgent } from './email-sendgrid.provider';
import { blueskyCheck, mastodonCheck, sendgridCheck, slackCheck, smtpCheck, twilioCheck, xCheck } from './provider-checks';
import { SmtpEmailProvider, createSmtpTransport } from './email-smtp.provider';
import { SlackWebApiProvider, createSlackClient } from './slack-webapi.provider';
import { SlackWebhookProvider } from './slack-webhook.provider';
import { TwilioSmsProvider, closeTwilioClient, createTwilioClient } from './sms-twilio.provider';
import { WebhookHttpProvider } from './webhook-http.provider';
import { XPostProvider, closeXClient, createXClient } from './x-twitter.provider';
import { MastodonPostProvider, createMastodonClient } from './social-mastodon.provider';
import { BlueskyPostProvider, createBlueskyAgent } from './bluesky-atproto.provider';
import { TeamsWebhookProvider } from './teams-webhook.provider';

/**
 * Picks each channel's providers from the config: live where credentials are given, the
 * loopback sandbox fake where not. Every lane gets SDK clients of its own.
 */
export interface ChannelSet {
  chains: Record<Channel, FailoverChain>;
  /** Which channels run against the sandbox fakes. */
  sandboxed: Channel[];
  /** A credentials check per provider that has an account (incoming webhooks have none). */
  checks: ChannelCheck[];
  close(): Promise<void>;
}

export interface ChannelSetOptions {
  config: Config;
  sandbox?: Sandbox;
  publicUrl(): string;
  failover: FailoverOptions;
}

export function liveChannels(config: Config): Record<Channel, boolean> {
  return {
    email: Boolean(config.SENDGRID_API_KEY || config.SMTP_URL),
    sms: Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM),
    slack: Boolean(config.SLACK_BOT_TOKEN),
    x: Boolean(config.X_APP_KEY && config.X_APP_SECRET && config.X_ACCESS_TOKEN && config.X_ACCESS_SECRET),
    // Webhooks need no account: they always go to the subscribers' own URLs (in the sandbox, to
    // the webhook fake when ALLOW_LOOPBACK_WEBHOOKS lets subscribers point there).
    webhook: true,
    mastodon: Boolean(config.MASTODON_URL && config.MASTODON_ACCESS_TOKEN),
    bluesky: Boolean(config.BLUESKY_IDENTIFIER && config.BLUESKY_APP_PASSWORD),
    // Teams has no account: subscribers' webhook URLs are posted to for real once this is set.
    teams: config.TEAMS_WEBHOOKS_LIVE,
  };
}

export function buildChannels({ config: c, sandbox, publicUrl, failover }: ChannelSetOptions): ChannelSet {
  const live = liveChannels(c);
  const fake = (): Sandbox => {
    if (!sandbox) throw new Error('a channel without credentials needs the sandbox');
    return sandbox;
  };
  const closers: (() => Promise<void> | void)[] = [];
  const checks: ChannelCheck[] = [];

  const email: Provider[] = [];
  if (!live.email || c.SENDGRID_API_KEY) {
    const baseUrl = live.email ? c.SENDGRID_API_URL ?? 'https://api.sendgrid.com' : fake().sendgrid.url;
    // One keep-alive agent for the mail client and its check, destroyed with the channels.
    const agent = sendgridAgent(baseUrl);
    closers.push(() => agent.destroy());
    const sendgrid = { apiKey: c.SENDGRID_API_KEY ?? Sandbox.credentials.sendgridApiKey, baseUrl, agent, timeoutMs: c.PROVIDER_TIMEOUT_MS };
    email.push(new SendgridEmailProvider(createSendgridMail(sendgrid), { from: c.EMAIL_FROM }));
    checks.push(sendgridCheck(createSendgridClient(sendgrid)));
  }
  if (!live.email || c.SMTP_URL) {
    const transport = createSmtpTransport(live.email && c.SMTP_URL ? c.SMTP_URL : fake().smtp.url, { maxConnections: c.LANE_EMAIL_CONCURRENCY });
    email.push(new SmtpEmailProvider(transport, { from: c.EMAIL_FROM }));
    checks.push(smtpCheck(transport));
    closers.push(() => transport.close());
  }

  const twilio = live.sms
    ? createTwilioClient({ accountSid: c.TWILIO_ACCOUNT_SID as string, authToken: c.TWILIO_AUTH_TOKEN as string, apiUrl: c.TWILIO_API_URL ?? 'https://api.twilio.com', concurrency: c.LANE_SMS_CONCURRENCY })
    : createTwilioClient({ accountSid: fake().twilio.accountSid, authToken: fake().twilio.authToken, apiUrl: fake().twilio.url, concurrency: c.LANE_SMS_CONCURRENCY });
  closers.push(() => closeTwilioClient(twilio));
  checks.push(twilioCheck(twilio, live.sms ? c.TWILIO_ACCOUNT_SID as string : fake().twilio.accountSid));
  const sms = new TwilioSmsProvider(twilio, {
    from: c.TWILIO_FROM ?? '+15005550006',
    statusCallbackUrl: (id) => `${publicUrl()}/webhooks/twilio/status?deliveryId=${id}`,
  });

  const slackApi = createSlackClient({ token: c.SLACK_BOT_TOKEN ?? Sandbox.credentials.slackBotToken, apiUrl: live.slack ? c.SLACK_API_URL ?? 'https://slack.com' : fake().slack.url, timeoutMs: c.PROVIDER_TIMEOUT_MS });
  // In the sandbox, subscribers' webhook URLs are delivered to the fake instead of Slack.
  const webhook = new SlackWebhookProvider({ timeoutMs: c.PROVIDER_TIMEOUT_MS, redirectTo: live.slack ? undefined : fake().slack.url });
  closers.push(() => webhook.close());
  checks.push(slackCheck(slackApi));

  const xClient = live.x
    ? createXClient({ appKey: c.X_APP_KEY as string, appSecret: c.X_APP_SECRET as string, accessToken: c.X_ACCESS_TOKEN as string, accessSecret: c.X_ACCESS_SECRET as string, apiUrl: c.X_API_URL ?? 'https://api.x.com' })
    : createXClient({ ...Sandbox.credentials.x, apiUrl: fake().x.url });
  closers.push(() => closeXClient(xClient));
  checks.push(xCheck(xClient));

  // The endpoint's own timeout fires before the lane's, so a slow subscriber is its own fault.
  const webhooks = new WebhookHttpProvider({ allowLoopback: c.ALLOW_LOOPBACK_WEBHOOKS, timeoutMs: Math.max(1, Math.floor(c.PROVIDER_TIMEOUT_MS * 0.9)) });
  closers.push(() => webhooks.close());

  const mastodonClient = createMastodonClient(live.mastodon
    ? { url: c.MASTODON_URL as string, accessToken: c.MASTODON_ACCESS_TOKEN as string, timeoutMs: c.PROVIDER_TIMEOUT_MS }
    : { url: fake().mastodon.url, accessToken: Sandbox.credentials.mastodonAccessToken, timeoutMs: c.PROVIDER_TIMEOUT_MS });
  const mastodon = new MastodonPostProvider(mastodonClient);
  checks.push(mastodonCheck(mastodonClient));
  const bluesky = live.bluesky
    ? new BlueskyPostProvider(createBlueskyAgent({ service: c.BLUESKY_SERVICE, timeoutMs: c.PROVIDER_TIMEOUT_MS }), { identifier: c.BLUESKY_IDENTIFIER as string, password: c.BLUESKY_APP_PASSWORD as string })
    : new BlueskyPostProvider(createBlueskyAgent({ service: fake().bluesky.url, timeoutMs: c.PROVIDER_TIMEOUT_MS }), Sandbox.credentials.bluesky);
  checks.push(blueskyCheck(bluesky));
  const teams = new TeamsWebhookProvider({ timeoutMs: c.PROVIDER_TIMEOUT_MS, allowLoopback: c.ALLOW_LOOPBACK_WEBHOOKS, redirectTo: live.teams ? undefined : fake().teams.url });
  closers.push(() => teams.close());

  const chain = (providers: Provider[]) => new FailoverChain(providers, failover);
  return {
    chains: {
      email: chain(email), sms: chain([sms]), slack: chain([new SlackWebApiProvider(slackApi), webhook]), x: chain([new XPostProvider(xClient)]), webhook: chain([webhooks]),
      mastodon: chain([mastodon]), bluesky: chain([bluesky]), teams: chain([teams]),
    },
    sandboxed: (Object.keys(live) as Channel[]).filter((ch) => !live[ch]),
    checks,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}

import type { FakeServer, FakeServerOptions } from './fake-server';
import { createSendgridFake } from './sendgrid.fake';
import { createSlackFake } from './slack.fake';
import { SmtpFake } from './smtp.fake';
import { createTwilioFake, type TwilioFake } from './twilio.fake';
import { createWebhookFake, type WebhookFake } from './webhook.fake';
import { createXFake, type XFake } from './x.fake';
import { createMastodonFake, type MastodonFake } from './mastodon.fake';
import { createBlueskyFake, type BlueskyFake } from './bluesky.fake';
import { createTeamsFake } from './teams.fake';

/**
 * Every provider fake on loopback, started together. A channel without credentials sends here,
 * so a new user sees the whole flow work with no accounts; tests and the benchmark use the same
 * fakes with faults injected.
 */
export class Sandbox {
  readonly sendgrid: FakeServer;
  readonly smtp: SmtpFake;
  readonly twilio: TwilioFake;
  readonly slack: FakeServer;
  readonly x: XFake;
  /** A subscriber's webhook receiver: with ALLOW_LOOPBACK_WEBHOOKS, subscribers can point here. */
  readonly webhook: WebhookFake;
  readonly mastodon: MastodonFake;
  readonly bluesky: BlueskyFake;
  readonly teams: FakeServer;

  constructor(options: FakeServerOptions = {}) {
    this.sendgrid = createSendgridFake(options);
    this.smtp = new SmtpFake();
    this.twilio = createTwilioFake(options);
    this.slack = createSlackFake(options);
    this.x = createXFake(options);
    this.webhook = createWebhookFake(options);
    this.mastodon = createMastodonFake(options);
    this.bluesky = createBlueskyFake(options);
    this.teams = createTeamsFake(options);
  }

  async start(): Promise<this> {
    await Promise.all([this.sendgrid.start(), this.smtp.start(), this.twilio.start(), this.slack.start(), this.x.start(), this.webhook.start(),
      this.mastodon.start(), this.bluesky.start(), this.teams.start()]);
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.sendgrid.stop(), this.smtp.stop(), this.twilio.stop(), this.slack.stop(), this.x.stop(), this.webhook.stop(),
      this.mastodon.stop(), this.bluesky.stop(), this.teams.stop()]);
  }

  /** The fakes' credentials: any well-formed value passes them. */
  static readonly credentials = {
    sendgridApiKey: 'SG.sandbox',
    slackBotToken: 'xoxb-sandbox',
    x: { appKey: 'sandbox', appSecret: 'sandbox', accessToken: 'sandbox', accessSecret: 'sandbox' },
    mastodonAccessToken: 'sandbox',
    bluesky: { identifier: 'crier.bsky.social', password: 'sandbox-app-password' },
  } as const;
}

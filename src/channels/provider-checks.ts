import type { Client } from '@sendgrid/client';
import type { WebClient } from '@slack/web-api';
import type { Transporter } from 'nodemailer';
import type twilio from 'twilio';
import type { TwitterApi } from 'twitter-api-v2';
import type { mastodon } from 'masto';
import type { ChannelCheck } from '../checks/channel-check';
import type { BlueskyPostProvider } from './bluesky-atproto.provider';

/**
 * One credentials check per provider, over the SDK client the channel already has, so the check
 * asks exactly the account and base URL the lane sends through. None of them sends a message.
 */

export function sendgridCheck(client: Client): ChannelCheck {
  return {
    provider: 'email-sendgrid', channel: 'email',
    async run() {
      const [response, body] = await client.request({ method: 'GET', url: '/v3/scopes' });
      const scopes = (body as { scopes?: unknown } | undefined)?.scopes;
      const list = Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
      if (!list.includes('mail.send')) throw new Error(`the API key lacks the mail.send scope (HTTP ${response.statusCode})`);
      return `API key with ${list.length} scopes, mail.send among them`;
    },
  };
}

export function smtpCheck(transport: Pick<Transporter, 'verify'>): ChannelCheck {
  return {
    provider: 'email-smtp', channel: 'email',
    async run() {
      await transport.verify();
      return 'server greeted and accepted the login';
    },
  };
}

export function twilioCheck(client: twilio.Twilio, accountSid: string): ChannelCheck {
  return {
    provider: 'sms-twilio', channel: 'sms',
    async run() {
      const account = await client.api.v2010.accounts(accountSid).fetch();
      if (account.status !== 'active') throw new Error(`the account is ${account.status}`);
      return `account ${account.friendlyName || account.sid} is active`;
    },
  };
}

export function slackCheck(client: Pick<WebClient, 'auth'>): ChannelCheck {
  return {
    provider: 'slack-webapi', channel: 'slack',
    async run() {
      const who = await client.auth.test();
      return `signed in as ${who.user ?? 'the bot'} in ${who.team ?? 'the workspace'}`;
    },
  };
}

export function xCheck(client: TwitterApi): ChannelCheck {
  return {
    provider: 'x-twitter', channel: 'x',
    async run() {
      const me = await client.v2.me();
      return `signed in as @${me.data.username}`;
    },
  };
}

export function mastodonCheck(client: mastodon.rest.Client): ChannelCheck {
  return {
    provider: 'mastodon-masto', channel: 'mastodon',
    async run() {
      const me = await client.v1.accounts.verifyCredentials();
      return `signed in as @${me.acct}`;
    },
  };
}

export function blueskyCheck(provider: Pick<BlueskyPostProvider, 'whoAmI'>): ChannelCheck {
  return {
    provider: 'bluesky-atproto', channel: 'bluesky',
    async run() {
      return `signed in as @${await provider.whoAmI()}`;
    },
  };
}

import { Router } from 'express';
import type { Sandbox } from '../channels/sandbox';
import { sendgridRecipients } from '../channels/sandbox/sendgrid.fake';
import { slackPosts, slackWebhookPosts } from '../channels/sandbox/slack.fake';
import { teamsCards } from '../channels/sandbox/teams.fake';
import { rules, type Allow } from './access';
import { sandboxPage } from './views/sandbox.view';

const LIMIT = 200;

/** What each sandbox fake received, newest first: the proof, without accounts, that a send works. */
export function inbox(sandbox: Sandbox) {
  const last = <T>(items: T[]): T[] => items.slice(-LIMIT).reverse();
  return {
    email: last(sendgridRecipients(sandbox.sendgrid).map((m) => ({ via: 'email-sendgrid', to: m.to.join(', '), subject: m.subject, text: m.text }))
      .concat(sandbox.smtp.received.map((m) => ({ via: 'email-smtp', to: m.to.join(', '), subject: m.subject, text: m.text })))),
    sms: last(sandbox.twilio.messages().map((m) => ({ via: 'sms-twilio', to: m.to, text: m.body }))),
    slack: last([
      ...slackPosts(sandbox.slack).map((p) => ({ via: 'slack-webapi', to: p.channel, text: p.text })),
      ...slackWebhookPosts(sandbox.slack).map((p) => ({ via: 'slack-webhook', to: p.path, text: p.text })),
    ]),
    x: last(sandbox.x.posts().map((p) => ({ via: 'x-twitter', to: p.replyTo ? `reply to ${p.replyTo}` : 'new thread', text: p.text }))),
    webhook: last(sandbox.webhook.posts().map((p) => ({ via: 'webhook-http', to: p.path, text: JSON.stringify(p.body, null, 2) ?? '' }))),
    mastodon: last(sandbox.mastodon.posts().map((p) => ({ via: 'mastodon-masto', to: p.replyTo ? `reply to ${p.replyTo}` : 'new thread', text: p.text }))),
    bluesky: last(sandbox.bluesky.posts().map((p) => ({ via: 'bluesky-atproto', to: p.reply ? `reply to ${p.reply.parent.uri}` : 'new thread', text: p.text }))),
    teams: last(teamsCards(sandbox.teams).map((c) => ({ via: 'teams-webhook', to: c.path, text: c.texts.join('\n\n') }))),
  };
}

export type Inbox = ReturnType<typeof inbox>;

export function sandboxRoutes(sandbox: Sandbox, allow: Allow): Router {
  const router = Router();
  router.get('/inbox.json', allow(rules.need('sandbox:read')), (_req, res) => {
    res.json(inbox(sandbox));
  });
  router.get('/', allow(rules.need('sandbox:read')), (_req, res) => {
    res.type('html').send(sandboxPage(inbox(sandbox)));
  });
  return router;
}

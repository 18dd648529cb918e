import type { OutboundMessage } from '../../../src/channels/provider';
import type { FakeServer } from '../../../src/channels/sandbox/fake-server';
import { createTeamsFake, teamsCards } from '../../../src/channels/sandbox/teams.fake';
import { TeamsWebhookProvider } from '../../../src/channels/teams-webhook.provider';
import { teamsWebhookProblem } from '../../../src/channels/teams-url';
import { renderTeams } from '../../../src/render';
import { rejection } from '../../support/provider-errors';
import { resetFakeBetweenTests } from '../../support/fake-hooks';

const HOOK = '/webhookb2/0b1c@9d8e/IncomingWebhook/abc123/f00d';
const signal = (): AbortSignal => AbortSignal.timeout(5_000);
// Let the keep-alive agent see its pooled socket close; reusing it would give ECONNRESET, not a refusal.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('[B5] TeamsWebhookProvider against the Teams fake', () => {
  let fake: FakeServer;
  let provider: TeamsWebhookProvider;
  const card = renderTeams({ title: 'Checkout: payments failing', statusLabel: 'Investigating', body: 'We see failures.\n\nNext update by 14:30 UTC.', link: 'https://status.example.com/status' });
  const buildMessage = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
    deliveryId: 3, channel: 'teams', address: `https://contoso.webhook.office.com${HOOK}`, subject: 'Checkout: payments failing', text: card.text, card: card.card, contentKey: 'b1:teams', ...overrides,
  });

  beforeAll(async () => {
    fake = await createTeamsFake({ removed: ['/webhookb2/deleted/IncomingWebhook/x/y'] }).start();
    provider = new TeamsWebhookProvider({ timeoutMs: 2_000, allowLoopback: false, redirectTo: fake.url });
  });

  resetFakeBetweenTests(() => fake, () => provider.close());

  it('[B5] when a card is posted, then the webhook path gets a message with one Adaptive Card whose text runs show title, status and paragraphs, and a Status page button', async () => {
    const [outcome] = await provider.send([buildMessage()], signal());

    expect(outcome).toEqual({ ok: true });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({ method: 'POST', path: HOOK });
    expect(fake.received[0]?.headers['content-type']).toBe('application/json');
    const posted = JSON.parse(fake.received[0]?.rawBody ?? '') as { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    expect(posted.type).toBe('message');
    expect(posted.attachments).toHaveLength(1);
    expect(posted.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(posted.attachments[0]?.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4', actions: [{ type: 'Action.OpenUrl', title: 'Status page', url: 'https://status.example.com/status' }] });
    expect(teamsCards(fake)[0]?.texts).toEqual(['Checkout: payments failing', 'Investigating', 'We see failures.', 'Next update by 14:30 UTC.']);
  });

  it('[B5] when a value holds markdown, then it is sent as a literal text run, never a TextBlock that Teams would turn into a link', () => {
    const { card: c } = renderTeams({ title: 'T', body: '[click me](https://evil.example)' });
    const json = JSON.stringify(c);
    expect(json).not.toContain('"type":"TextBlock"');
    expect(json).toContain('"type":"TextRun","text":"[click me](https://evil.example)"');
  });

  it('[B5] when a message has no card (a subscription confirmation), then one is built from its subject and text', async () => {
    await provider.send([buildMessage({ card: undefined, subject: 'Confirm: Crier status updates', text: 'Confirm: https://x.example/c' })], signal());
    expect(teamsCards(fake)[0]?.texts).toEqual(['Confirm: Crier status updates', 'Confirm: https://x.example/c']);
  });

  it('[B5] when the URL is a Power Automate workflow, then its 202 counts as accepted', async () => {
    const [outcome] = await provider.send([buildMessage({ address: 'https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x' })], signal());
    expect(outcome).toEqual({ ok: true });
    expect(fake.received[0]?.path).toBe('/workflows/abc/triggers/manual/paths/invoke?sig=x');
  });

  it.each([404, 410])('[B5] when the webhook answers %i, then the error is permanent and the address is at fault (quarantined)', async (status) => {
    await fake.setFault({ status, body: 'Webhook not found' });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: String(status), providerId: 'teams-webhook' });
  });

  it('[B5] when the connector was deleted, then the fake answers 404 as Teams does', async () => {
    const err = await rejection(provider.send([buildMessage({ address: 'https://contoso.webhook.office.com/webhookb2/deleted/IncomingWebhook/x/y' })], signal()));
    expect(err).toMatchObject({ retryable: false, recipientFault: true, code: '404' });
  });

  it.each([400, 401, 403, 413])('[B5] when the webhook answers %i, then the error is permanent but the address is kept', async (status) => {
    await fake.setFault({ status, body: 'Bad payload' });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: false, recipientFault: false, code: String(status) });
  });

  it('[B5] when the webhook answers 429 with Retry-After, then the error is retryable after that wait', async () => {
    await fake.setFault({ status: 429, headers: { 'retry-after': '7' }, body: 'Too many requests' });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429', retryAfterMs: 7_000 });
  });

  it('[B5] when the legacy connector wraps a throttle in a 200, then it is read as the 429 it is', async () => {
    await fake.setFault({ status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0' });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: '429' });
  });

  it.each([500, 503])('[B5] when the webhook answers %i, then the error is retryable and the card may have arrived', async (status) => {
    await fake.setFault({ status, body: 'oops' });
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, maybeSent: true, code: String(status) });
  });

  it('[B5] when the connection is refused, then the error is retryable and nothing was posted', async () => {
    await provider.send([buildMessage()], signal());
    await fake.setFault({ refuse: true });
    await settle();
    const err = await rejection(provider.send([buildMessage()], signal()));
    expect(err).toMatchObject({ retryable: true, code: 'ECONNREFUSED', maybeSent: false });
  });

  it('[B5] when the webhook hangs, then the lane abort rejects promptly with a retryable maybe-sent error', async () => {
    await fake.setFault({ hang: true });
    const started = Date.now();
    const err = await rejection(provider.send([buildMessage()], AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ retryable: true, code: 'timeout', maybeSent: true });
  });
});

describe('[B5] Teams webhook URLs', () => {
  it.each([
    'https://contoso.webhook.office.com/webhookb2/0b1c@9d8e/IncomingWebhook/abc/f00d',
    'https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x',
    'https://default1234.56.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke',
  ])('[B5] when the URL is %s, then it is accepted', (url) => {
    expect(teamsWebhookProblem(url, { allowLoopback: false })).toBeNull();
  });

  it.each([
    ['http://contoso.webhook.office.com/webhookb2/abcdefgh', 'https://'],
    ['https://webhook.office.com.evil.example/webhookb2/abcdefgh', 'webhook.office.com'],
    ['https://evil.example/contoso.webhook.office.com/webhookb2', 'webhook.office.com'],
    ['https://user:pw@contoso.webhook.office.com/webhookb2/abcdefgh', 'user name'],
    ['https://contoso.webhook.office.com:8443/webhookb2/abcdefgh', 'port'],
    ['https://contoso.webhook.office.com/', 'path'],
    ['http://127.0.0.1:9000/webhookb2/x', 'https://'],
    ['not a url', 'Teams webhook URL'],
  ])('[B5] when the URL is %s, then it is refused naming why', (url, why) => {
    expect(teamsWebhookProblem(url, { allowLoopback: false })).toContain(why);
  });

  it('[B5] when loopback webhooks are allowed (sandbox, tests), then a loopback http URL is accepted', () => {
    expect(teamsWebhookProblem('http://127.0.0.1:9000/webhookb2/x', { allowLoopback: true })).toBeNull();
  });
});

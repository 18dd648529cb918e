import { teamsCards } from '../../../src/channels/sandbox/teams.fake';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { WebClient } from '../../support/session';

const HOOK = 'https://contoso.webhook.office.com/webhookb2/0b1c@9d8e/IncomingWebhook/abc123/f00d';

describe('[B5] subscribing a Microsoft Teams channel', () => {
  let t: TestCrier;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 1, overrides: { rateLimits: { publicForms: 1000 } } });
  });
  afterAll(async () => { await t?.stop(); });

  async function subscribe(address: string): Promise<{ status: number; html: string }> {
    const visitor = new WebClient(t.crier.url());
    await visitor.page('/subscribe');
    const body = new URLSearchParams({ _csrf: visitor.csrf, channel: 'teams', address });
    const res = await fetch(`${t.crier.url()}/subscribe`, { method: 'POST', headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body });
    return { status: res.status, html: await res.text() };
  }

  it('[B5] when the form offers channels, then Microsoft Teams is one of them', async () => {
    const page = await new WebClient(t.crier.url()).page('/subscribe');
    expect(page.html).toContain('value="teams"');
  });

  it('[B5] when a visitor gives a Teams webhook URL, then the confirmation goes to that channel as a card and the subscription waits for it', async () => {
    const res = await subscribe(HOOK);
    expect(res.status).toBe(200);
    expect(res.html).toContain('your Teams channel');
    const cards = teamsCards(t.sandbox.teams);
    expect(cards.map((c) => c.path)).toEqual(['/webhookb2/0b1c@9d8e/IncomingWebhook/abc123/f00d']);
    expect(cards[0]?.texts[0]).toBe('Confirm: Crier status updates');
    expect(cards[0]?.texts.join('\n')).toMatch(/\/subscribe\/confirm\/[A-Za-z0-9_-]{43}/);
    const sub = await t.store.db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id')
      .select(['consent', 'addresses.channel as channel']).where('addresses.address', '=', HOOK).executeTakeFirstOrThrow();
    expect(sub).toEqual({ consent: 'pending', channel: 'teams' });
  });

  it.each([
    ['https://hooks.example.net/webhookb2/abcdefgh', 'webhook.office.com'],
    ['http://contoso.webhook.office.com/webhookb2/abcdefgh', 'https://'],
    ['http://127.0.0.1:8080/webhookb2/abcdefgh', 'https://'],
  ])('[B5] when the URL is %s, then the form refuses it naming the address and stores nothing', async (url, why) => {
    const before = await t.store.db.selectFrom('addresses').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const res = await subscribe(url);
    expect(res.status).toBe(400);
    expect(res.html).toContain('data-field="address"');
    expect(res.html).toContain(why);
    const after = await t.store.db.selectFrom('addresses').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

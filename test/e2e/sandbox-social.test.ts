import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { createAccount, PASSWORD, signedIn } from '../support/session';

describe('[B5] sandbox inbox for Mastodon, Bluesky and Teams', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 2, teamsWebhooks: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[B5] when an update goes out on the new channels with no credentials, then the inbox JSON and page show each fake\'s posts, escaped', async () => {
    const summary = '<img src=x onerror="window.pwned=1"> payments fail';
    const { broadcastId } = await t.publish({ channels: ['mastodon', 'bluesky', 'teams'], variables: { service: 'Checkout', summary, next_update: '15:00 UTC' } });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);

    const comms = await signedIn(t.store, t.crier.url(), 'comms');
    const inbox = (await (await comms.request('GET', '/sandbox/inbox.json', { headers: { accept: 'application/json' } })).json()) as Record<string, { via: string; to: string; text: string }[]>;
    expect(inbox.mastodon).toEqual([{ via: 'mastodon-masto', to: 'new thread', text: expect.stringContaining(summary) }]);
    expect(inbox.bluesky).toEqual([{ via: 'bluesky-atproto', to: 'new thread', text: expect.stringContaining(summary) }]);
    expect(inbox.teams?.map((m) => m.via)).toEqual(['teams-webhook', 'teams-webhook']);
    expect(inbox.teams?.[0]?.text).toContain(summary);

    const { email } = await createAccount(t.store, 'comms');
    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signInThrough(page, `${t.crier.url()}/sandbox`, email, PASSWORD);
    for (const [section, rows] of [['Mastodon', 1], ['Bluesky', 1], ['Teams', 2]] as const) {
      const found = page.locator(`h2:has-text("${section}") + table tbody tr`);
      expect(await found.count()).toBe(rows);
      expect(await found.first().textContent()).toContain(summary);
    }
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });
});

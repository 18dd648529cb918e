import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { DEFAULT_DIALECT } from '../support/stores';
import { createAccount, PASSWORD, signedIn } from '../support/session';

describe('sandbox inbox', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 2 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('when an update goes out with no credentials, then the inbox JSON and page show what each fake received, escaped', async () => {
    const summary = '<img src=x onerror="window.pwned=1"> payments fail';
    const { broadcastId } = await t.publish({ variables: { service: 'Checkout', summary, next_update: '15:00 UTC' } });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);

    const comms = await signedIn(t.store, t.crier.url(), 'comms');
    expect((await fetch(`${t.crier.url()}/sandbox/inbox.json`)).status).toBe(401);
    const inbox = (await (await comms.request('GET', '/sandbox/inbox.json', { headers: { accept: 'application/json' } })).json()) as Record<string, { via: string; to: string; text: string }[]>;
    expect(inbox.sms?.map((m) => m.to).sort()).toEqual([...t.audience.sms].sort());
    expect(inbox.email?.map((m) => m.to).sort()).toEqual([...t.audience.email].sort());
    expect(inbox.slack).toHaveLength(2);
    expect(inbox.x).toHaveLength(1);
    expect(inbox.sms?.[0]?.text).toContain(summary);

    // The inbox shows recipients' addresses, so the browser must sign in first and is sent back.
    const { email } = await createAccount(t.store, 'comms');
    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signInThrough(page, `${t.crier.url()}/sandbox`, email, PASSWORD);
    expect(await page.locator('h1').textContent()).toBe('Sandbox inbox');
    const smsRows = page.locator('h2:has-text("SMS") + table tbody tr');
    expect(await smsRows.count()).toBe(2);
    expect(await smsRows.first().textContent()).toContain(summary);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });

  it('when an incident has updates, then the public status page shows them newest first, escaped, on a phone-sized screen', async () => {
    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.crier.url()}/status`);
    expect(await page.locator('h1').textContent()).toBe('Crier status');
    const article = page.locator('article').first();
    expect(await article.locator('h2').textContent()).toContain('Checkout failing');
    expect(await article.textContent()).toContain('<img src=x onerror="window.pwned=1"> payments fail');
    expect(await page.locator('img').count()).toBe(0);
    const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await page.close();
  });
});

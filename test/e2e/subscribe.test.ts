import fs from 'node:fs';
import { sendgridRecipients } from '../../src/channels/sandbox/sendgrid.fake';
import { createComponent } from '../../src/components/component.repository';
import { launchBrowser } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { DEFAULT_DIALECT } from '../support/stores';
import { waitFor } from '../support/process';

describe('a visitor subscribes in the browser', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    await createComponent(t.store.db, { key: 'checkout', name: 'Checkout' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[C4] when a visitor subscribes through the public form on a phone, then the link the email fake received confirms it, and the next update reaches them', async () => {
    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.crier.url()}/subscribe`);
    // The honeypot is in the form but off-screen, and the page has no horizontal scroll.
    expect(((await page.locator('label.hp').boundingBox())?.x ?? 0) + 1).toBeLessThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.fill('input[name=address]', 'visitor@example.com');
    await page.check('input[name=components][value=checkout]');
    await page.click('button[type=submit]');
    expect(await page.locator('h1').textContent()).toBe('Almost done');

    const mail = sendgridRecipients(t.sandbox.sendgrid).find((m) => m.to.includes('visitor@example.com'));
    const link = /(http:\/\/[^\s]+\/subscribe\/confirm\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] as string;
    expect(link).toBeDefined();
    await page.goto(link);
    expect(await page.textContent('body')).toContain('visitor@example.com');
    await page.click('button[type=submit]');
    expect(await page.locator('h1').textContent()).toBe('You are subscribed');
    fs.mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/c4-subscribed-390x844.png', fullPage: true });

    const manage = await page.locator('a.manage-link').getAttribute('href');
    await page.goto(manage as string);
    expect(await page.isChecked('input[name=components][value=checkout]')).toBe(true);

    const { broadcastId } = await t.publish({ incident: { title: 'Checkout failing', impact: 'major', components: ['checkout'] }, channels: ['email'] });
    expect(await t.settled(broadcastId, 15_000)).toBe(true);
    expect(await waitFor(async () => sendgridRecipients(t.sandbox.sendgrid).filter((m) => m.to.includes('visitor@example.com')).length === 2, 5_000, 50)).toBe(true);
    await page.close();
  });
});

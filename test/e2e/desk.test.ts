import fs from 'node:fs';
import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { DEFAULT_DIALECT } from '../support/stores';
import { DRAFT_MARKER, openIncidentWithScripts } from '../support/desk';
import { createAccount, PASSWORD } from '../support/session';

describe('staff desk in the browser', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let incidentId = 0;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    ({ incidentId } = await openIncidentWithScripts(t, 'desk-browser'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[S3] when a staff member signs in on a phone and opens the desk, then the filled-in approved script shows and its copy button copies it', async () => {
    const { email } = await createAccount(t.store, 'staff');
    const context = await browser.browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => { problems.push(e.message); });

    await signInThrough(page, `${t.crier.url()}/desk`, email, PASSWORD);
    expect(await page.locator('h1').textContent()).toBe('Staff desk');

    const incident = page.locator(`section[data-incident="${incidentId}"]`);
    expect(await incident.locator('h2').textContent()).toBe('Zebra checkout failing');
    const script = incident.locator('article.desk-script').first();
    expect(await script.getAttribute('data-script')).toBe('desk-browser');
    expect(await script.locator('.talking-points').textContent()).toBe('Tell the caller Zebra checkout is down and we are on it. Meanwhile: Call 0800 555 0101 to order. Next update by 11:45 UTC.');
    expect(await page.locator('body').textContent()).not.toContain(DRAFT_MARKER);

    // Nothing overflows sideways on a 390-pixel phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    const copy = script.locator('button[data-copy$="-sms"]');
    await copy.waitFor({ state: 'visible' });
    await copy.click();
    await page.waitForFunction((el) => el?.textContent === 'Copied', await copy.elementHandle());
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe('Zebra checkout problem; we are on it. Next update by 11:45 UTC.');
    expect(problems).toEqual([]);

    fs.mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/desk-phone.png', fullPage: true });

    // The printed page is the phone script: talking points and questions, no buttons or paste blocks.
    await page.emulateMedia({ media: 'print' });
    expect(await script.locator('.talking-points').isVisible()).toBe(true);
    expect(await script.locator('dl.qa').isVisible()).toBe(true);
    expect(await copy.isVisible()).toBe(false);
    expect(await script.locator('section.paste').isVisible()).toBe(false);
    expect(await page.locator('nav').isVisible()).toBe(false);
    await context.close();
  });

  it('[S3] when JavaScript is off, then the desk still shows the text to read and select, with no copy buttons', async () => {
    const { email } = await createAccount(t.store, 'staff');
    const context = await browser.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThrough(page, `${t.crier.url()}/login?next=%2Fdesk`, email, PASSWORD);
    const script = page.locator(`section[data-incident="${incidentId}"] article.desk-script`).first();
    expect(await script.locator('pre[id$="-sms"]').textContent()).toBe('Zebra checkout problem; we are on it. Next update by 11:45 UTC.');
    expect(await script.locator('button[data-copy]').first().isVisible()).toBe(false);
    await context.close();
  });
});

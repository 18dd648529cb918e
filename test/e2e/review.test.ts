import { approve, createScript, DEFAULT_SCRIPT_RULES } from '../../src/scripts/script.service';
import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { buildDraft } from '../support/factories';
import { createAccount, PASSWORD } from '../support/session';

describe('the post-incident review on a phone', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 2 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[P1] when comms writes and publishes a review on a phone-sized screen, then the page fits the screen, works without script and the review reaches the status page', async () => {
    const { incidentId } = await t.publish({ channels: ['email'] });
    await t.publish({ incident: undefined, incidentId, status: 'resolved', channels: ['email'] });
    const { draft } = await createScript(t.store.db, { key: 'follow-up', name: 'Follow-up', situation: 'post-incident' }, 'user:2', buildDraft());
    await approve(t.store.db, draft?.id as number, 'user:1', DEFAULT_SCRIPT_RULES);
    const { email } = await createAccount(t.store, 'comms');
    const context = await browser.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThrough(page, `${t.crier.url()}/console/incidents/${incidentId}/review`, email, PASSWORD);
    expect(await page.locator('textarea[name=whatHappened]').inputValue()).toMatch(/Investigating[\s\S]*Duration: /);
    await page.fill('textarea[name=rootCause]', 'A certificate expired overnight.');
    await page.fill('textarea[name=prevention]', 'Certificates now renew 30 days ahead, with an alarm.');
    await page.click('button:has-text("Save draft")');
    await page.waitForURL((u) => u.pathname === `/console/incidents/${incidentId}/review`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator('select[name=script] option:checked').textContent()).toBe('Follow-up');
    await page.fill('textarea[name=var_service]', 'Checkout');
    await page.fill('textarea[name=var_next_update]', 'no further updates');
    expect(await page.locator('input[name=audiences][value=customers]').isChecked()).toBe(true);
    expect(await page.locator('input[name=channels][value=email]').isChecked()).toBe(true);
    await page.click('button:has-text("Publish the review")');
    await page.waitForURL(/\/console\/broadcasts\/\d+$/);
    await page.goto(`${t.crier.url()}/status`);
    const review = page.locator(`#incident-${incidentId}-review`);
    expect(await review.locator('h3').textContent()).toMatch(/^Post-incident review/);
    expect(await review.textContent()).toContain('Certificates now renew 30 days ahead, with an alarm.');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await context.close();
  });
});

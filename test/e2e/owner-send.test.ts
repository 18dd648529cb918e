import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { publishUpdate } from '../../src/incidents/publish.service';
import { approve, DEFAULT_SCRIPT_RULES } from '../../src/scripts/script.service';
import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { DEFAULT_DIALECT } from '../support/stores';
import { waitFor } from '../support/process';
import { createAccount, PASSWORD } from '../support/session';

/**
 * [C1] The owner, on a phone, sends the "we are aware and investigating" notice with the
 * defaults, and watches every channel reach 100% against the sandbox fakes.
 */
describe('owner sends a notice from a phone', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let investigating = 0;

  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 20, webhooks: true });
    browser = await launchBrowser();
    // In calm times the owner approved the starter "investigating" script and ran a drill with
    // it, so the support contact and service are known.
    const row = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'investigating').executeTakeFirstOrThrow();
    investigating = row.id;
    await approve(t.store.db, investigating, 'user:1', DEFAULT_SCRIPT_RULES);
    const drill = await publishUpdate(t.store.db, {
      incident: { title: 'Drill: ordering down', impact: 'minor', components: [] }, status: 'investigating', scriptVersionId: investigating,
      variables: { service: 'Online ordering', impact: 'Some orders cannot be placed.', started_at: '09:00 UTC', next_update: '09:30 UTC', support_contact: 'help@example.com' },
      audiences: ['team'], channels: ['email'],
    }, { actor: 'user:1', brandName: 'Crier', statusPageUrl: `${t.crier.url()}/status`, teamSlackChannels: [], now: Date.now() - 86_400_000 });
    await publishUpdate(t.store.db, {
      incidentId: drill.incidentId, status: 'resolved', scriptVersionId: investigating,
      variables: { service: 'Online ordering', impact: 'Some orders cannot be placed.', started_at: '09:00 UTC', next_update: '09:30 UTC', support_contact: 'help@example.com' },
      audiences: ['team'], channels: ['email'],
    }, { actor: 'user:1', brandName: 'Crier', statusPageUrl: `${t.crier.url()}/status`, teamSlackChannels: [], now: Date.now() - 86_000_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[C1] when the owner signs in on a 390×844 screen and sends the investigating notice with defaults, then every channel reaches 100% within 6 interactions', async () => {
    const { email } = await createAccount(t.store, 'owner');
    const page: Page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    let interactions = 0;
    const act = async (step: () => Promise<unknown>) => { interactions++; await step(); };

    await page.goto(`${t.crier.url()}/console/send`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await act(() => page.fill('input[name=email]', email));
    await act(() => page.fill('input[name=password]', PASSWORD));
    await act(() => page.click('button[type=submit]'));
    await page.waitForURL(/\/console\/send$/);
    expect(await page.locator('select[name=scriptVersionId] option:checked').textContent()).toMatch(/investigating/i);
    expect(await page.locator('select[name=scriptVersionId] option').count()).toBe(2);
    expect(await page.inputValue('input[name=var_support_contact]')).toBe('help@example.com');
    expect(await page.inputValue('input[name=var_next_update]')).toMatch(/^\d\d:\d\d UTC$/);

    await act(() => page.click('button[value=preview]'));
    await page.waitForSelector('section.preview');
    const reach = await page.locator('section.preview tr[data-channel] td.reach').allTextContents();
    // email, sms, slack, x, mastodon, bluesky, teams (no Teams subscriber in this directory), webhook.
    expect(reach.map(Number)).toEqual([20, 20, 20, 1, 1, 1, 0, 20]);
    expect(await page.locator('pre.message[data-channel=email]').textContent()).toContain('help@example.com');
    expect(await page.locator('pre.message[data-channel=sms]').textContent()).toContain('Online ordering');

    await act(() => page.click('button.send-now'));
    await page.waitForURL(/\/console\/broadcasts\/\d+$/);
    expect(interactions).toBeLessThanOrEqual(6);

    // The page refreshes itself until every delivery has settled.
    const finished = await waitFor(async () => {
      await page.waitForLoadState();
      return (await page.locator('#progress-state').getAttribute('data-done').catch(() => null)) === 'yes';
    }, 30_000, 250);
    expect(finished).toBe(true);
    await page.waitForLoadState();
    const rows = page.locator('table.progress tbody tr');
    expect(await rows.count()).toBe(8);
    expect(await page.locator('table.progress .pct').allTextContents()).toEqual(Array(8).fill('100%'));
    expect(await page.locator('table.progress td.failed').allTextContents()).toEqual(Array(8).fill('0'));
    expect(t.sandbox.webhook.posts().filter((p) => p.verified)).toHaveLength(20);
    fs.mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/c1-owner-send-390x844.png', fullPage: true });

    const broadcastId = Number(/\/console\/broadcasts\/(\d+)$/.exec(page.url())?.[1]);
    expect(await t.states(broadcastId)).toEqual({ sent: 83 });
    await page.close();
  });

  it('[C1] when a send fails for some recipients, then the report filters and exports them and "retry failed" sends them again', async () => {
    const owner = await createAccount(t.store, 'owner');
    t.sandbox.twilio.setFault({ status: 400, body: { code: 21211, message: 'Invalid To', status: 400 } });
    const result = await t.publish({ channels: ['sms'], scriptVersionId: t.scriptVersionId });
    expect(await t.settled(result.broadcastId, 15_000)).toBe(true);
    await t.sandbox.twilio.setFault(undefined);
    await t.store.db.updateTable('addresses').set({ quarantined_at: null, quarantine_reason: null }).execute();

    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signInThrough(page, `${t.crier.url()}/console/broadcasts/${result.broadcastId}`, owner.email, PASSWORD);
    expect(await page.locator('table.progress td.failed').allTextContents()).toEqual(['20']);
    const csv = await page.evaluate(async (id) => (await fetch(`/console/broadcasts/${id}/deliveries.csv?state=failed`)).text(), result.broadcastId);
    expect(csv.trim().split('\r\n')).toHaveLength(21);
    await page.click('text=Retry failed deliveries');
    const finished = await waitFor(async () => (await t.states(result.broadcastId)).sent === 20, 15_000, 100);
    expect(finished).toBe(true);
    await page.close();
  });
});

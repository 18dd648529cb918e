import { launchBrowser, signInThrough } from '../support/browser';
import { startTestCrier, type TestCrier } from '../support/crier';
import { DEFAULT_DIALECT } from '../support/stores';
import { createAccount, PASSWORD, signedIn } from '../support/session';

function expectSecurityHeaders(path: string, headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  expect({ path, directives }).toMatchObject({
    path,
    directives: { 'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self'", 'frame-ancestors': "'none'", 'base-uri': "'none'", 'object-src': "'none'", 'form-action': "'self'" },
  });
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('same-origin');
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('console security in the browser', () => {
  let t: TestCrier;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('[A5] when any kind of page or answer is served, then it carries CSP, X-Content-Type-Options, frame-ancestors none and a Referrer-Policy', async () => {
    const owner = await signedIn(t.store, t.crier.url(), 'owner');
    const paths = ['/login', '/status', '/console', '/console/users', '/console/tokens', '/console/audit', '/sandbox', '/unsubscribe/not-a-token', '/no-such-page', '/api/incidents', '/healthz', '/assets/crier.css'];
    for (const path of paths) {
      const res = await owner.request('GET', path);
      expectSecurityHeaders(path, res.headers);
      const body = await res.text();
      // Errors never show stack traces or file paths.
      expect(body).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|\/src\//);
    }
    const refused = await fetch(`${t.crier.url()}/api/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    expectSecurityHeaders('POST /api/updates', refused.headers);
  });

  it('[A5] when a staff member signs in on a phone, then pages render with the stylesheet, no CSP violation occurs, and inline script is blocked', async () => {
    const { email } = await createAccount(t.store, 'staff');
    const page = await browser.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await signInThrough(page, `${t.crier.url()}/console`, email, PASSWORD);
    expect(await page.locator('h1').textContent()).toBe('Console');
    expect(await page.locator('nav a', { hasText: 'People' }).count()).toBe(0);
    expect(await page.evaluate("getComputedStyle(document.querySelector('nav button')).backgroundColor")).toBe('rgb(255, 255, 255)');
    expect(problems).toEqual([]);
    await expect(page.addScriptTag({ content: 'window.injected = 1' })).rejects.toThrow();
    expect(await page.evaluate('window.injected')).toBeUndefined();
    expect(problems.join('\n')).toMatch(/Content Security Policy/);
    // Signing out from the phone works without any script.
    await page.click('nav button[type=submit]');
    await page.waitForURL(/\/login$/);
    await page.close();
  });
});

import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with a fresh profile and nothing that reaches outside the machine. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!fs.existsSync(EXECUTABLE)) throw new Error(`Chromium not found at ${EXECUTABLE}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { browser, close: () => browser.close() };
}

/**
 * Opens a signed-in page as a person would: go where they want, get sent to the sign-in form,
 * sign in, land back there. Returns how many interactions that took (fill, fill, click).
 */
export async function signInThrough(page: Page, url: string, email: string, password: string): Promise<number> {
  const target = new URL(url);
  const landing = target.pathname === '/login' ? target.searchParams.get('next') ?? '/console' : target.pathname;
  await page.goto(url);
  if (new URL(page.url()).pathname !== '/login') throw new Error(`expected the sign-in form, got ${page.url()}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === landing);
  return 3;
}

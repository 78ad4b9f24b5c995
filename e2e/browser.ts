// What every browser test needs: the dashboard built, a real server on a scratch data folder,
// and Debian's Chromium driven by playwright-core (never a downloaded browser).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from '../apps/server/dist/test-server.js';

export const CHROMIUM = process.env.PRAHARI_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds apps/web/dist if its sources changed since the last build (a no-op otherwise). */
export function ensureDashboardBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'apps/web/scripts/build.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Screenshots go to a scratch folder (or PRAHARI_SCREENSHOTS) so a person can look at them. */
export const screenshotDir =
  process.env.PRAHARI_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'prahari-screens-'));

/**
 * Console errors and uncaught exceptions of a page. Two answers are expected and are not the
 * dashboard's errors, so they are left out: a 401 from GET /api/v1/auth/me (asking whether a
 * session exists, before login) and from POST /api/v1/auth/login (a wrong password), which
 * Chromium logs as "Failed to load resource".
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const expected =
      /status of 401/.test(message.text()) && /\/api\/v1\/auth\/(me|login)$/.test(url);
    if (!expected) errors.push(`console: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page, errors: collectErrors(page) };
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * A person's browser, logged in on first use (one login per test file, not per test); each call
 * opens a new tab in it. `open` is read then, once the browser and server exist.
 */
export function loggedInTabs(
  open: () => { browser: Browser; baseURL: string },
  username: string,
  password: string,
): () => Promise<{ page: Page; errors: string[] }> {
  let context: BrowserContext | undefined;
  return async () => {
    if (!context) {
      const { browser, baseURL } = open();
      const first = await newPage(browser, baseURL);
      await logIn(first.page, username, password);
      context = first.context;
      return { page: first.page, errors: first.errors };
    }
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto('/');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    return { page, errors };
  };
}

/** The main menu's link to a view, as a person finds it. */
export const navLink = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

/**
 * Calls the API the way a test's setup does, as the person `open` names (read on each call, once
 * the server and their token exist): a refusal fails the test with the server's words.
 */
export function apiCaller(
  open: () => { server: Pick<TestServer, 'request'>; auth: string },
  prefix = '',
) {
  return async (method: string, path: string, body?: unknown, auth?: string) => {
    const { server, auth: as } = open();
    const res = await server.request(method, `${prefix}${path}`, { auth: auth ?? as, body });
    if (res.status >= 400)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
}

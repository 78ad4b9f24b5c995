/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * server with a scratch data folder: logging in and out, a live alert worked with the keyboard,
 * event search, switching a rule off, what an auditor sees, and every page at a laptop's
 * 1280×800 and a 4K wall's 3840×2160 without console errors. Screenshots are written to a
 * scratch folder (printed at the end) so a person can look at them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_ADMIN_PASSWORD,
  startTestServer,
  type TestServer,
} from '../apps/server/dist/test-server.js';
import {
  apiCaller,
  chromiumMissing,
  ensureDashboardBuilt,
  launch,
  loggedInTabs,
  logIn,
  navLink,
  newPage,
  screenshotDir,
} from './browser.js';

const ANALYST = { username: 'asha', password: 'analyst-password-1' };
const AUDITOR = { username: 'ravi', password: 'auditor-password-1' };

const LIVE_RULE = {
  id: 'e2e00000-0000-4000-8000-000000000001',
  title: 'E2E camera 17 login failure',
};
const SWITCH_RULE = {
  id: 'e2e00000-0000-4000-8000-000000000002',
  title: 'E2E rule to switch off',
};
const LIVE_RULE_YAML = `title: ${LIVE_RULE.title}
id: ${LIVE_RULE.id}
status: test
logsource:
  product: linux
detection:
  keywords:
    - 'e2e-camera-17 login failed'
  condition: keywords
level: high
`;
const SWITCH_RULE_YAML = `title: ${SWITCH_RULE.title}
id: ${SWITCH_RULE.id}
status: test
logsource:
  product: linux
detection:
  keywords:
    - 'e2e-never-sent'
  condition: keywords
level: low
`;

const BULK_RULE = {
  id: 'e2e00000-0000-4000-8000-000000000003',
  title: 'E2E door forced at a ward office',
};
const BULK_RULE_YAML = `title: ${BULK_RULE.title}
id: ${BULK_RULE.id}
status: test
logsource:
  product: linux
detection:
  keywords:
    - 'e2e-bulk door forced'
  condition: keywords
level: medium
`;

/** A link in the main menu (other links on a page may have similar names). */

const missing = chromiumMissing();
if (missing) console.warn(`browser tests ${process.env.CI ? 'fail' : 'skipped'}: ${missing}`);

// Generous limits: CI runs these beside the other test files on two cores.
describe.skipIf(missing !== null && !process.env.CI)(
  'the dashboard in Chromium',
  { timeout: 60_000 },
  () => {
    let server: TestServer;
    let admin: string;
    let ingestKey: string;
    let browser: Browser;

    const api = apiCaller(() => ({ server, auth: admin }));
    const ingest = (lines: string[]) =>
      server.request('POST', '/api/v1/ingest', {
        auth: ingestKey,
        body: lines.join('\n'),
        headers: { 'content-type': 'text/plain' },
      });
    const syslog = (host: string, text: string) =>
      `<34>1 ${new Date().toISOString()} ${host} nvr - - - ${text}`;

    /** The analyst's browser: logged in once, a new tab per test. */
    const asAnalyst = loggedInTabs(
      () => ({ browser, baseURL: server.url }),
      ANALYST.username,
      ANALYST.password,
    );

    beforeAll(async () => {
      ensureDashboardBuilt();
      // Several people log in from one address here; the per-address login limit is for attackers.
      server = await startTestServer({ 'auth.loginRateLimitPerMinute': 100 });
      admin = await server.login('admin', TEST_ADMIN_PASSWORD);
      await api('POST', '/api/v1/users', { ...ANALYST, role: 'analyst', displayName: 'Asha Rao' });
      await api('POST', '/api/v1/users', { ...AUDITOR, role: 'auditor' });
      ingestKey = (await api('POST', '/api/v1/apikeys', { name: 'e2e-sender', role: 'ingest' }))
        .secret;
      // One file each: GET /rules/ID shows the first document of a multi-document file for every
      // rule in it (a server-side limitation the rules view cannot correct).
      await api('POST', '/api/v1/rules', { yaml: LIVE_RULE_YAML, name: 'e2e-live.yml' });
      await api('POST', '/api/v1/rules', { yaml: SWITCH_RULE_YAML, name: 'e2e-switch.yml' });
      await api('POST', '/api/v1/sources', { name: 'fw-core-1', matchIp: '10.1.0.1' });
      await api('POST', '/api/v1/assets', {
        name: 'nvr-ward12',
        kind: 'nvr_vms',
        zone: 'iot',
        criticality: 4,
        hostnames: ['nvr-ward12'],
      });
      await server.assets.directory.refresh({ force: true });
      await api('POST', '/api/v1/indicators', { value: '203.0.113.7', source: 'cert-in' });
      browser = await launch();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      console.log(`dashboard screenshots: ${screenshotDir}`);
    });

    it('serves the dashboard at / and its pages by address, and leaves the API alone', async () => {
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toMatch(/text\/html/);
      expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
      const page = await fetch(`${server.url}/events?q=sshd`);
      expect(await page.text()).toContain('<div id="root">');
      const api404 = await server.request('GET', '/api/v1/no-such-route', { auth: admin });
      expect(api404.status).toBe(404);
      expect(api404.body.error).toBe('not_found');
      const asset404 = await fetch(`${server.url}/assets/no-such-file.js`);
      expect(asset404.status).toBe(404);
      expect((await server.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    });

    it('shows the server’s message for a wrong password', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await page.goto('/');
      await page.getByLabel('Username').fill(ANALYST.username);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      // The words are the server's own (POST /api/v1/auth/login answers them with the 401).
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toBe('Wrong username or password.');
      expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('logs in and out, and returns to the login page with a message when the session ends', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await logIn(page, ANALYST.username, ANALYST.password);
      const menu = page.getByRole('navigation', { name: 'Main' });
      await expect
        .poll(() => menu.getByRole('link').allTextContents())
        .toEqual([
          'Overview',
          'Alerts',
          'Incidents',
          'Response',
          'Events',
          'Assets',
          'Rules',
          'Indicators',
          'Settings',
          'My account',
        ]);
      expect(await page.getByRole('heading', { name: 'Overview' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByText('You have logged out.').waitFor();
      await page.reload();
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(errors).toEqual([]);

      // The server forgets the session (it expired, or it was ended elsewhere).
      await logIn(page, ANALYST.username, ANALYST.password);
      const cookie = (await context.cookies()).find((c) => c.name === 'prahari_session');
      await server.request('POST', '/api/v1/auth/logout', {
        auth: `prahari_session=${cookie!.value}`,
      });
      // The next request finds the session gone: the one the click makes, or one the page makes
      // on its own first (the live stream reconnecting), which takes the menu away mid-click.
      const expired = page.getByText('Your session has expired; log in again.');
      await Promise.race([
        navLink(page, 'Rules')
          .click()
          .catch(() => undefined),
        expired.waitFor(),
      ]);
      await expired.waitFor();
      expect(errors.every((e) => /401|EventSource/.test(e))).toBe(true);
      await context.close();
    });

    it('shows an alert ingested over HTTP live, and the keyboard acknowledges and closes it', async () => {
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Alerts').click();
      await page.getByText('Live', { exact: true }).waitFor();
      await page.getByText('No alerts match.').waitFor();
      await page.evaluate(() => Object.assign(window, { e2eSamePage: true }));

      const sent = await ingest([
        syslog('nvr-ward12', 'e2e-camera-17 login failed for user admin'),
      ]);
      expect(sent.status).toBe(200);
      const row = page.getByRole('row').filter({ hasText: LIVE_RULE.title });
      await row.waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => 'e2eSamePage' in window)).toBe(true); // no reload
      const [alert] = await api('GET', `/api/v1/alerts?rule=${LIVE_RULE.id}`);
      expect(alert.status).toBe('new');
      // The alert names the registered asset it concerns, and the list groups by it.
      await row.getByText('nvr-ward12').first().waitFor();
      await page.getByLabel('Group by asset').check();
      await page
        .getByRole('row')
        .filter({ hasText: /nvr-ward12\s*1 alert/ })
        .waitFor();
      await page.getByLabel('Group by asset').uncheck();
      await row.waitFor();

      await page.keyboard.press('j');
      await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('a');
      await row.getByText('acknowledged').waitFor();
      expect((await api('GET', `/api/v1/alerts/${alert.id}`)).alert.status).toBe('acknowledged');

      await page.keyboard.press('Enter');
      const detail = page.getByRole('complementary', { name: 'Alert detail' });
      await detail.getByText('e2e-camera-17 login failed for user admin').first().waitFor();
      await detail.getByRole('link', { name: 'nvr-ward12' }).waitFor();

      await page.keyboard.press('f');
      const dialog = page.getByRole('dialog', { name: 'Close as false positive' });
      await dialog.getByLabel(/Note/).fill('camera 17 is being re-installed by the vendor');
      await page.keyboard.press('Enter');
      await row.waitFor({ state: 'detached' }); // closed alerts leave the default list
      const closed = (await api('GET', `/api/v1/alerts/${alert.id}`)).alert;
      expect(closed).toMatchObject({
        status: 'closed',
        resolution: 'false_positive',
        statusBy: ANALYST.username,
        statusNote: 'camera 17 is being re-installed by the vendor',
      });
      await page.screenshot({ path: join(screenshotDir, 'alerts-after-close.png') });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('chooses alerts with boxes, shift-click and the keyboard, and acknowledges them at once', async () => {
      await api('POST', '/api/v1/rules', { yaml: BULK_RULE_YAML, name: 'e2e-bulk.yml' });
      const hosts = ['nvr-ward41', 'nvr-ward42', 'nvr-ward43'];
      expect((await ingest(hosts.map((h) => syslog(h, 'e2e-bulk door forced open')))).status).toBe(
        200,
      );
      await expect
        .poll(async () => (await api('GET', `/api/v1/alerts?rule=${BULK_RULE.id}`)).length, {
          timeout: 15_000,
        })
        .toBe(3);

      const { page, errors } = await asAnalyst();
      await navLink(page, 'Alerts').click();
      await page.getByPlaceholder(/Filter by rule title/).fill(BULK_RULE.title);
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      const rows = page.getByRole('row').filter({ hasText: BULK_RULE.title });
      await expect.poll(() => rows.count()).toBe(3);
      const box = (i: number) => rows.nth(i).getByRole('checkbox');
      const bar = page.getByRole('toolbar', { name: 'Chosen alerts' });

      // a box, then shift+click another: the range between them
      await box(0).click();
      await bar.getByText('1 chosen').waitFor();
      // the box chooses, it does not open the alert
      expect(await page.getByRole('complementary', { name: 'Alert detail' }).count()).toBe(0);
      await box(2).click({ modifiers: ['Shift'] });
      await bar.getByText('3 chosen').waitFor();
      expect(await box(1).isChecked()).toBe(true);

      // Esc clears; x chooses the row under the cursor; the header box chooses all shown
      await page.keyboard.press('Escape');
      expect(await bar.count()).toBe(0);
      await page.keyboard.press('j');
      await page.keyboard.press('x');
      await bar.getByText('1 chosen').waitFor();
      expect(await box(0).isChecked()).toBe(true);
      await page.getByRole('checkbox', { name: 'Choose every alert shown' }).click();
      await bar.getByText('3 chosen').waitFor();
      await page.screenshot({ path: join(screenshotDir, 'alerts-chosen.png') });

      await bar.getByRole('button', { name: /^Acknowledge/ }).click();
      await page.getByText('3 alerts: acknowledged.').waitFor();
      await expect.poll(() => rows.getByText('acknowledged').count()).toBe(3);
      expect(await bar.count()).toBe(0);
      const alerts = await api('GET', `/api/v1/alerts?rule=${BULK_RULE.id}`);
      expect(
        alerts.map((a: { status: string; statusBy: string }) => [a.status, a.statusBy]),
      ).toEqual(Array(3).fill(['acknowledged', ANALYST.username]));
      for (const a of alerts as { id: string }[]) {
        const trail = await api(
          'GET',
          `/api/v1/audit?target=${encodeURIComponent(`alert:${a.id}`)}`,
        );
        expect(trail.entries.map((e: { action: string }) => e.action)).toContain('alert.status');
      }

      // chosen again, closed as a false positive with one note
      await page.getByRole('checkbox', { name: 'Choose every alert shown' }).click();
      await page.keyboard.press('f');
      const dialog = page.getByRole('dialog', { name: 'Close as false positive' });
      await dialog.getByText('3 alerts').waitFor();
      await dialog.getByLabel(/Note/).fill('door sensors being replaced');
      await page.keyboard.press('Enter');
      await expect.poll(() => rows.count()).toBe(0); // closed alerts leave the default list
      const closed = await api('GET', `/api/v1/alerts?rule=${BULK_RULE.id}&status=closed`);
      expect(closed.map((a: { statusNote: string }) => a.statusNote)).toEqual(
        Array(3).fill('door sensors being replaced'),
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('finds an ingested line in events, and a click on a top value filters the search', async () => {
      await ingest([
        syslog('nvr-ward12', 'e2e-search tamper alarm on camera 9'),
        syslog('nvr-ward31', 'e2e-search tamper alarm on camera 4'),
      ]);
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Events').click();
      await page.getByRole('searchbox', { name: 'Query' }).fill('e2e-search');
      await page.getByRole('button', { name: 'Search' }).click();
      const table = page.getByRole('table', { name: 'Events' });
      const rows = table.getByRole('row').filter({ hasText: 'tamper alarm' });
      await expect.poll(() => rows.count()).toBe(2);
      // hits over time are counted by the server over the whole range, not from the page
      await page.getByText(/^2 matching events, per /).waitFor();

      const hosts = page.getByRole('list', { name: 'Top values of host.name' });
      await hosts.getByRole('button', { name: /^nvr-ward31/ }).click();
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.textContent()).toContain('camera 4');
      expect(await page.getByRole('searchbox', { name: 'Query' }).inputValue()).toBe(
        'e2e-search host.name:"nvr-ward31"',
      );

      await rows.click();
      const event = page.getByRole('complementary', { name: 'Event' });
      await event.getByRole('tab', { name: 'Raw' }).click();
      expect(await event.locator('pre').textContent()).toMatch(
        /^<34>1 .* nvr-ward31 nvr - - - e2e-search/,
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('switches a rule off with a reason in the rules view', async () => {
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Rules').click();
      // Each rule's cost once detection has timed it (GET /rules/cost, tested with the server).
      await page.getByRole('columnheader', { name: 'Cost' }).waitFor();
      // The city rules fill the first screen: find it as an analyst would, by its title.
      await page.getByPlaceholder('Text in the title, id or description').fill(SWITCH_RULE.title);
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.getByRole('row').filter({ hasText: SWITCH_RULE.title }).click();
      const detail = page.getByRole('complementary', { name: 'Rule detail' });
      await expect
        .poll(() => detail.getByLabel('Rule source').textContent())
        .toContain(`id: ${SWITCH_RULE.id}`);
      await detail.getByRole('button', { name: 'Switch off' }).click();
      const dialog = page.getByRole('dialog', { name: 'Switch the rule off' });
      await dialog.getByLabel('Reason').fill('noisy during the VAPT window');
      await dialog.getByRole('button', { name: 'Switch off' }).click();
      await detail.getByText(/Switched off by asha.*noisy during the VAPT window/).waitFor();
      const rule = await api('GET', `/api/v1/rules/${SWITCH_RULE.id}`);
      expect(rule.enabled).toBe(false);
      expect(rule.setting).toMatchObject({
        by: ANALYST.username,
        reason: 'noisy during the VAPT window',
      });
      await expect
        .poll(() => page.getByRole('row').filter({ hasText: SWITCH_RULE.title }).textContent())
        .toMatch(/^off/);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('shows each source’s clock, and the time zone to set for local time written without one', async () => {
      const key = await api('POST', '/api/v1/apikeys', { name: 'nvr-ward-9', role: 'ingest' });
      await api('POST', '/api/v1/sources', { name: 'nvr-ward-9', matchApiKeyId: key.id });
      // India's local time written as if it were UTC: 5½ hours ahead.
      const ahead = new Date(Date.now() + 330 * 60_000).toISOString();
      const sent = await server.request('POST', '/api/v1/ingest', {
        auth: key.secret,
        body: `<37>1 ${ahead} nvr-ward-9 nvrd 4 AUTH - login failed for user admin`,
        headers: { 'content-type': 'text/plain' },
      });
      expect(sent.status).toBe(200);
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Settings').click();
      const row = page.getByRole('row').filter({ hasText: 'nvr-ward-9' });
      await row.getByText('5 h 30 min ahead').waitFor();
      await row.getByText('Set its time zone to Asia/Kolkata').waitFor();
      expect(await page.getByRole('row').filter({ hasText: 'fw-core-1' }).textContent()).toContain(
        '—',
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('lets an auditor read without action buttons, and shows the audit trail with its chain OK', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await logIn(page, AUDITOR.username, AUDITOR.password);
      await navLink(page, 'Audit trail').waitFor();

      await page.goto('/alerts?status=all');
      await page.getByRole('row').filter({ hasText: LIVE_RULE.title }).click();
      const detail = page.getByRole('complementary', { name: 'Alert detail' });
      await detail.getByText('closed: false positive').waitFor();
      expect(await detail.getByRole('button', { name: /Acknowledge|Close:|Reopen/ }).count()).toBe(
        0,
      );
      await page.keyboard.press('Escape');
      await page.keyboard.press('a'); // a shortcut that changes nothing for a read-only role
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      expect(await help.textContent()).not.toContain('acknowledge');
      await page.keyboard.press('Escape');

      await page.goto(`/rules?open=${LIVE_RULE.id}`);
      const rule = page.getByRole('complementary', { name: 'Rule detail' });
      await rule.getByLabel('Rule source').waitFor();
      expect(await rule.getByRole('button', { name: /Switch|Delete/ }).count()).toBe(0);
      expect(await page.getByRole('tab', { name: 'Upload & validate' }).count()).toBe(0);

      await page.goto('/indicators');
      await page.getByRole('table', { name: 'Indicators' }).waitFor();
      expect(await page.getByRole('tab', { name: /Add|Import/ }).count()).toBe(0);

      await navLink(page, 'Audit trail').click();
      await page.getByText('Chain OK').waitFor();
      const entries = page.getByRole('table', { name: 'Audit entries' });
      await entries.getByRole('row').filter({ hasText: 'rule.disable' }).first().waitFor();
      expect(await entries.getByRole('row').filter({ hasText: 'alert.' }).count()).toBeGreaterThan(
        0,
      );
      expect(errors).toEqual([]);
      await context.close();
    });

    /** Every page, reached as a person does: the menu, then a tab. */
    const PAGES: {
      name: string;
      menu: string;
      tab?: string;
      title: string;
      ready: string | RegExp;
    }[] = [
      { name: 'overview', menu: 'Overview', title: 'Overview', ready: 'Open alerts' },
      { name: 'alerts', menu: 'Alerts', title: 'Alerts', ready: 'Shortcuts' },
      { name: 'events', menu: 'Events', title: 'Events', ready: 'Fields' },
      {
        name: 'deadletters',
        menu: 'Events',
        tab: 'Dead letters',
        title: 'Events',
        ready: /waiting, .* reprocessed/,
      },
      { name: 'rules', menu: 'Rules', title: 'Rules', ready: /rules; matches are hits/ },
      { name: 'indicators', menu: 'Indicators', title: 'Indicators', ready: /indicators? shown/ },
      { name: 'sources', menu: 'Settings', title: 'Settings', ready: 'fw-core-1' },
      { name: 'users', menu: 'Settings', tab: 'Users', title: 'Settings', ready: ANALYST.username },
      {
        name: 'apikeys',
        menu: 'Settings',
        tab: 'API keys',
        title: 'Settings',
        ready: 'e2e-sender',
      },
      { name: 'audit', menu: 'Audit trail', title: 'Audit trail', ready: 'Chain OK' },
      { name: 'account', menu: 'My account', title: 'My account', ready: 'Change my password' },
    ];

    /** Asserts the element is shown and lies inside the viewport's width (nothing cut off). */
    async function expectInView(page: Page, what: string, width: number) {
      const box = await page.locator(what).first().boundingBox();
      expect(box, `${what} is shown`).not.toBeNull();
      expect(box!.x, `${what} starts inside the page`).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, `${what} ends inside the page`).toBeLessThanOrEqual(width + 1);
      expect(box!.height, `${what} has a height`).toBeGreaterThan(0);
    }

    it('shows every page at 1280×800 and at 3840×2160 without console errors', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await logIn(page, 'admin', TEST_ADMIN_PASSWORD);
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 3840, height: 2160 },
      ]) {
        await page.setViewportSize(viewport);
        // A 4K PNG takes seconds to encode; a JPEG shows a person the same.
        const ext = viewport.width > 2000 ? 'jpeg' : 'png';
        for (const p of PAGES) {
          await navLink(page, p.menu).click();
          if (p.tab) await page.getByRole('tab', { name: p.tab }).click();
          await page.getByRole('heading', { level: 1, name: p.title }).waitFor();
          await page.getByText(p.ready).first().waitFor();
          if (p.name === 'overview') await page.locator('.trend-chart canvas').waitFor();
          await page.screenshot({
            path: join(screenshotDir, `${viewport.width}-${p.name}.${ext}`),
            ...(ext === 'jpeg' && { type: 'jpeg' as const, quality: 70 }),
          });
          for (const selector of ['header.topbar', 'nav[aria-label="Main"]', 'h1', 'main > .page'])
            await expectInView(page, selector, viewport.width);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${p.name} scrolls sideways at ${viewport.width}`).toBeLessThanOrEqual(
            0,
          );
        }
        expect(existsSync(join(screenshotDir, `${viewport.width}-overview.${ext}`))).toBe(true);
      }
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  },
);

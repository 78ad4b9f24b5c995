/**
 * Settings in Chromium against a real server: an admin sets the CERT-In point of contact (a wrong
 * e-mail address is named at its field), adds a webhook channel pointing at a receiver this test
 * runs on 127.0.0.1, presses Test and sees it delivered (and the receiver got the signed
 * request), sees a malformed URL refused at its field and an unreachable one fail its test with
 * the reason, disables and deletes a channel; an analyst reads the point of contact and the
 * role's channel with no controls to change them.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReceiver,
  signatureValid,
  type TestReceiver,
} from '../apps/server/dist/modules/response/test-receiver.js';
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
  navLink,
  screenshotDir,
} from './browser.js';

const ANALYST = { username: 'asha', password: 'analyst-password-1' };
const OWNER = { username: 'waterdept', password: 'owner-password-12' };

/** Console errors other than the 400s this test provokes on purpose (refused forms). */
const unexpected = (errors: string[]) =>
  errors.filter(
    (e) =>
      !/status of 400 .*\/api\/v1\/(settings\/reporting|notifications\/channels[^ ]*)\)$/.test(e),
  );

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openSettings(page: Page, tab: string) {
  await navLink(page, 'Settings').click();
  await page.getByRole('tab', { name: tab }).click();
}

const missing = chromiumMissing();
if (missing) console.warn(`browser tests ${process.env.CI ? 'fail' : 'skipped'}: ${missing}`);

describe.skipIf(missing !== null && !process.env.CI)(
  'settings in Chromium',
  { timeout: 60_000 },
  () => {
    let server: TestServer;
    let admin: string;
    let browser: Browser;
    let receiver: TestReceiver;

    const api = apiCaller(() => ({ server, auth: admin }), '/api/v1');

    const asAdmin = loggedInTabs(
      () => ({ browser, baseURL: server.url }),
      'admin',
      TEST_ADMIN_PASSWORD,
    );
    const asAnalyst = loggedInTabs(
      () => ({ browser, baseURL: server.url }),
      ANALYST.username,
      ANALYST.password,
    );
    const asOwner = loggedInTabs(
      () => ({ browser, baseURL: server.url }),
      OWNER.username,
      OWNER.password,
    );

    beforeAll(async () => {
      ensureDashboardBuilt();
      server = await startTestServer({
        'ingest.syslog.tcpEnabled': false,
        'ingest.syslog.udpEnabled': false,
        'auth.loginRateLimitPerMinute': 100,
      });
      admin = await server.login('admin', TEST_ADMIN_PASSWORD);
      await api('POST', '/users', { ...ANALYST, role: 'analyst' });
      await api('POST', '/users', { ...OWNER, role: 'owner' });
      receiver = await startReceiver();
      browser = await launch();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await receiver?.close();
      await server?.stop();
      console.log(`settings screenshots: ${screenshotDir}`);
    });

    it('lets an admin set the point of contact, naming a wrong field where it is', async () => {
      const { page, errors } = await asAdmin();
      await openSettings(page, 'Point of contact');
      const form = page.getByRole('form', { name: 'Reporting and point of contact' });
      await form.getByText(/A CERT-In report still needs: organisation/).waitFor();

      await form.getByLabel('Organisation', { exact: true }).fill('Pune Municipal Corporation');
      await form.getByLabel('Postal address').fill('PMC Main Building\nShivajinagar');
      await form.getByLabel('Name', { exact: true }).fill('Anjali Kulkarni');
      await form.getByLabel('Designation').fill('Chief Information Security Officer');
      await form.getByLabel('E-mail', { exact: true }).fill('ciso at pmc');
      await form.getByLabel('Phone').fill('+91 20 2550 1000');
      await form.getByRole('button', { name: 'Save' }).click();

      // The server's reason, under the field it is about.
      const email = form.getByLabel('E-mail', { exact: true });
      await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await email.getAttribute('aria-describedby'))!;
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
        /'ciso at pmc' is not an e-mail address/,
      );
      await form.getByText('Not saved: correct the fields marked below.').waitFor();
      expect((await api('GET', '/settings/reporting')).updatedBy).toBeNull();

      await email.fill('ciso@punecorporation.gov.in');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('Saved. Reports made from now on name these.').waitFor();
      expect(await email.getAttribute('aria-invalid')).toBe('false');
      const saved = await api('GET', '/settings/reporting');
      expect(saved.settings).toMatchObject({
        organisation: 'Pune Municipal Corporation',
        address: 'PMC Main Building\nShivajinagar',
        pointOfContact: {
          name: 'Anjali Kulkarni',
          email: 'ciso@punecorporation.gov.in',
          phone: '+91 20 2550 1000',
          mobile: null,
        },
      });
      expect(saved.updatedBy).toBe('admin');
      await page.screenshot({
        path: join(screenshotDir, 'settings-reporting.png'),
        fullPage: true,
      });
      expect(unexpected(errors)).toEqual([]);
    });

    it('adds a webhook channel, tests it against a receiver, and shows a wrong URL’s error', async () => {
      const { page, errors } = await asAdmin();
      await openSettings(page, 'Notifications');
      await page.getByText('No channels yet.').waitFor();
      const form = page.getByRole('form', { name: 'Add a channel' });

      // A malformed URL: the server's words at the address field, nothing added.
      await form.getByLabel('Name').fill('SOC chat bridge');
      await form.getByText('Webhook', { exact: true }).click();
      await form.getByLabel('Webhook URL').fill('soc-bridge.local/hook');
      await form.getByRole('button', { name: 'Add channel' }).click();
      await form
        .getByText("'soc-bridge.local/hook' is not an http(s) URL for a webhook.")
        .waitFor();
      expect(
        (await api('GET', '/notifications/channels')).map((c: { address: string }) => c.address),
      ).toEqual([]);

      await form.getByLabel('Webhook URL').fill(`${receiver.url}/soc`);
      await form.getByLabel('alert.high').check();
      await form.getByRole('button', { name: 'Add channel' }).click();
      const secret = await page.getByLabel('Webhook signing secret').textContent();
      expect(secret).toMatch(/^[\w-]{20,}$/);
      await page.screenshot({ path: join(screenshotDir, 'settings-channel-added.png') });
      await page.getByRole('button', { name: 'I have stored it' }).click();

      const row = page.getByRole('row', { name: 'Channel SOC chat bridge' });
      await row.getByText('alert.high').waitFor();
      await row.getByRole('button', { name: 'Test' }).click();
      await page
        .getByText(`Test message delivered through SOC chat bridge to ${receiver.url}/soc.`)
        .waitFor();
      const got = receiver.to('/soc');
      expect(got).toHaveLength(1);
      expect(signatureValid(secret!, got[0]!)).toBe(true);
      expect(JSON.parse(got[0]!.body)).toMatchObject({ event: 'test' });

      const deliveries = page.getByRole('table', { name: 'Deliveries' });
      const delivered = deliveries.getByRole('row').filter({ hasText: 'SOC chat bridge' });
      await delivered.getByText('delivered', { exact: true }).waitFor();

      // A URL nothing answers at: the test says why, and the delivery is listed as failed.
      const port = await closedPort();
      await form.getByLabel('Name').fill('Old pager gateway');
      await form.getByText('Webhook', { exact: true }).click();
      await form.getByLabel('Webhook URL').fill(`http://127.0.0.1:${port}/page`);
      await form.getByRole('button', { name: 'Add channel' }).click();
      await page.getByRole('button', { name: 'I have stored it' }).click();
      const dead = page.getByRole('row', { name: 'Channel Old pager gateway' });
      await dead.getByRole('button', { name: 'Test' }).click();
      await page
        .getByText(
          new RegExp(`Test through Old pager gateway failed: could not reach 127.0.0.1:${port}`),
        )
        .waitFor();
      await deliveries
        .getByRole('row')
        .filter({ hasText: 'Old pager gateway' })
        .getByText('failed', { exact: true })
        .waitFor();
      await page.screenshot({
        path: join(screenshotDir, 'settings-notifications.png'),
        fullPage: true,
      });

      // Disable one, then delete it: its deliveries stay listed.
      await dead.getByRole('button', { name: 'Disable' }).click();
      await dead.getByText('disabled', { exact: true }).waitFor();
      await dead.getByRole('button', { name: 'Delete' }).click();
      await dead.getByRole('button', { name: 'Delete Old pager gateway' }).click();
      await page.getByText('Deleted Old pager gateway. Its deliveries stay listed.').waitFor();
      await expect.poll(() => dead.count()).toBe(0);
      expect(
        (await api('GET', '/notifications/channels')).map((c: { name: string }) => c.name),
      ).toEqual(['SOC chat bridge']);
      expect(unexpected(errors)).toEqual([]);
    });

    it('edits a channel’s events and shows the change', async () => {
      const { page, errors } = await asAdmin();
      await openSettings(page, 'Notifications');
      const row = page.getByRole('row', { name: 'Channel SOC chat bridge' });
      await row.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('form', { name: 'Edit SOC chat bridge' });
      await form.getByLabel('playbook.approval').check();
      await form.getByLabel('New signing secret').fill('short');
      await form.getByRole('button', { name: 'Save channel' }).click();
      // The schema's own words, under the field.
      await form.getByText('must NOT have fewer than 16 characters').waitFor();
      await form.getByLabel('New signing secret').fill('');
      await form.getByRole('button', { name: 'Save channel' }).click();
      await page.getByText('Saved SOC chat bridge.').waitFor();
      await row.getByText('playbook.approval').waitFor();
      expect(unexpected(errors)).toEqual([]);
    });

    it('shows an analyst the point of contact and the role’s channels with nothing to change', async () => {
      await api('POST', '/notifications/channels', {
        name: 'Analysts on call',
        kind: 'email',
        address: 'soc-oncall@punecorporation.gov.in',
        events: ['alert.critical'],
        role: 'analyst',
      });
      const { page, errors } = await asAnalyst();
      await openSettings(page, 'Point of contact');
      const form = page.getByRole('form', { name: 'Reporting and point of contact' });
      const email = form.getByLabel('E-mail', { exact: true });
      await expect.poll(() => email.inputValue()).toBe('ciso@punecorporation.gov.in');
      expect(await email.isDisabled()).toBe(true);
      expect(await form.getByRole('button', { name: 'Save' }).count()).toBe(0);
      await form.getByText('Only an admin changes these.').waitFor();

      await page.getByRole('tab', { name: 'Notifications' }).click();
      const row = page.getByRole('row', { name: 'Channel Analysts on call' });
      await row.getByText('everyone of role analyst').waitFor();
      await row.getByText('set by an admin').waitFor();
      expect(await row.getByRole('button').count()).toBe(0);
      // The admin's own webhook is not the analyst's to see.
      expect(await page.getByText('SOC chat bridge').count()).toBe(0);
      await page.screenshot({ path: join(screenshotDir, 'settings-analyst.png'), fullPage: true });
      expect(unexpected(errors)).toEqual([]);
    });

    it('lets a system owner keep their own channels, and shows them nothing else of Settings', async () => {
      const { page, errors } = await asOwner();
      await navLink(page, 'Settings').click();
      await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Notifications']);
      await page.getByText('No channels yet.').waitFor();
      const form = page.getByRole('form', { name: 'Add a channel' });
      await form.getByLabel('Name').fill('Water dept duty officer');
      await form.getByLabel('E-mail address').fill('duty@water.punecorporation.gov.in');
      await form.getByLabel('incident.assigned').check();
      await form.getByRole('button', { name: 'Add channel' }).click();
      const row = page.getByRole('row', { name: 'Channel Water dept duty officer' });
      await row.getByText('incident.assigned').waitFor();
      expect(await row.getByRole('button', { name: 'Edit' }).count()).toBe(1);
      // Not for an owner: whose channels are for a whole role, and the analysts' channel.
      expect(await form.getByText('everyone of role').count()).toBe(0);
      expect(await page.getByText('Analysts on call').count()).toBe(0);
      const mine = (
        await server.request('GET', '/api/v1/notifications/channels', {
          auth: await server.login(OWNER.username, OWNER.password),
        })
      ).body as { name: string; owner: { user: string | null } }[];
      expect(mine.map((c) => [c.name, c.owner.user])).toEqual([
        ['Water dept duty officer', OWNER.username],
      ]);
      await page.screenshot({ path: join(screenshotDir, 'settings-owner.png'), fullPage: true });
      expect(unexpected(errors)).toEqual([]);
    });

    it('makes an owner key for a department’s script, which sees what that owner owns', async () => {
      const { page, errors } = await asAdmin();
      await openSettings(page, 'API keys');
      const form = page.getByRole('form', { name: 'Create a key' });
      await form.getByLabel('Name').fill('water-dept-report');
      await form.getByLabel('Role').selectOption('owner');
      await form.getByLabel(/Acts for/).fill(OWNER.username);
      await form.getByRole('button', { name: 'Create key' }).click();
      const secret = await page.getByLabel('API key secret').textContent();
      expect(secret).toMatch(/^prk_/);
      const alerts = await server.request('GET', '/api/v1/alerts', { auth: secret! });
      expect(alerts.status).toBe(200);
      const keys = (await api('GET', '/apikeys')) as { name: string; owner: string | null }[];
      const owner = (await api('GET', '/users')) as { id: string; username: string }[];
      expect(keys.find((k) => k.name === 'water-dept-report')?.owner).toBe(
        owner.find((u) => u.username === OWNER.username)?.id,
      );
      expect(unexpected(errors)).toEqual([]);
    });
  },
);

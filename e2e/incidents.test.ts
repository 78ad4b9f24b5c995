/**
 * Issue 7's "done means" in the dashboard, in Chromium against a real server: an analyst sees an
 * SSH brute-force alert arrive, makes an incident of it from the Alerts view, classifies it with
 * a CERT-In type and watches the 6-hour clock count down on the board and the overview, adds a
 * task and a note, approves the waiting block step of the ssh-brute-force-block playbook in
 * Response, downloads the CERT-In PDF; the board names the assets hit, and an auditor reads the
 * incident's own audit entries with names (the analyst has no Audit tab).
 */
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
  logIn,
  navLink,
  newPage,
  screenshotDir,
} from './browser.js';

const ANALYST = { username: 'asha', password: 'analyst-password-1', displayName: 'Asha Rao' };
const AUDITOR = { username: 'ravi', password: 'auditor-password-1' };
const ATTACKER = '203.0.113.45';
const BRUTE_FORCE_TITLE = 'SSH Brute Force Against a City Server';

/** `5:59:07 left` read twice a little apart: the clock counts down in the page, not per load. */
async function countsDown(page: Page, scope: ReturnType<Page['locator']>) {
  const timer = scope.getByRole('timer').first();
  const seconds = async () => {
    const m = /(\d+):(\d\d):(\d\d) left/.exec((await timer.textContent()) ?? '');
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN;
  };
  const first = await seconds();
  expect(first).toBeGreaterThan(5 * 3600);
  expect(first).toBeLessThanOrEqual(6 * 3600 + 5);
  await expect.poll(seconds, { timeout: 5000 }).toBeLessThan(first);
}

const missing = chromiumMissing();
if (missing) console.warn(`browser tests ${process.env.CI ? 'fail' : 'skipped'}: ${missing}`);

describe.skipIf(missing !== null && !process.env.CI)(
  'incidents and response in Chromium',
  { timeout: 60_000 },
  () => {
    let server: TestServer;
    let admin: string;
    let ingestKey: string;
    let browser: Browser;

    const api = apiCaller(() => ({ server, auth: admin }), '/api/v1');

    beforeAll(async () => {
      ensureDashboardBuilt();
      server = await startTestServer({
        'ingest.syslog.tcpEnabled': false,
        'ingest.syslog.udpEnabled': false,
      });
      admin = await server.login('admin', TEST_ADMIN_PASSWORD);
      await api('POST', '/users', { ...ANALYST, role: 'analyst' });
      await api('POST', '/users', { ...AUDITOR, role: 'auditor' });
      ingestKey = (await api('POST', '/apikeys', { name: 'collector', role: 'ingest' })).secret;
      await api('POST', '/assets/import', {
        format: 'csv',
        text: [
          '[assets]',
          'name,kind,zone,criticality,ips,hostnames,site',
          'iccc-app-1,server,it,5,10.10.1.5,iccc-app-1,ICCC Shivajinagar',
        ].join('\n'),
      });
      await server.assets.directory.refresh({ force: true });
      await api('PUT', '/settings/reporting', {
        organisation: 'Pune Municipal Corporation',
        pointOfContact: { name: 'Anjali Kulkarni', email: 'ciso@punecorporation.gov.in' },
      });
      await api('POST', '/playbooks/ssh-brute-force-block/enable');
      browser = await launch();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      console.log(`incident screenshots: ${screenshotDir}`);
    });

    it('takes an SSH brute force from a live alert to an approved block and a CERT-In report', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await logIn(page, ANALYST.username, ANALYST.password);
      await navLink(page, 'Alerts').click();
      await page.getByText('Live', { exact: true }).waitFor();

      const now = Date.now();
      const lines = Array.from(
        { length: 20 },
        (_, i) =>
          `<38>1 ${new Date(now - (19 - i) * 1000).toISOString()} iccc-app-1 sshd 811 - - Failed password for user${i % 3} from ${ATTACKER} port ${40000 + i} ssh2`,
      );
      const sent = await server.request('POST', '/api/v1/ingest', {
        auth: ingestKey,
        body: lines.join('\n'),
        headers: { 'content-type': 'text/plain' },
      });
      expect(sent.status).toBe(200);
      const row = page.getByRole('row').filter({ hasText: BRUTE_FORCE_TITLE });
      await row.waitFor({ timeout: 15_000 });

      // the alert → a new incident, with the keyboard
      await row.click();
      await page.keyboard.press('i');
      const dialog = page.getByRole('dialog', { name: 'Incident for this alert' });
      await dialog.getByRole('button', { name: 'Create incident' }).click();
      await page.waitForURL(/\/incidents\/INC-/);
      const number = decodeURIComponent(page.url().split('/incidents/')[1]!.split('?')[0]!);
      await page.getByRole('heading', { name: BRUTE_FORCE_TITLE }).waitFor();

      // classify: the CERT-In clock starts
      await page.getByRole('button', { name: 'Classify and assign…' }).click();
      const classify = page.getByRole('dialog', { name: 'Classify and assign' });
      const types = classify.getByLabel(/CERT-In type/);
      expect(await types.locator('option').count()).toBe(21); // none + the 20 of Annexure I
      await types.selectOption({ label: 'iii. Unauthorised access of IT systems/data' });
      await classify.getByRole('button', { name: 'Save' }).click();
      const clocks = page.getByRole('region', { name: 'Legal clocks' });
      await clocks.getByText(/left$/).waitFor();
      await countsDown(page, clocks);

      // a task and a note
      await page.getByRole('tab', { name: /^Work/ }).click();
      await page
        .getByLabel('Task', { exact: true })
        .fill('Check iccc-app-1 for a successful login');
      await page.getByLabel('Assignee').fill(ANALYST.username);
      await page.getByRole('button', { name: 'Add task' }).click();
      await page.getByText('Check iccc-app-1 for a successful login').waitFor();
      await page.getByLabel('Note', { exact: true }).fill('Source is a known scanner range.');
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.note-text', { hasText: 'Source is a known scanner range.' }).waitFor();
      await page.screenshot({ path: join(screenshotDir, 'incident-work.png'), fullPage: true });

      // the board and the overview count the clock down too
      await navLink(page, 'Incidents').click();
      const card = page.getByRole('link', { name: new RegExp(number) });
      await card.waitFor();
      // what it hits, with the asset's criticality
      const hit = card.getByLabel('Affected assets');
      await expect.poll(() => hit.textContent()).toBe('5iccc-app-1');
      expect(await hit.locator('.crit').getAttribute('title')).toBeTruthy();
      await countsDown(page, card);
      await page.screenshot({ path: join(screenshotDir, 'incident-board.png') });
      await navLink(page, 'Overview').click();
      const overview = page.getByRole('region', { name: /Open incidents/ });
      await overview.getByText(number).waitFor();
      await countsDown(page, overview);

      // approve the block the playbook waits for
      await expect
        .poll(
          async () =>
            (await api('GET', '/playbook-runs?playbook=ssh-brute-force-block'))[0]?.status,
          { timeout: 10_000 },
        )
        .toBe('awaiting-approval');
      await navLink(page, 'Response').click();
      const waiting = page.locator('li.approval').first();
      await waiting.getByLabel('Note').fill('not our scanner');
      await waiting.getByRole('button', { name: 'Approve' }).click();
      await page.getByText(/approved, running as you/).waitFor();
      await expect
        .poll(
          async () =>
            await fetch(`${server.url}/api/v1/blocklist.txt`, {
              headers: { authorization: `Bearer ${ingestKey}` },
            }).then((r) => r.text()),
          { timeout: 10_000 },
        )
        .toContain(ATTACKER);
      await page.getByRole('tab', { name: 'Block list' }).click();
      await page.getByRole('cell', { name: ATTACKER, exact: true }).waitFor();

      // the CERT-In report, downloaded as a person would
      await page.goto(`/incidents/${encodeURIComponent(number)}?tab=reports`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'CERT-In report (PDF)' }).click(),
      ]);
      const pdf = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of pdf) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');

      // the audit trail is for admins and auditors: the analyst has the timeline, not the tab
      await page.getByRole('tab', { name: 'Timeline' }).waitFor();
      expect(await page.getByRole('tab', { name: 'Audit' }).count()).toBe(0);

      // an auditor reads the incident's own audit entries, with the people's names
      const auditor = await newPage(browser, server.url);
      await logIn(auditor.page, AUDITOR.username, AUDITOR.password);
      await auditor.page.goto(`/incidents/${encodeURIComponent(number)}`);
      await auditor.page.getByRole('tab', { name: 'Audit' }).click();
      const audit = auditor.page.getByRole('table').filter({ hasText: 'Who' });
      const entry = (action: string) =>
        audit.getByRole('row').filter({ hasText: ANALYST.username }).filter({ hasText: action });
      for (const action of [
        'incident.create',
        'incident.classify',
        'incident.task.create',
        'incident.note',
      ])
        await entry(action).first().waitFor();
      // only this incident's: the note's entry names it, nothing about other targets
      await entry('incident.note').getByText('Source is a known scanner range.').waitFor();
      expect(await audit.getByText('user.create').count()).toBe(0);
      // newest first
      const actions = await audit.locator('tbody tr td:nth-child(4)').allTextContents();
      expect(actions.indexOf('incident.note')).toBeLessThan(actions.indexOf('incident.create'));
      await auditor.page.screenshot({
        path: join(screenshotDir, 'incident-audit.png'),
        fullPage: true,
      });
      expect(auditor.errors).toEqual([]);
      await auditor.context.close();

      // a 4K wall
      await page.setViewportSize({ width: 3840, height: 2160 });
      await navLink(page, 'Incidents').click();
      await page.getByRole('link', { name: new RegExp(number) }).waitFor();
      await page.screenshot({ path: join(screenshotDir, 'incident-board-4k.png') });

      expect(errors).toEqual([]);
      await context.close();
    });
  },
);

/**
 * The asset register and its cascade analysis in a real browser (Debian's Chromium) against a
 * real server: the README's example city imported over the API, the dependency graph with the
 * SCADA server's blast radius (checked in Cytoscape's own element classes and styles and in the
 * side panel), single points of failure and a what-if drill; an owner editing their asset; a
 * discovered asset confirmed; 50,000 assets scrolled without putting them all in the page; and
 * a rule tested against a pasted event. No console errors.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeCity } from '../apps/cli/dist/testing.js';
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
/** The README city's water assets belong to `water`. */
const OWNER = { username: 'water', password: 'owner-password-1' };
const BIG = 50_000;

/** What Cytoscape holds for a node, read from the instance it keeps on its container. */
interface NodeState {
  classes: string[];
  background: string;
}
function graphNodes(page: Page, names: string[]): Promise<Record<string, NodeState>> {
  return page.evaluate((wanted) => {
    const container = document.querySelector('[data-testid="dependency-graph"]') as HTMLElement & {
      _cyreg?: {
        cy?: {
          nodes(): {
            filter(f: (n: { data(k: string): string }) => boolean): {
              map<T>(f: (n: NodeLike) => T): T[];
            };
          };
        };
      };
    };
    interface NodeLike {
      data(k: string): string;
      classes(): string[];
      style(k: string): string;
    }
    const cy = container._cyreg!.cy!;
    const out: Record<string, { classes: string[]; background: string }> = {};
    cy.nodes()
      .filter((n) => wanted.includes(n.data('label')))
      .map((n) => {
        out[n.data('label')] = {
          classes: n.classes(),
          background: n.style('background-color'),
        };
        return null;
      });
    return out;
  }, names);
}

/** Where a node is drawn, in page coordinates. */
function nodeOnScreen(page: Page, name: string): Promise<{ x: number; y: number }> {
  return page.evaluate((label) => {
    const container = document.querySelector('[data-testid="dependency-graph"]') as HTMLElement & {
      _cyreg?: {
        cy?: {
          nodes(selector: string): { renderedPosition(): { x: number; y: number } };
        };
      };
    };
    const p = container._cyreg!.cy!.nodes(`[label = "${label}"]`).renderedPosition();
    const box = container.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, name);
}

const missing = chromiumMissing();
if (missing) console.warn(`browser tests ${process.env.CI ? 'fail' : 'skipped'}: ${missing}`);

describe.skipIf(missing !== null && !process.env.CI)(
  'assets, the dependency graph and rule tests in Chromium',
  { timeout: 180_000 },
  () => {
    let server: TestServer;
    let admin: string;
    let browser: Awaited<ReturnType<typeof launch>>;

    const api = apiCaller(() => ({ server, auth: admin }));

    /** The analyst's browser: logged in once, a new tab per test. */
    const asAnalyst = loggedInTabs(
      () => ({ browser, baseURL: server.url }),
      ANALYST.username,
      ANALYST.password,
    );

    beforeAll(async () => {
      ensureDashboardBuilt();
      server = await startTestServer({ 'auth.loginRateLimitPerMinute': 100 });
      admin = await server.login('admin', TEST_ADMIN_PASSWORD);
      await api('POST', '/api/v1/users', { ...ANALYST, role: 'analyst' });
      await api('POST', '/api/v1/users', { ...OWNER, role: 'owner' });
      const city = await api('POST', '/api/v1/assets/import', {
        format: 'csv',
        text: readmeCity(),
      });
      expect(city.assets.added).toBe(17);
      browser = await launch();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      console.log(`asset screenshots: ${screenshotDir}`);
    });

    it('shows the riskiest assets on the overview, with the city services their loss takes down', async () => {
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Overview').click();
      const services = page.getByRole('table', { name: 'Services at risk' });
      await expect
        .poll(() => services.getByRole('row').filter({ hasText: 'Water supply' }).textContent())
        .toContain('scada-water-01');
      await page
        .getByRole('table', { name: 'Riskiest assets' })
        .getByRole('link')
        .first()
        .waitFor();
      await page.screenshot({ path: join(screenshotDir, 'overview-riskiest.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    it('highlights the SCADA server’s blast radius, rings single points of failure and runs a drill', async () => {
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Assets').click();
      await page.getByRole('tab', { name: 'Dependency graph' }).click();
      await page.getByText('All 17 assets and 4 city services, with 30 dependencies.').waitFor();
      await expect
        .poll(async () => Object.keys(await graphNodes(page, ['scada-water-01'])).length)
        .toBe(1);

      // Select the SCADA server by name (the keyboard's way to the canvas).
      await page.getByLabel('Asset or service').fill('scada-water-01');
      await page.getByLabel('Asset or service').press('Enter');
      const panel = page.getByRole('region', { name: 'Blast radius' });
      await panel.getByText('If scada-water-01 fails or is compromised').waitFor();
      const water = panel
        .getByRole('list', { name: 'City services affected' })
        .getByRole('listitem');
      await expect
        .poll(() => water.first().textContent())
        .toMatch(
          /^Water supply is down at t=5 h and passes its maximum tolerable downtime \(4 h\) at t=9 h\.because: scada-water-01 → plc-pump-ws3-0\d → pumping-station-3 → Water supply$/,
        );
      expect(await water.count()).toBe(1);

      // The picture: failed nodes coloured by how soon they stop, the rest dimmed.
      await expect
        .poll(async () => (await graphNodes(page, ['scada-water-01']))['scada-water-01']!.classes)
        .toContain('band-root');
      const nodes = await graphNodes(page, [
        'scada-water-01',
        'plc-pump-ws3-01',
        'pumping-station-3',
        'Water supply',
        'core-switch-dc',
      ]);
      expect(nodes['scada-water-01']!.classes).toEqual(
        expect.arrayContaining(['impact', 'band-root', 'selected']),
      );
      expect(nodes['scada-water-01']!.background).toBe('rgb(255,31,75)');
      expect(nodes['plc-pump-ws3-01']!.classes).toContain('band-within-60');
      expect(nodes['pumping-station-3']!.background).toBe('rgb(255,159,28)');
      expect(nodes['Water supply']!.classes).toContain('band-later');
      expect(nodes['core-switch-dc']!.classes).toContain('dim');
      await page.screenshot({ path: join(screenshotDir, 'graph-scada-blast-radius.png') });

      // A click on a node selects it too.
      const ups = await nodeOnScreen(page, 'dc-ups');
      await page.mouse.click(ups.x, ups.y);
      await panel.getByText('If dc-ups fails or is compromised').waitFor();
      await panel.getByText(/^CCTV surveillance is down at t=0/).waitFor();

      await page.getByRole('button', { name: 'Single points of failure' }).click();
      const spof = page.getByRole('region', { name: 'Single points of failure' });
      await spof.getByRole('button', { name: 'core-switch-dc' }).waitFor();
      expect(await spof.getByRole('button', { name: 'feeder-11kv-ws3-a' }).count()).toBe(0);
      await expect
        .poll(async () => (await graphNodes(page, ['core-switch-dc']))['core-switch-dc']!.classes)
        .toContain('spof');
      const feeder = await graphNodes(page, ['feeder-11kv-ws3-a']);
      expect(feeder['feeder-11kv-ws3-a']!.classes).not.toContain('spof');

      // A drill: both feeders of pumping station 3 fail; one alone would not stop it.
      await page.getByRole('button', { name: 'What-if drill' }).click();
      for (const name of ['feeder-11kv-ws3-a', 'feeder-11kv-ws3-b']) {
        await page.getByLabel('Asset or service').fill(name);
        await page.getByRole('button', { name: 'Add to the drill' }).click();
      }
      const drill = page.getByRole('region', { name: 'What-if drill' });
      await drill
        .getByRole('list', { name: 'Failing in the drill' })
        .getByText('feeder-11kv-ws3-b')
        .waitFor();
      await drill.getByLabel('feeder-11kv-ws3-b fails at, minutes').fill('30');
      await drill.getByRole('button', { name: 'Run the drill' }).click();
      const timeline = drill.getByRole('list', { name: 'Drill timeline' });
      await timeline.getByText('t=0 feeder-11kv-ws3-a fails').waitFor();
      expect(await timeline.textContent()).toContain('t=30 min pumping-station-3 stops');
      await drill
        .getByText(
          /^Water supply is down at t=4 h 30 min and passes its maximum tolerable downtime \(4 h\) at t=8 h 30 min/,
        )
        .waitFor();
      const drilled = await graphNodes(page, ['feeder-11kv-ws3-b', 'pumping-station-3']);
      expect(drilled['feeder-11kv-ws3-b']!.classes).toEqual(
        expect.arrayContaining(['pick', 'band-root']),
      );
      expect(drilled['pumping-station-3']!.classes).toContain('band-within-60');
      await page.screenshot({ path: join(screenshotDir, 'graph-drill.png') });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);

      // The same on a 4K wall: the graph fills the screen and the text stays readable.
      await page.setViewportSize({ width: 3840, height: 2160 });
      await page.getByRole('button', { name: 'Fit' }).click();
      const canvas = await page.getByTestId('dependency-graph').boundingBox();
      expect(canvas!.width).toBeGreaterThan(2000);
      expect(canvas!.x + canvas!.width).toBeLessThanOrEqual(3840);
      await page.screenshot({
        path: join(screenshotDir, 'graph-drill-4k.jpeg'),
        type: 'jpeg',
        quality: 70,
      });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('shows an asset’s page, lets its owner change only what is theirs, and confirms a discovered asset', async () => {
      const { page, errors, context } = await newPage(browser, server.url);
      await logIn(page, OWNER.username, OWNER.password);
      // An owner's menu: the incidents touching their systems, their assets, their notification
      // channels and their account.
      await expect
        .poll(() =>
          page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
        )
        .toEqual(['Incidents', 'Assets', 'Settings', 'My account']);
      await navLink(page, 'Assets').click();
      const table = page.getByRole('table', { name: 'Assets' });
      await page.getByText('4 assets assigned to you.').waitFor();
      await table.getByRole('link', { name: 'scada-water-01' }).click();
      await page.getByRole('heading', { level: 1, name: 'scada-water-01' }).waitFor();
      const needs = page.getByRole('region', { name: 'What needs it' });
      expect(await needs.textContent()).toContain('plc-pump-ws3-01');
      expect(await page.getByRole('button', { name: 'Retire' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit scada-water-01' });
      expect(await dialog.getByLabel('Criticality').count()).toBe(0);
      await dialog.getByLabel('Description').fill('Geo SCADA master for the treatment plant');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved. The change is in the audit trail.').waitFor();
      const scada = await api('GET', '/api/v1/assets/scada-water-01');
      expect(scada.asset.description).toBe('Geo SCADA master for the treatment plant');
      expect(errors).toEqual([]);
      await context.close();

      await api('POST', '/api/v1/assets', {
        name: 'unknown-10.30.7.99',
        kind: 'other',
        ips: ['10.30.7.99'],
        status: 'discovered',
      });
      const analystTab = await asAnalyst();
      await navLink(analystTab.page, 'Assets').click();
      await analystTab.page
        .getByText('1 discovered asset (seen in events or a scan) awaits confirmation.')
        .waitFor();
      await analystTab.page.getByRole('button', { name: 'Confirm unknown-10.30.7.99' }).click();
      await analystTab.page.getByText('unknown-10.30.7.99 is confirmed').waitFor();
      expect((await api('GET', '/api/v1/assets/unknown-10.30.7.99')).asset.status).toBe('active');
      await analystTab.page.getByRole('link', { name: 'scada-water-01' }).click();
      const impact = analystTab.page.getByRole('region', { name: 'If it fails or is compromised' });
      await impact.getByText(/^Water supply is down at t=5 h/).waitFor();
      await analystTab.page.screenshot({ path: join(screenshotDir, 'asset-page.png') });
      expect(analystTab.errors).toEqual([]);
      await analystTab.page.close();
    });

    it('tests a pasted rule against a pasted event and shows what matched', async () => {
      const { page, errors } = await asAnalyst();
      await navLink(page, 'Rules').click();
      await page.getByRole('tab', { name: 'Test against events' }).click();
      const form = page.getByRole('form', { name: 'Test a rule' });
      await form
        .getByLabel(/^Sigma YAML/)
        .fill(
          'title: Root password attempt\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  selection:\n    event.action: ssh_login\n    user.name: root\n  condition: selection\nlevel: high\n',
        );
      await form
        .getByRole('textbox', { name: /^Events/ })
        .fill(
          [
            '<38>1 2026-11-20T10:00:00Z web-01 sshd 411 - - Failed password for root from 203.0.113.9 port 51234 ssh2',
            '<38>1 2026-11-20T10:00:05Z web-01 sshd 411 - - Failed password for asha from 203.0.113.9 port 51234 ssh2',
          ].join('\n'),
        );
      await form.getByRole('button', { name: 'Test', exact: true }).click();
      const result = page.getByLabel('Test result');
      await result.getByText('1 of 2 events matched.').waitFor();
      const matched = await result
        .getByRole('row')
        .filter({ hasText: 'Root password attempt' })
        .textContent();
      expect(matched).toContain('event.action=ssh_login');
      expect(matched).toContain('user.name=root');
      expect(matched).toContain('parsed by linux-auth');
      await page.screenshot({ path: join(screenshotDir, 'rule-test.png'), fullPage: true });

      await form
        .getByLabel(/^Sigma YAML/)
        .fill(
          'title: Broken\nlogsource:\n  product: linux\ndetection:\n  selection:\n    user.name|nosuch: root\n  condition: selection\n',
        );
      await form.getByRole('button', { name: 'Test', exact: true }).click();
      await result.getByText(/^The rule has \d+ errors?; no event was tested\.$/).waitFor();
      expect(await result.getByRole('list', { name: 'Rule errors' }).textContent()).toMatch(
        /^line 6/,
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('scrolls 50,000 assets while keeping only the rows on screen in the page', async () => {
      const rows = ['name,kind,zone'];
      for (let i = 0; i < BIG; i++) rows.push(`zz-camera-${String(i).padStart(5, '0')},camera,iot`);
      const imported = await api('POST', '/api/v1/assets/import', {
        format: 'csv',
        text: rows.join('\n'),
      });
      expect(imported.assets.added).toBe(BIG);

      const { page, errors } = await asAnalyst();
      await navLink(page, 'Assets').click();
      const total = BIG + 18;
      // Every page of the register is fetched before the count shows; slow on a busy machine.
      await page
        .getByText(`${total.toLocaleString('en-IN')} assets.`)
        .waitFor({ timeout: 150_000 });
      const table = page.getByRole('table', { name: 'Assets' });
      expect(await table.getAttribute('aria-rowcount')).toBe(String(total));
      const body = table.locator('.dt-body');
      const domRows = () => body.locator('[role="row"]').count();
      expect(await domRows()).toBeLessThan(100);

      // Scroll through in steps, then to the end: each step is drawn at once, the page stays small.
      for (let step = 1; step <= 5; step++) {
        await body.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), step / 6);
        await expect.poll(domRows).toBeLessThan(100);
      }
      await body.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await table.getByRole('link', { name: 'zz-camera-49999' }).waitFor();
      expect(await domRows()).toBeLessThan(100);
      await page.screenshot({ path: join(screenshotDir, 'assets-50000.png') });

      // A large register is not drawn whole: the graph shows the neighbourhood of what is chosen.
      await page.getByRole('tab', { name: 'Dependency graph' }).click();
      await page.getByText(/too many to draw at once/).waitFor({ timeout: 30_000 });
      await page.getByLabel('Asset or service').fill('scada-water-01');
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page
        .getByText(/^The 4 nodes within 2 steps of scada-water-01, of a register of 50,018 assets/)
        .waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
      await page.close();
    }, 150_000);
  },
);

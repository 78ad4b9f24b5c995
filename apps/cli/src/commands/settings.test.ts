/** `prahari settings reporting`, run as the built binary on a scratch data directory and against a server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe } from '../testing.js';

let dir: string;
const prahari = (args: string[]) => runPrahari(dir, args);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-settings-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari settings reporting', { timeout: 120_000 }, () => {
  it('shows what reports still need, sets the fields given, and clears one with an empty value', () => {
    const empty = prahari(['settings', 'reporting', 'show']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^organisation\s+\(not set\)$/m);
    expect(empty.stdout).toMatch(/^CERT-In e-mail\s+incident@cert-in\.org\.in$/m);
    expect(empty.stderr).toContain('Reports still need: organisation, sector');

    const set = prahari([
      'settings',
      'reporting',
      'set',
      '--organisation',
      'Pune Municipal Corporation',
      '--contact-name',
      'Anjali Kulkarni',
      '--contact-email',
      'ciso@punecorporation.gov.in',
      '--contact-mobile',
      '+91 98220 12345',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^contact email\s+ciso@punecorporation\.gov\.in$/m);

    const more = prahari([
      '--json',
      'settings',
      'reporting',
      'set',
      '--city',
      'Pune',
      '--contact-mobile',
      '',
    ]);
    expect(more.code).toBe(0);
    const view = JSON.parse(more.stdout);
    expect(view.settings).toMatchObject({
      organisation: 'Pune Municipal Corporation',
      city: 'Pune',
      pointOfContact: { name: 'Anjali Kulkarni', mobile: null },
    });
    expect(view.updatedBy).toMatch(/^cli:/);

    const audit = JSON.parse(
      prahari(['--json', 'audit', 'list', '--action', 'settings.update']).stdout,
    ) as unknown[];
    expect(audit).toHaveLength(2);
  });

  it('names the wrong field, and changes nothing', () => {
    const bad = prahari([
      'settings',
      'reporting',
      'set',
      '--city',
      'Nagpur',
      '--contact-email',
      'not-an-address',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("pointOfContact.email: 'not-an-address' is not an e-mail address");
  });

  it('works against a running server with --server and --api-key', async () => {
    const server = await startServe(dir);
    try {
      const key = JSON.parse(
        prahari(['--json', 'apikey', 'create', 'settings', '--role', 'admin']).stdout,
      ).secret as string;
      const remote = ['--server', server.url, '--api-key', key];
      const set = prahari([
        '--json',
        'settings',
        'reporting',
        'set',
        '--state',
        'Maharashtra',
        ...remote,
      ]);
      expect(set.code).toBe(0);
      const view = JSON.parse(set.stdout);
      // the refused change above left Pune and the e-mail as they were
      expect(view.settings).toMatchObject({
        state: 'Maharashtra',
        city: 'Pune',
        pointOfContact: { email: 'ciso@punecorporation.gov.in' },
      });
      expect(view.updatedBy).toBe('settings');
    } finally {
      await server.stop();
    }
  });
});

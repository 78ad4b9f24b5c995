/** `prahari indicators`, run as the built binary on a scratch data directory and against a server. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe } from '../testing.js';

let dir: string;
const prahari = (args: string[], input?: string) =>
  runPrahari(dir, args, input === undefined ? {} : { input });
const listJson = (...args: string[]) =>
  JSON.parse(prahari(['--json', 'indicators', 'list', ...args]).stdout) as {
    indicators: {
      id: string;
      type: string;
      value: string;
      source: string;
      tlp: string;
      expiresAt: string | null;
      description: string | null;
    }[];
    nextCursor: string | null;
  };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-indicators-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari indicators', { timeout: 120_000 }, () => {
  it('adds values with their type detected, and lists them', () => {
    const add = prahari([
      'indicators',
      'add',
      '203.0.113.7',
      'Evil.Example',
      'hxxps://bad[.]test/dl/',
      '--source',
      'cert-in',
      '--tlp',
      'TLP:RED',
      '--expires',
      '30d',
      '--description',
      'case 42',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^Added 3, updated 0:\nID\s+TYPE\s+VALUE/);
    expect(add.stdout).toMatch(/ url\s+https:\/\/bad\.test\/dl\/\s+cert-in\s+red /);

    const { indicators } = listJson();
    expect(indicators.map((i) => [i.type, i.value]).sort()).toEqual([
      ['domain', 'evil.example'],
      ['ip', '203.0.113.7'],
      ['url', 'https://bad.test/dl/'],
    ]);
    for (const i of indicators) {
      expect(i).toMatchObject({ source: 'cert-in', tlp: 'red', description: 'case 42' });
      expect(Date.parse(i.expiresAt!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    }
    const text = prahari(['indicators', 'list', '--type', 'domain']);
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
    expect(text.stderr).toBe('1 indicator(s)\n');

    const bad = prahari(['indicators', 'add', '203.0.113.8', 'not an ioc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /prahari: 1 of 2 indicator\(s\) are wrong, nothing was stored: items\[1\]\.value: cannot tell what kind/,
    );
    expect(listJson('--search', '203.0.113.8').indicators).toEqual([]);
  });

  it('checks a list with --dry-run, naming each bad line, and imports nothing while any is bad', () => {
    const file = join(dir, 'feed.txt');
    writeFileSync(file, '# city ISAC daily\n198.51.100.0/24\nfoo bar\n\n999.1.1.1\nok.example\n');
    const expected =
      "line 3: one value per line, but this line has several words ('foo bar'); use CSV for descriptions\n" +
      "line 5: '999.1.1.1' is not an IPv4 or IPv6 address (read as ip)\n" +
      '2 bad line(s) of 4: nothing was imported (an import is all or nothing). Fix them and import again.\n';
    const dry = prahari(['indicators', 'import', file, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toBe(expected);
    const real = prahari(['indicators', 'import', file]);
    expect(real.code).toBe(1);
    expect(real.stdout).toBe(expected);
    expect(listJson('--source', 'feed').indicators).toEqual([]);

    writeFileSync(file, '# city ISAC daily\n198.51.100.0/24\nok.example\nevil.example\n');
    const clean = prahari(['indicators', 'import', file, '--dry-run']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(
      'Dry run, nothing imported: 3 line(s), 3 good (cidr 1, domain 2); would add 2, update 1.\n',
    );
    expect(listJson('--source', 'feed').indicators).toEqual([]);

    const done = prahari([
      'indicators',
      'import',
      file,
      '--tlp',
      'green',
      '--expires',
      '2099-12-31',
    ]);
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(
      `Imported from ${file} as source 'feed': 3 line(s), 3 good (cidr 1, domain 2); added 2, updated 1.\n`,
    );
    const feed = listJson('--source', 'feed').indicators;
    expect(feed.map((i) => i.value).sort()).toEqual([
      '198.51.100.0/24',
      'evil.example',
      'ok.example',
    ]);
    expect(feed[0]).toMatchObject({ tlp: 'green', expiresAt: '2099-12-31T00:00:00.000Z' });
  });

  it('imports CSV with quoted fields from standard input', () => {
    const csv =
      'value,type,tlp,description,first_seen\n' +
      '"c2.bad.test",domain,amber+strict,"dropper, stage ""2"""\n' +
      'CE9F70E104C07D92FC05FBD6000839FD6A87FF010E706396F87DD679244ED97B,hash,,,2026-11-01\n';
    const res = prahari(
      ['--json', 'indicators', 'import', '-', '--format', 'csv', '--source', 'case-7'],
      csv,
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      imported: true,
      added: 2,
      ignoredColumns: ['first_seen'],
      byType: { domain: 1, hash: 1 },
    });
    const [c2] = listJson('--search', 'c2.bad').indicators;
    expect(c2).toMatchObject({
      tlp: 'amber+strict',
      description: 'dropper, stage "2"',
      source: 'case-7',
    });
    expect(listJson('--type', 'hash').indicators[0]!.value).toBe(
      'ce9f70e104c07d92fc05fbd6000839fd6a87ff010e706396f87dd679244ed97b',
    );
  });

  it('deletes by id, audits every change, and fails on an unknown id', () => {
    const [target] = listJson('--search', 'ok.example').indicators;
    const del = prahari(['indicators', 'delete', target!.id]);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe('Deleted domain ok.example (feed).\n');
    expect(listJson('--search', 'ok.example').indicators).toEqual([]);
    const again = prahari(['indicators', 'delete', target!.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`prahari: There is no indicator '${target!.id}'.\n`);

    const audit = JSON.parse(prahari(['--json', 'audit', 'list', '--limit', '50']).stdout) as {
      action: string;
      actorName: string;
      details: Record<string, unknown>;
    }[];
    const actions = audit.map((a) => a.action).filter((a) => a.startsWith('indicator.'));
    expect(actions.sort()).toEqual([
      'indicator.add',
      'indicator.delete',
      'indicator.import',
      'indicator.import',
    ]);
    expect(audit.find((a) => a.action === 'indicator.delete')!.actorName).toMatch(/^cli:/);
  });

  it('works against a running server with --server and --api-key', async () => {
    const server = await startServe(dir);
    try {
      const key = JSON.parse(
        prahari(['--json', 'apikey', 'create', 'ioc-loader', '--role', 'analyst']).stdout,
      ).secret as string;
      const remote = ['--server', server.url, '--api-key', key];
      const add = prahari(['indicators', 'add', '192.0.2.44', '--source', 'remote', ...remote]);
      expect(add.code).toBe(0);
      expect(add.stdout).toMatch(/^Added 1, updated 0:/);
      const file = join(dir, 'remote.txt');
      writeFileSync(file, '192.0.2.45\nbad value here\n');
      const refused = prahari(['indicators', 'import', file, ...remote]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^line 2: one value per line/);
      writeFileSync(file, '192.0.2.45\n192.0.2.46\n');
      expect(
        prahari(['indicators', 'import', file, '--source', 'remote', ...remote]).stdout,
      ).toMatch(/added 2, updated 0\.$/m);
      const list = JSON.parse(
        prahari(['--json', 'indicators', 'list', '--source', 'remote', ...remote]).stdout,
      ) as { indicators: { id: string; value: string }[] };
      expect(list.indicators.map((i) => i.value).sort()).toEqual([
        '192.0.2.44',
        '192.0.2.45',
        '192.0.2.46',
      ]);
      const del = prahari(['indicators', 'delete', list.indicators[0]!.id, ...remote]);
      expect(del.code).toBe(0);
      const denied = prahari([
        'indicators',
        'delete',
        'x',
        '--server',
        server.url,
        '--api-key',
        'prk_nope',
      ]);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/401/);
    } finally {
      await server.stop();
    }
  });
});

/** `prahari assets` and `prahari services`, run as the built binary on a scratch data directory and against a server. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeCity, runPrahari, startServe } from '../testing.js';

let dir: string;
const prahari = (args: string[], input?: string) =>
  runPrahari(dir, args, input === undefined ? {} : { input });
const listJson = (...args: string[]) =>
  JSON.parse(prahari(['--json', 'assets', 'list', ...args]).stdout) as {
    assets: { id: string; name: string; status: string; kind: string; ips: string[] }[];
  };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-assets-cli-'));
  expect(prahari(['user', 'add', 'water', '--role', 'owner']).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari assets', { timeout: 120_000 }, () => {
  it("imports the README's city: a dry run, then all of it; lists, shows and lists services", () => {
    const file = join(dir, 'city.csv');
    writeFileSync(file, readmeCity());
    const dry = prahari(['assets', 'import', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      'Dry run, nothing imported: 51 row(s); assets: 17 added, 0 updated; services: 4 added, 0 updated; edges: 30 added, 0 updated.\n',
    );
    expect(listJson().assets).toEqual([]);
    const real = prahari(['assets', 'import', file]);
    expect(real.code).toBe(0);
    expect(real.stdout).toBe(
      `Imported ${file}: 51 row(s); assets: 17 added, 0 updated; services: 4 added, 0 updated; edges: 30 added, 0 updated.\n`,
    );

    const ot = prahari(['assets', 'list', '--zone', 'ot', '--min-criticality', '5']);
    expect(ot.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+ZONE\s+CRIT\s+STATUS\s+OWNER/);
    expect(ot.stdout).toMatch(
      /^scada-water-01\s+scada_server\s+ot\s+5\s+active\s+water\s+Water\s+10\.20\.0\.10 scada-01$/m,
    );
    expect(ot.stderr).toBe('5 asset(s)\n');

    const show = prahari(['assets', 'show', 'pumping-station-3']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      /^Needs:\n {2}depends_on {3}plc-pump-ws3-01 {2}\(redundancy plcs:1\)/m,
    );
    expect(show.stdout).toMatch(
      /^Supports city services:\n {2}supports {5}Water supply {2}\(impact after 240 min; the reservoir holds four hours\)/m,
    );

    const services = prahari(['services', 'list']);
    expect(services.stdout).toMatch(/^Water supply\s+5\s+12,00,000\s+240 min\s+Water\s+water$/m);
  });

  it('names each bad row by line and column and imports nothing', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'name,kind,zone,criticality,ips\nnew-1,server,it,3,10.99.0.1\nnew-2,toaster,it,3,\nnew-3,server,lan,9,10.10.1.11\n',
    );
    const res = prahari(['assets', 'import', file]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(
      "line 3: asset kind: 'toaster' is not a kind; use one of server, workstation, network_device, firewall, camera, nvr_vms, traffic_controller, plc_rtu, scada_server, hmi, sensor, wifi_ap, web_application, database, cloud_service, payment_gateway, power_feeder, ups, other\n" +
        "line 4: asset zone: 'lan' is not a zone; use one of it, ot, iot, dmz, cloud\n" +
        "line 4: asset criticality: the criticality must be a whole number from 1 to 5, not '9': 5 = life/safety or city-wide service, 4 = essential, 3 = important, 2 = limited, 1 = test/lab\n" +
        '3 problem(s): nothing was imported (an import is all or nothing). Fix them and import again.\n',
    );
    expect(listJson('--search', 'new-').assets).toEqual([]);
  });

  it('adds, links with redundancy, adds a service, retires, and audits it all', () => {
    const add = prahari([
      'assets',
      'add',
      'scada-water-02',
      '--kind',
      'scada_server',
      '--zone',
      'ot',
      '--criticality',
      '5',
      '--ip',
      '10.20.0.11',
      '--ip',
      '10.20.0.12',
      '--owner',
      'water',
      '--tag',
      'water',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^Added scada_server 'scada-water-02' \(.+\)\.\n$/);
    const taken = prahari(['assets', 'add', 'x', '--kind', 'server', '--ip', '10.20.0.10']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe("prahari: 10.20.0.10 already belongs to asset 'scada-water-01'\n");

    const link = prahari([
      'assets',
      'link',
      'plc-pump-ws3-01',
      'scada-water-02',
      '--type',
      'depends_on',
      '--time-to-impact',
      '60',
      '--redundancy',
      'scada:2',
    ]);
    expect(link.code).toBe(0);
    expect(link.stdout).toMatch(
      /^Linked: plc-pump-ws3-01 depends_on scada-water-02 \(.+\)\.\nwarning: redundancy group 'scada' of 'plc-pump-ws3-01' needs 2 of its edges up but has 1 so far/,
    );
    const missing = prahari([
      'assets',
      'link',
      'plc-pump-ws3-01',
      'nowhere',
      '--type',
      'depends_on',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("prahari: The edge is wrong: to: there is no asset 'nowhere'.\n");

    const svc = prahari([
      'services',
      'add',
      'Street lighting',
      '--citizen-impact',
      '2',
      '--population',
      '1800000',
      '--mtd',
      '720',
    ]);
    expect(svc.code).toBe(0);
    const retire = prahari([
      'assets',
      'retire',
      'cam-ward07-jn-02',
      '--reason',
      'pole knocked down',
    ]);
    expect(retire.stdout).toBe("Retired 'cam-ward07-jn-02'.\n");
    expect(listJson('--status', 'retired').assets.map((a) => a.name)).toEqual(['cam-ward07-jn-02']);

    const audit = JSON.parse(prahari(['--json', 'audit', 'list', '--limit', '50']).stdout) as {
      action: string;
      actorName: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'asset.import',
        'asset.create',
        'asset_edge.create',
        'service.create',
        'asset.retire',
      ]),
    );
    expect(audit.find((a) => a.action === 'asset.retire')!.actorName).toMatch(/^cli:/);
  });

  it('imports a real nmap scan as a discovered asset, and confirms it', async () => {
    // nmap's connect scan resets the connection: that is not an error of the test
    const listener = createServer((s) => {
      s.on('error', () => undefined);
      s.end();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as AddressInfo).port;
    const xml = join(dir, 'scan.xml');
    try {
      await promisify(execFile)(
        '/usr/bin/nmap',
        ['-oX', xml, '-sT', '-p', String(port), '127.0.0.1'],
        {
          timeout: 60_000,
        },
      );
    } finally {
      await new Promise((r) => listener.close(r));
    }
    const res = prahari(['assets', 'import', xml]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`Imported ${xml}: 1 host(s); assets: 1 added, 0 updated.\n`);
    const [found] = listJson('--status', 'discovered').assets;
    expect(found).toMatchObject({ status: 'discovered', ips: ['127.0.0.1'] });
    const confirm = prahari([
      'assets',
      'confirm',
      found!.name,
      '--name',
      'soc-host',
      '--kind',
      'server',
    ]);
    expect(confirm.stdout).toBe("Confirmed 'soc-host': now active.\n");
    const show = prahari(['assets', 'show', 'soc-host']);
    expect(show.stdout).toMatch(new RegExp(`^Open ports:\\n {2}${port}/tcp`, 'm'));
  });

  it('works against a running server with --server and --api-key', async () => {
    const server = await startServe(dir);
    try {
      const key = JSON.parse(
        prahari(['--json', 'apikey', 'create', 'register', '--role', 'analyst']).stdout,
      ).secret as string;
      const remote = ['--server', server.url, '--api-key', key];
      const file = join(dir, 'more.csv');
      writeFileSync(file, 'name,kind,zone,criticality,ips\nsensor-aq-01,sensor,iot,2,10.60.0.1\n');
      const imported = prahari(['assets', 'import', file, ...remote]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/assets: 1 added, 0 updated\.$/m);
      const list = JSON.parse(
        prahari(['--json', 'assets', 'list', '--kind', 'sensor', ...remote]).stdout,
      ) as { assets: { name: string }[] };
      expect(list.assets.map((a) => a.name)).toEqual(['sensor-aq-01']);
      const set = prahari(['assets', 'set', 'sensor-aq-01', '--criticality', '3', ...remote]);
      expect(set.code).toBe(0);
      const show = JSON.parse(
        prahari(['--json', 'assets', 'show', 'sensor-aq-01', ...remote]).stdout,
      );
      expect(show.asset.criticality).toBe(3);
      const link = prahari([
        'assets',
        'link',
        'sensor-aq-01',
        'core-switch-dc',
        '--type',
        'network_via',
        ...remote,
      ]);
      expect(link.code).toBe(0);
      const edges = prahari(['assets', 'edges', '--node', 'sensor-aq-01', ...remote]);
      expect(edges.stdout).toMatch(/^sensor-aq-01\s+network_via\s+core-switch-dc/m);
      const services = prahari(['services', 'list', ...remote]);
      expect(services.stdout).toMatch(/^Water supply/m);
    } finally {
      await server.stop();
    }
  });
});

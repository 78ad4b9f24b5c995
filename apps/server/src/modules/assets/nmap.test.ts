/**
 * nmap XML import, from a real run of Debian's nmap against a listener this test opens on
 * 127.0.0.1 (it answers like an SSH server, so service detection has something to name).
 */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import { Store } from '@prahari/store';
import { AuditService, type Actor } from '../audit/service.js';
import { AssetDirectory } from './directory.js';
import { guessKind, parseNmapXml } from './nmap.js';
import { AssetService } from './service.js';

const run = promisify(execFile);
const analyst: Actor = {
  principal: { kind: 'user', id: 'u1', name: 'asha', role: 'analyst' },
  ip: null,
};

let listener: Server;
let open: number;
let closed: number;
let xml: string;
let store: Store;
let service: AssetService;

beforeAll(async () => {
  listener = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  open = (listener.address() as AddressInfo).port;
  // a port that was just free: nmap sees it closed
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closed = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  // OS detection needs raw sockets: only when the test runs as root (as CI does).
  const osDetection = process.getuid?.() === 0 ? ['-O', '--max-os-tries', '1', '-T4'] : [];
  const { stdout } = await run(
    '/usr/bin/nmap',
    [
      '-oX',
      '-',
      '-sT',
      '-sV',
      '--version-light',
      ...osDetection,
      '-p',
      `${open},${closed}`,
      '127.0.0.1',
    ],
    { timeout: 60_000 },
  );
  xml = stdout;

  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  const clock = new ManualClock('2026-11-25T10:00:00.000Z');
  const directory = new AssetDirectory(store.assets);
  await directory.refresh();
  service = new AssetService(store, new AuditService(store.audit, clock), clock, directory);
}, 90_000);

afterAll(async () => {
  await new Promise((r) => listener.close(r));
  await store?.close();
});

describe('nmap XML', () => {
  it('reads hosts, ports, services and the OS guess from real nmap output', () => {
    expect(xml).toMatch(/^<\?xml/);
    const scan = parseNmapXml(xml);
    expect(scan.args).toContain('-oX');
    expect(scan.hosts).toHaveLength(1);
    const [host] = scan.hosts;
    expect(host).toMatchObject({ state: 'up', ipv4: '127.0.0.1', mac: null });
    expect(host!.line).toBeGreaterThan(1);
    const ssh = host!.ports.find((p) => p.port === open);
    expect(ssh).toMatchObject({
      protocol: 'tcp',
      state: 'open',
      service: 'ssh',
      product: 'OpenSSH',
    });
    expect(ssh!.version).toMatch(/^9\.2p1/);
    expect(ssh!.cpe).toContain('cpe:/a:openbsd:openssh:9.2p1');
    expect(host!.ports.find((p) => p.port === closed)?.state).toBe('closed');
    expect(host!.osGuess).toMatch(/Linux/);
    expect(host!.seenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('imports the host as a discovered asset, then updates the asset it matches by IP', async () => {
    const dry = await service.import(analyst, { format: 'nmap', text: xml, dryRun: true });
    expect(dry).toMatchObject({ rows: 1, assets: { added: 1, updated: 0 }, errorCount: 0 });
    const res = await service.import(analyst, { format: 'nmap', text: xml });
    expect(res).toMatchObject({ imported: true, assets: { added: 1, updated: 0 } });
    const [found] = (await service.list(analyst, { limit: 10, status: ['discovered'] })).assets;
    expect(found).toMatchObject({
      status: 'discovered',
      source: 'nmap',
      kind: 'other',
      ips: ['127.0.0.1'],
      criticality: null,
    });
    expect(found!.openServices).toEqual([
      expect.objectContaining({ port: open, protocol: 'tcp', service: 'ssh', product: 'OpenSSH' }),
    ]);
    expect(found!.osGuess).toMatch(/Linux/);
    expect(found!.firstSeen).not.toBeNull();

    await service.confirm(analyst, found!.id, {
      name: 'prahari-host',
      kind: 'server',
      criticality: 2,
    });
    const again = await service.import(analyst, { format: 'nmap', text: xml });
    expect(again.assets).toEqual({ added: 0, updated: 1 });
    const [asset] = (await service.list(analyst, { limit: 10 })).assets;
    expect(asset).toMatchObject({
      name: 'prahari-host',
      status: 'active',
      kind: 'server',
      criticality: 2,
    });
    const rows = await store.audit.query({ limit: 10, order: 'asc', action: 'asset.import' });
    expect(rows.map((r) => r.details.format)).toEqual(['nmap', 'nmap']);
  });

  it('names the line of broken XML, and refuses XML that is not nmap’s', async () => {
    const broken = await service.import(analyst, {
      format: 'nmap',
      text: xml.replace('</host>', '</hots>'),
      dryRun: true,
    });
    expect(broken.errors[0]).toMatchObject({ record: 'file', field: 'xml' });
    expect(broken.errors[0]!.reason).toMatch(/^not well-formed XML/);
    expect(broken.errors[0]!.line).toBeGreaterThan(1);
    const other = await service.import(analyst, {
      format: 'nmap',
      text: '<?xml version="1.0"?>\n<rss><channel/></rss>',
      dryRun: true,
    });
    expect(other.errors[0]!.reason).toMatch(/root element is <rss>, not <nmaprun>/);
  });

  it('takes the MAC and its vendor of a LAN host, and guesses the kind from its ports', () => {
    // Hand-written in nmap's layout: a scan of 127.0.0.1 has no MAC address to show.
    const lan = parseNmapXml(`<?xml version="1.0"?>
<nmaprun scanner="nmap" args="nmap -oX - 10.30.7.0/24" start="1795635875" version="7.93">
<host starttime="1795635875" endtime="1795635876"><status state="up" reason="arp-response"/>
<address addr="10.30.7.21" addrtype="ipv4"/>
<address addr="C0:56:E3:12:34:56" addrtype="mac" vendor="Hangzhou Hikvision Digital Technology"/>
<hostnames/>
<ports><port protocol="tcp" portid="554"><state state="open" reason="syn-ack"/><service name="rtsp" method="table" conf="3"/></port></ports>
</host>
<host><status state="down" reason="no-response"/><address addr="10.30.7.22" addrtype="ipv4"/></host>
</nmaprun>`);
    expect(lan.hosts[0]).toMatchObject({
      mac: 'C0:56:E3:12:34:56',
      macVendor: 'Hangzhou Hikvision Digital Technology',
      line: 3,
    });
    expect(guessKind(lan.hosts[0]!.ports, lan.hosts[0]!.macVendor)).toBe('camera');
    expect(lan.hosts[1]!.state).toBe('down');
    expect(
      guessKind(
        [
          {
            protocol: 'tcp',
            port: 502,
            state: 'open',
            service: 'mbap',
            product: null,
            version: null,
            extraInfo: null,
            osType: null,
            cpe: [],
          },
        ],
        null,
      ),
    ).toBe('plc_rtu');
  });
});

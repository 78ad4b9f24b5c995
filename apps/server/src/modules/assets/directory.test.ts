import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import { Store } from '@prahari/store';
import { AuditService, type Actor } from '../audit/service.js';
import { AssetDirectory, AssetDiscovery, type ObservedEvent } from './directory.js';
import { AssetService } from './service.js';

const analyst: Actor = {
  principal: { kind: 'user', id: 'u1', name: 'asha', role: 'analyst' },
  ip: null,
};

let store: Store;
let clock: ManualClock;
let directory: AssetDirectory;
let discovery: AssetDiscovery;
let service: AssetService;

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  clock = new ManualClock('2026-11-25T10:00:00.000Z');
  const audit = new AuditService(store.audit, clock);
  directory = new AssetDirectory(store.assets);
  service = new AssetService(store, audit, clock, directory);
  discovery = new AssetDiscovery({ repo: store.assets, directory, audit, clock });
});
afterEach(() => store.close());

const event = (
  receivedAt: string,
  sourceIp: string | null,
  fields: ObservedEvent['fields'] = {},
): ObservedEvent => ({ receivedAt, sourceIp, fields });

describe('AssetDirectory', () => {
  it('finds assets by IP in any written form and by hostname, and forgets retired ones', async () => {
    await directory.refresh();
    await service.create(analyst, {
      name: 'vms-01',
      kind: 'nvr_vms',
      zone: 'it',
      criticality: 4,
      ips: ['2001:db8::11', '10.10.1.11'],
      hostnames: ['vms-01'],
    });
    await service.create(analyst, {
      name: 'ptax',
      kind: 'web_application',
      hostnames: ['ptax.city.gov.in'],
    });
    expect(directory.size).toBe(2);
    expect(directory.lookup({ ip: '10.10.1.11' })).toEqual({
      id: expect.any(String),
      name: 'vms-01',
      criticality: 4,
      zone: 'it',
      owner: null,
      ownerName: null,
      kind: 'nvr_vms',
      department: null,
      status: 'active',
    });
    expect(directory.lookup({ ip: '2001:0DB8:0:0:0:0:0:11' })?.name).toBe('vms-01');
    expect(directory.lookup({ ip: '::ffff:10.10.1.11' })?.name).toBe('vms-01');
    expect(directory.lookup({ hostname: 'VMS-01.iccc.city.local.' })?.name).toBe('vms-01');
    expect(directory.lookup({ hostname: 'PTAX.city.gov.in' })?.name).toBe('ptax');
    expect(directory.lookup({ hostname: 'ptax' })).toBeUndefined();
    expect(directory.lookup({ ip: '10.10.1.12', hostname: 'vms-01' })?.name).toBe('vms-01');
    expect(directory.lookup({ ip: 'not-an-ip' })).toBeUndefined();
    await service.retire(analyst, 'vms-01');
    expect(directory.lookup({ ip: '10.10.1.11' })).toBeUndefined();
  });

  it('picks up changes made elsewhere (the CLI) on refresh, and reloads only when they happened', async () => {
    await directory.refresh();
    const elsewhere = new AssetService(store, new AuditService(store.audit, clock), clock);
    await elsewhere.create(analyst, { name: 'plc-01', kind: 'plc_rtu', ips: ['10.20.3.11'] });
    expect(directory.lookup({ ip: '10.20.3.11' })).toBeUndefined();
    await directory.refresh();
    expect(directory.lookup({ ip: '10.20.3.11' })?.kind).toBe('plc_rtu');
  });
});

describe('AssetDiscovery', () => {
  it('makes a discovered asset of each unknown sender, once, with first and last seen', async () => {
    await service.create(analyst, { name: 'fw-01', kind: 'firewall', ips: ['10.0.0.1'] });
    const res = await discovery.observe([
      event('2026-11-25T10:00:01.000Z', '10.30.7.21', { 'host.name': 'cam-21' }),
      event('2026-11-25T10:00:05.000Z', '10.30.7.21', { 'host.name': 'cam-21' }),
      event('2026-11-25T10:00:02.000Z', '10.0.0.1', { 'host.name': 'relayed-sensor' }),
      event('2026-11-25T10:00:03.000Z', '127.0.0.1', {}),
      event('2026-11-25T10:00:03.000Z', null, { 'host.name': '-' }),
      event('2026-11-25T10:00:04.000Z', '10.30.7.30', {}),
    ]);
    expect(res.discovered.map((d) => [d.name, d.ip, d.hostname])).toEqual([
      ['cam-21', '10.30.7.21', 'cam-21'],
      ['relayed-sensor', null, 'relayed-sensor'],
      ['10.30.7.30', '10.30.7.30', null],
    ]);
    const cam = await store.assets.getByName('cam-21');
    expect(cam).toMatchObject({
      status: 'discovered',
      source: 'events',
      kind: 'other',
      ips: ['10.30.7.21'],
      hostnames: ['cam-21'],
      firstSeen: '2026-11-25T10:00:01.000Z',
      lastSeen: '2026-11-25T10:00:05.000Z',
    });
    expect(directory.lookup({ ip: '10.30.7.21' })?.status).toBe('discovered');
    const [row] = await store.audit.query({ limit: 5, order: 'asc', action: 'asset.discover' });
    expect(row).toMatchObject({ actorName: 'system', details: { count: 3 } });

    const again = await discovery.observe([event('2026-11-25T10:00:30.000Z', '10.30.7.21')]);
    expect(again).toEqual({ discovered: [], touched: 0 });
    expect(await store.assets.count()).toBe(4);
  });

  it('moves last seen of known assets, writing at most once a minute per asset', async () => {
    await service.create(analyst, {
      name: 'scada-01',
      kind: 'scada_server',
      ips: ['10.20.0.10'],
      hostnames: ['scada-01'],
    });
    await service.create(analyst, { name: 'hmi-01', kind: 'hmi', ips: ['10.20.0.20'] });
    expect(
      await discovery.observe([
        event('2026-11-25T10:00:00.000Z', '10.20.0.10'),
        event('2026-11-25T10:00:10.000Z', null, { 'host.name': 'SCADA-01' }),
        event('2026-11-25T10:00:20.000Z', '192.0.2.1', {
          'host.name': 'scada-01',
          'source.ip': '10.20.0.20',
          'destination.ip': '10.20.0.99',
        }),
      ]),
    ).toEqual({ discovered: [], touched: 2 });
    expect((await store.assets.getByName('scada-01'))!.lastSeen).toBe('2026-11-25T10:00:20.000Z');
    expect((await store.assets.getByName('hmi-01'))!.lastSeen).toBe('2026-11-25T10:00:20.000Z');
    // an unknown IP with a known host name is the known device at a new address: nothing new
    expect(await store.assets.count()).toBe(2);

    const soon = await discovery.observe([event('2026-11-25T10:00:50.000Z', '10.20.0.10')]);
    expect(soon.touched).toBe(0);
    const later = await discovery.observe([event('2026-11-25T10:01:30.000Z', '10.20.0.10')]);
    expect(later.touched).toBe(1);
    expect((await store.assets.getByName('scada-01'))!.lastSeen).toBe('2026-11-25T10:01:30.000Z');
  });

  it('gives a new device another name when its hostname is taken by a retired asset', async () => {
    await service.create(analyst, { name: 'kiosk-7', kind: 'workstation', ips: ['10.50.0.7'] });
    await service.retire(analyst, 'kiosk-7');
    const res = await discovery.observe([
      event('2026-11-25T10:00:00.000Z', '10.50.0.7', { 'host.name': 'kiosk-7' }),
    ]);
    expect(res.discovered.map((d) => d.name)).toEqual(['kiosk-7 (10.50.0.7)']);
  });
});

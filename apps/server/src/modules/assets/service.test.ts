import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, type PrahariError } from '@prahari/core';
import { Store } from '@prahari/store';
import { AuditService, type Actor } from '../audit/service.js';
import { AssetDirectory } from './directory.js';
import { AssetService } from './service.js';

const analyst: Actor = {
  principal: { kind: 'user', id: 'u-asha', name: 'asha', role: 'analyst', userId: 'u-asha' },
  ip: '127.0.0.1',
};
const water: Actor = {
  principal: { kind: 'user', id: 'u-water', name: 'water', role: 'owner', userId: 'u-water' },
  ip: '127.0.0.1',
};

let store: Store;
let clock: ManualClock;
let directory: AssetDirectory;
let service: AssetService;

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  clock = new ManualClock('2026-11-25T10:00:00.000Z');
  directory = new AssetDirectory(store.assets);
  await directory.refresh();
  service = new AssetService(store, new AuditService(store.audit, clock), clock, directory);
  for (const [id, username, role] of [
    ['u-asha', 'asha', 'analyst'],
    ['u-water', 'water', 'owner'],
    ['u-traffic', 'traffic', 'owner'],
  ] as const)
    await store.users.insert({
      id,
      username,
      displayName: username,
      role,
      department: null,
      passwordHash: 'h',
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: '2026-11-25T09:00:00.000Z',
      updatedAt: '2026-11-25T09:00:00.000Z',
      lastLoginAt: null,
    });
});
afterEach(() => store.close());

const auditRows = (action: string) => store.audit.query({ limit: 100, order: 'asc', action });

async function failure(p: Promise<unknown>): Promise<PrahariError> {
  try {
    await p;
  } catch (err) {
    return err as PrahariError;
  }
  throw new Error('expected a failure');
}

/** The README's example city: the block after `<!-- city-example -->`. */
export function readmeCity(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../../../../README.md'), 'utf8');
  const m = /<!-- city-example -->\s*```csv\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README has no city example');
  return m[1]!;
}

describe('assets: add, change, audit', () => {
  it('adds an asset in canonical form and audits every field it set', async () => {
    const res = await service.create(analyst, {
      name: 'scada-water-01',
      kind: 'SCADA Server',
      zone: 'OT',
      owner: 'water',
      criticality: 5,
      ips: '10.20.0.10; ::ffff:10.20.0.11',
      macs: ['00-1B-1B-AA-BB-CC'],
      hostnames: ['SCADA-01.water.city.local.'],
      cpe: 'cpe:2.3:a:schneider-electric:ecostruxure_geo_scada_expert:2023:*:*:*:*:*:*:*',
      tags: ['Water', 'scada'],
      personalData: 'no',
      latitude: 18.52,
      longitude: '73.85',
    });
    expect(res.asset).toMatchObject({
      kind: 'scada_server',
      zone: 'ot',
      ownerName: 'water',
      criticality: 5,
      ips: ['10.20.0.10', '10.20.0.11'],
      macs: ['00:1b:1b:aa:bb:cc'],
      hostnames: ['scada-01.water.city.local'],
      tags: ['water', 'scada'],
      longitude: 73.85,
      status: 'active',
      source: 'manual',
      createdBy: 'asha',
    });
    const [row] = await auditRows('asset.create');
    expect(row).toMatchObject({ actorName: 'asha', target: 'asset:scada-water-01' });
    expect(row!.details.changes).toMatchObject({
      criticality: { before: null, after: 5 },
      ownerId: { before: null, after: 'u-water' },
      ips: { before: null, after: ['10.20.0.10', '10.20.0.11'] },
    });
    expect(row!.details.changes).not.toHaveProperty('vendor');
    expect(directory.lookup({ ip: '::ffff:10.20.0.11' })).toMatchObject({
      name: 'scada-water-01',
      criticality: 5,
      zone: 'ot',
      owner: 'u-water',
      kind: 'scada_server',
    });
  });

  it('names every wrong field in one 400 and stores nothing', async () => {
    const err = await failure(
      service.create(analyst, {
        name: 'cam-01',
        kind: 'cctv',
        criticality: 7,
        ips: ['10.0.0.300'],
        macs: ['00:11:22'],
        cpe: 'cpe:2.3:h:hikvision:ds-2cd2143g2-i',
        owner: 'nobody',
        latitude: 18.5,
      }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toMatch(
      /^The asset is wrong: kind: 'cctv' is not a kind; use one of server/,
    );
    expect(err.message).toContain(
      'criticality: the criticality must be a whole number from 1 to 5',
    );
    expect(err.message).toContain("ips: '10.0.0.300' is not an IPv4 or IPv6 address");
    expect(err.message).toContain("macs: '00:11:22' is not a MAC address");
    expect(err.message).toContain('cpe: ');
    expect(err.message).toContain('has 3 attributes after cpe:2.3; a CPE 2.3 name has 11');
    expect(err.message).toContain("owner: there is no user 'nobody'");
    expect((err.details as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'kind',
      'criticality',
      'ips',
      'macs',
      'cpe',
      'owner',
    ]);
    const half = await failure(service.create(analyst, { name: 'x', kind: 'server', latitude: 1 }));
    expect(half.message).toBe(
      'The asset is wrong: longitude: give both latitude and longitude, or neither.',
    );
    expect(await store.assets.count()).toBe(0);
  });

  it('refuses a second asset with the same name or an address another asset has', async () => {
    await service.create(analyst, { name: 'vms-01', kind: 'nvr_vms', ips: ['10.10.1.11'] });
    expect(
      (await failure(service.create(analyst, { name: 'vms-01', kind: 'server' }))).status,
    ).toBe(409);
    const taken = await failure(
      service.create(analyst, { name: 'vms-02', kind: 'nvr_vms', ips: ['10.10.1.11'] }),
    );
    expect(taken).toMatchObject({
      status: 409,
      message: "10.10.1.11 already belongs to asset 'vms-01'",
    });
    await service.retire(analyst, 'vms-01', 'replaced by vms-02');
    const replacement = await service.create(analyst, {
      name: 'vms-02',
      kind: 'nvr_vms',
      ips: ['10.10.1.11'],
    });
    expect(replacement.asset.ips).toEqual(['10.10.1.11']);
    expect(directory.lookup({ ip: '10.10.1.11' })?.name).toBe('vms-02');
  });

  it('audits only the fields a change changed, before and after', async () => {
    await service.create(analyst, { name: 'db-01', kind: 'database', criticality: 3 });
    clock.advance(60_000);
    const res = await service.update(analyst, 'db-01', {
      criticality: 5,
      personalData: true,
      vendor: 'PostgreSQL',
      description: null,
    });
    expect(res.asset).toMatchObject({
      criticality: 5,
      personalData: true,
      updatedAt: '2026-11-25T10:01:00.000Z',
    });
    const [row] = await auditRows('asset.update');
    expect(row!.details.changes).toEqual({
      criticality: { before: 3, after: 5 },
      personalData: { before: false, after: true },
      vendor: { before: null, after: 'PostgreSQL' },
    });
    await service.update(analyst, 'db-01', { criticality: 5 });
    expect(await auditRows('asset.update')).toHaveLength(1);
  });

  it('confirms a discovered asset, retires and deletes with their audit rows', async () => {
    await service.create(analyst, { name: '10.30.7.99', kind: 'other', status: 'discovered' });
    const confirmed = await service.confirm(analyst, '10.30.7.99', {
      name: 'cam-ward07-jn-09',
      kind: 'camera',
      criticality: 2,
    });
    expect(confirmed.asset).toMatchObject({ name: 'cam-ward07-jn-09', status: 'active' });
    expect((await failure(service.confirm(analyst, 'cam-ward07-jn-09'))).status).toBe(409);
    const [c] = await auditRows('asset.confirm');
    expect(c!.details.changes).toMatchObject({ status: { before: 'discovered', after: 'active' } });
    await service.retire(analyst, confirmed.asset.id, 'pole knocked down');
    const [r] = await auditRows('asset.retire');
    expect(r!.details).toMatchObject({ reason: 'pole knocked down' });
    expect((await service.list(analyst, { limit: 10 })).assets).toEqual([]);
    expect((await service.list(analyst, { limit: 10, status: ['retired'] })).assets).toHaveLength(
      1,
    );
    await service.delete(analyst, confirmed.asset.id);
    expect(await auditRows('asset.delete')).toHaveLength(1);
    expect((await failure(service.get(analyst, confirmed.asset.id))).status).toBe(404);
  });
});

describe('assets: what an owner sees and may do', () => {
  beforeEach(async () => {
    await service.create(analyst, {
      name: 'scada-01',
      kind: 'scada_server',
      owner: 'water',
      criticality: 5,
    });
    await service.create(analyst, {
      name: 'plc-01',
      kind: 'plc_rtu',
      owner: 'water',
      criticality: 5,
    });
    await service.create(analyst, {
      name: 'signal-01',
      kind: 'traffic_controller',
      owner: 'traffic',
    });
    await service.createService(analyst, { name: 'Water supply', citizenImpact: 5 });
    await service.createService(analyst, { name: 'Traffic management', citizenImpact: 4 });
    await service.createEdge(analyst, { from: 'plc-01', to: 'scada-01', type: 'depends_on' });
    await service.createEdge(analyst, { from: 'scada-01', to: 'Water supply', type: 'supports' });
    await service.createEdge(analyst, {
      from: 'signal-01',
      to: 'Traffic management',
      type: 'supports',
    });
  });

  it('lists and shows only their assets, edges and services', async () => {
    const mine = await service.list(water, { limit: 10, owner: 'traffic' });
    expect(mine.assets.map((a) => a.name)).toEqual(['plc-01', 'scada-01']);
    expect((await service.get(water, 'scada-01')).services.map((s) => s.name)).toEqual([
      'Water supply',
    ]);
    expect(await failure(service.get(water, 'signal-01'))).toMatchObject({ status: 403 });
    expect((await service.listServices(water, { limit: 10 })).services.map((s) => s.name)).toEqual([
      'Water supply',
    ]);
    expect(await failure(service.getService(water, 'Traffic management'))).toMatchObject({
      status: 403,
    });
    const edges = await service.listEdges(water, { limit: 10 });
    expect(edges.edges.map((e) => `${e.fromName} ${e.type} ${e.toName}`).sort()).toEqual([
      'plc-01 depends_on scada-01',
      'scada-01 supports Water supply',
    ]);
  });

  it('may change the description and location of their own assets, nothing else', async () => {
    const res = await service.update(water, 'plc-01', {
      description: 'pump 3 controller',
      ward: 'Ward 3',
      site: 'Pumping station 3',
      latitude: 18.5,
      longitude: 73.8,
    });
    expect(res.asset).toMatchObject({ description: 'pump 3 controller', ward: 'Ward 3' });
    const refused = await failure(service.update(water, 'plc-01', { criticality: 1, owner: null }));
    expect(refused).toMatchObject({ status: 403 });
    expect(refused.message).toBe(
      'An owner may change only description, ward, site, latitude, longitude of their assets; ask an analyst to change criticality, owner.',
    );
    expect(await failure(service.update(water, 'signal-01', { description: 'x' }))).toMatchObject({
      status: 403,
    });
    expect((await store.assets.getByName('plc-01'))!.criticality).toBe(5);
  });
});

describe('city services and edges', () => {
  beforeEach(async () => {
    await service.create(analyst, { name: 'pump-station-3', kind: 'other' });
    await service.create(analyst, { name: 'feeder-a', kind: 'power_feeder' });
    await service.create(analyst, { name: 'feeder-b', kind: 'power_feeder' });
  });

  it('validates services and audits them', async () => {
    const bad = await failure(
      service.createService(analyst, { name: 'Water supply', citizenImpact: 9, mtdMinutes: -5 }),
    );
    expect(bad.message).toMatch(
      /^The city service is wrong: citizenImpact: the citizen impact must be a whole number from 1 to 5/,
    );
    expect(bad.message).toContain('mtdMinutes: the maximum tolerable downtime (minutes) must be');
    const ok = await service.createService(analyst, {
      name: 'Water supply',
      citizenImpact: 5,
      populationServed: 1_200_000,
      mtdMinutes: 240,
      owner: 'water',
    });
    expect(ok.service).toMatchObject({ citizenImpact: 5, ownerName: 'water' });
    await service.updateService(analyst, 'Water supply', { mtdMinutes: 120 });
    const [row] = await auditRows('service.update');
    expect(row!.details.changes).toEqual({ mtdMinutes: { before: 240, after: 120 } });
  });

  it('checks both ends, refuses duplicates, and warns about a redundancy group smaller than k', async () => {
    await service.createService(analyst, { name: 'Water supply', citizenImpact: 5 });
    const missing = await failure(
      service.createEdge(analyst, { from: 'pump-station-3', to: 'feeder-z', type: 'powered_by' }),
    );
    expect(missing.message).toBe("The edge is wrong: to: there is no asset 'feeder-z'.");
    const notService = await failure(
      service.createEdge(analyst, { from: 'pump-station-3', to: 'feeder-a', type: 'supports' }),
    );
    expect(notService.message).toContain("there is no city service 'feeder-a'");
    const badType = await failure(
      service.createEdge(analyst, { from: 'pump-station-3', to: 'feeder-a', type: 'feeds' }),
    );
    expect(badType.message).toContain("type: 'feeds' is not an edge type");

    const first = await service.createEdge(analyst, {
      from: 'pump-station-3',
      to: 'feeder-a',
      type: 'powered_by',
      timeToImpactMinutes: 30,
      redundancy: 'feeders:1',
    });
    expect(first.edge).toMatchObject({
      fromName: 'pump-station-3',
      toName: 'feeder-a',
      redundancyGroup: 'feeders',
      redundancyK: 1,
      timeToImpactMinutes: 30,
    });
    expect(first.warnings).toEqual([]);
    const twoNeeded = await service.createEdge(analyst, {
      from: 'pump-station-3',
      to: 'feeder-b',
      type: 'powered_by',
      redundancyGroup: 'feeders',
      redundancyK: 2,
    });
    expect(twoNeeded.warnings).toEqual([
      "the edges of redundancy group 'feeders' of 'pump-station-3' disagree on k (1, 2); give them all the same k",
    ]);
    const fixed = await service.updateEdge(analyst, twoNeeded.edge.id, { redundancyK: 1 });
    expect(fixed.warnings).toEqual([]);
    const lonely = await service.updateEdge(analyst, first.edge.id, { redundancy: 'ups:2' });
    expect(lonely.warnings).toEqual([
      "redundancy group 'ups' of 'pump-station-3' needs 2 of its edges up but has 1 so far: add the other paths, or 'pump-station-3' fails when any of these does",
    ]);
    const dup = await failure(
      service.createEdge(analyst, { from: 'pump-station-3', to: 'feeder-a', type: 'powered_by' }),
    );
    expect(dup.status).toBe(409);
    const [row] = await auditRows('asset_edge.update');
    expect(row!.details.changes).toEqual({ redundancyK: { before: 2, after: 1 } });
    const detail = await service.get(analyst, 'feeder-a');
    expect(detail.edgesIn.map((e) => e.fromName)).toEqual(['pump-station-3']);
  });
});

describe('import', () => {
  it("imports the README's small city from CSV: a dry run first, then all of it, then nothing changes", async () => {
    const csv = readmeCity();
    const dry = await service.import(analyst, { format: 'csv', text: csv, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, imported: false, errorCount: 0, ignoredColumns: [] });
    expect(dry.assets.added).toBeGreaterThanOrEqual(12);
    expect(dry.services.added).toBeGreaterThanOrEqual(4);
    expect(dry.edges.added).toBeGreaterThanOrEqual(15);
    expect(dry.warnings).toEqual([]);
    expect(await store.assets.count()).toBe(0);

    const real = await service.import(analyst, { format: 'csv', text: csv });
    expect(real).toMatchObject({ imported: true, assets: dry.assets, edges: dry.edges });
    const scada = await service.get(analyst, 'scada-water-01');
    expect(scada.asset).toMatchObject({
      zone: 'ot',
      criticality: 5,
      ownerName: 'water',
      source: 'import',
    });
    expect(scada.edgesIn.map((e) => e.fromName)).toEqual(['plc-pump-ws3-01', 'plc-pump-ws3-02']);
    const station = await service.get(analyst, 'pumping-station-3');
    expect(station.services.map((s) => s.name)).toEqual(['Water supply']);
    expect(station.edgesOut.find((e) => e.toName === 'feeder-11kv-ws3-b')).toMatchObject({
      type: 'powered_by',
      redundancyGroup: 'feeders',
      redundancyK: 1,
    });
    const [row] = await auditRows('asset.import');
    expect(row!.details).toMatchObject({ format: 'csv', assets: dry.assets });

    const again = await service.import(analyst, { format: 'csv', text: csv });
    expect(again).toMatchObject({
      assets: { added: 0, updated: 0 },
      services: { added: 0, updated: 0 },
      edges: { added: 0, updated: 0 },
    });
  });

  it('lists every bad row by line and column, and imports nothing while any is bad', async () => {
    const csv = [
      'name,kind,zone,criticality,ips,owner',
      'vms-01,nvr_vms,it,4,10.10.1.11,',
      'vms-02,nvr_vms,it,high,10.10.1.12,',
      ',camera,iot,2,,',
      'vms-03,nvr_vms,lan,4,10.10.1.11,nobody',
      '"cam, 2",camera,iot,2,10.30.0.2,',
      'vms-01,server,it,3,,',
      '',
      '[edges]',
      'from,to,type,time_to_impact',
      'vms-01,core-switch,network_via,10',
      'vms-01,vms-01,depends_on,',
      'vms-01,vms-02,depends_on,soon',
    ].join('\n');
    const dry = await service.import(analyst, { format: 'csv', text: csv, dryRun: true });
    expect(dry.errors.map((e) => `${e.line} ${e.record} ${e.field}`)).toEqual([
      '3 asset criticality',
      '4 asset name',
      '5 asset zone',
      '5 asset owner',
      '7 asset name',
      '11 edge to',
      '12 edge to',
      '13 edge time_to_impact_minutes',
    ]);
    expect(dry.errors[0]!.reason).toContain("not 'high'");
    expect(dry.errors.find((e) => e.line === 7)!.reason).toBe(
      "the asset 'vms-01' is also on line 2",
    );
    expect(dry.errors.find((e) => e.line === 11)!.reason).toBe(
      "there is no asset 'core-switch' in the register or in this import",
    );
    const real = await failure(service.import(analyst, { format: 'csv', text: csv }));
    expect(real.status).toBe(400);
    expect(real.message).toMatch(/^8 problem\(s\) in 9 row\(s\), so nothing was imported/);
    expect(await store.assets.count()).toBe(0);
  });

  it('imports JSON (assets, services, edges) naming bad items by the line they start on', async () => {
    const json = `{
  "assets": [
    {"name": "ptax-portal", "kind": "web_application", "zone": "dmz", "internetExposed": true},
    {"name": "payments", "kind": "payment_gateway",
     "criticality": 0}
  ],
  "services": [{"name": "Property tax", "citizenImpact": 3}],
  "edges": [{"from": "ptax-portal", "to": "Property tax", "type": "supports"}]
}`;
    const dry = await service.import(analyst, { format: 'json', text: json, dryRun: true });
    expect(dry.errors).toEqual([
      expect.objectContaining({ line: 4, record: 'asset', field: 'criticality', value: '0' }),
    ]);
    const fixed = json.replace('"criticality": 0', '"criticality": 4');
    const res = await service.import(analyst, { format: 'json', text: fixed });
    expect(res).toMatchObject({
      imported: true,
      assets: { added: 2 },
      services: { added: 1 },
      edges: { added: 1 },
    });
    const broken = await service.import(analyst, {
      format: 'json',
      text: '[\n  {"name": "x", "kind": "server"},\n  {"name": }\n]',
      dryRun: true,
    });
    expect(broken.errors[0]).toMatchObject({ line: 3, record: 'file', field: 'json' });
  });

  it('matches a row without a name by IP, and a row for a discovered asset confirms it', async () => {
    await service.create(analyst, {
      name: 'found-1',
      kind: 'other',
      ips: ['10.9.0.1'],
      status: 'discovered',
    });
    const res = await service.import(analyst, {
      format: 'csv',
      text: 'ip,kind,criticality\n10.9.0.1,camera,2\n10.9.0.2,camera,2\n',
    });
    expect(res.assets).toEqual({ added: 1, updated: 1 });
    expect(await store.assets.getByName('found-1')).toMatchObject({
      kind: 'camera',
      status: 'active',
    });
    expect(await store.assets.getByName('10.9.0.2')).toMatchObject({ ips: ['10.9.0.2'] });
  });
});

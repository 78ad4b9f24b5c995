import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';
import type { AssetEdgeRecord, AssetWrite, CityServiceWrite } from './asset-repositories.js';

let store: Store;
const at = '2026-11-25T10:00:00.000Z';

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  await store.users.insert({
    id: 'u-water',
    username: 'water',
    displayName: 'Water department',
    role: 'owner',
    department: 'Water',
    passwordHash: 'h',
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
  });
});
afterEach(() => store.close());

function asset(id: string, name: string, over: Partial<AssetWrite> = {}): AssetWrite {
  return {
    id,
    name,
    kind: 'server',
    zone: 'it',
    department: null,
    ownerId: null,
    criticality: 3,
    description: null,
    vendor: null,
    product: null,
    version: null,
    cpe: null,
    ward: null,
    site: null,
    latitude: null,
    longitude: null,
    tags: [],
    personalData: false,
    internetExposed: false,
    status: 'active',
    source: 'manual',
    osGuess: null,
    openServices: [],
    firstSeen: null,
    lastSeen: null,
    addresses: [],
    createdBy: 'test',
    createdAt: at,
    updatedBy: 'test',
    updatedAt: at,
    ...over,
  };
}

const service = (id: string, name: string): CityServiceWrite => ({
  id,
  name,
  description: null,
  citizenImpact: 5,
  populationServed: 1_200_000,
  mtdMinutes: 240,
  department: 'Water',
  ownerId: 'u-water',
  createdBy: 'test',
  createdAt: at,
  updatedBy: 'test',
  updatedAt: at,
});

const edge = (id: string, fromId: string, toId: string, type: AssetEdgeRecord['type']) => ({
  id,
  fromId,
  toId,
  type,
  timeToImpactMinutes: null,
  redundancyGroup: null,
  redundancyK: null,
  note: null,
  createdBy: 'test',
  createdAt: at,
  updatedBy: 'test',
  updatedAt: at,
});

describe('asset repositories', () => {
  it('stores assets with addresses, the owner joined, and finds them by address', async () => {
    await store.assets.write({
      insertAssets: [
        asset('a1', 'scada-01', {
          kind: 'scada_server',
          zone: 'ot',
          ownerId: 'u-water',
          criticality: 5,
          tags: ['water', 'scada'],
          personalData: true,
          latitude: 18.52,
          longitude: 73.85,
          addresses: [
            { type: 'ip', value: '10.20.0.5', label: null },
            { type: 'mac', value: '00:1b:1b:aa:bb:cc', label: 'Siemens AG' },
            { type: 'hostname', value: 'scada-01', label: null },
          ],
        }),
        asset('a2', 'cam-ward7-01', { kind: 'camera', zone: 'iot', criticality: 2 }),
      ],
    });
    const a = await store.assets.get('a1');
    expect(a).toMatchObject({
      name: 'scada-01',
      kind: 'scada_server',
      ownerId: 'u-water',
      ownerName: 'water',
      tags: ['water', 'scada'],
      personalData: true,
      internetExposed: false,
      latitude: 18.52,
      ips: ['10.20.0.5'],
      macs: ['00:1b:1b:aa:bb:cc'],
      hostnames: ['scada-01'],
    });
    expect((await store.assets.addresses(['a1'])).get('a1')).toContainEqual({
      type: 'mac',
      value: '00:1b:1b:aa:bb:cc',
      label: 'Siemens AG',
    });
    expect(await store.assets.findByAddresses('ip', ['10.20.0.5', '10.9.9.9'])).toEqual([
      { assetId: 'a1', assetName: 'scada-01', status: 'active', value: '10.20.0.5' },
    ]);
    await expect(store.assets.write({ insertAssets: [asset('a3', 'scada-01')] })).rejects.toThrow(
      /UNIQUE/,
    );
  });

  it('filters and pages by name', async () => {
    await store.assets.write({
      insertAssets: [
        asset('a1', 'alpha', { criticality: 5, tags: ['water'], ownerId: 'u-water' }),
        asset('a2', 'bravo', { criticality: 2, kind: 'camera' }),
        asset('a3', 'charlie', {
          criticality: 4,
          tags: ['waterworks'],
          addresses: [{ type: 'ip', value: '10.1.1.1', label: null }],
        }),
        asset('a4', 'delta', { status: 'retired' }),
      ],
    });
    const names = async (q: Parameters<typeof store.assets.list>[0]) =>
      (await store.assets.list(q)).map((a) => a.name);
    expect(await names({ limit: 10, minCriticality: 4 })).toEqual(['alpha', 'charlie']);
    expect(await names({ limit: 10, tag: 'water' })).toEqual(['alpha']);
    expect(await names({ limit: 10, kind: ['camera'] })).toEqual(['bravo']);
    expect(await names({ limit: 10, ownerId: 'u-water' })).toEqual(['alpha']);
    expect(await names({ limit: 10, status: ['retired'] })).toEqual(['delta']);
    expect(await names({ limit: 10, text: '10.1.' })).toEqual(['charlie']);
    expect(await names({ limit: 2 })).toEqual(['alpha', 'bravo']);
    expect(await names({ limit: 2, afterName: 'bravo' })).toEqual(['charlie', 'delta']);
    expect(await store.assets.idsOwnedBy('u-water')).toEqual(['a1']);
  });

  it('replaces addresses on update, moves last seen only forward, and the stamp ignores it', async () => {
    await store.assets.write({
      insertAssets: [
        asset('a1', 'vms-01', { addresses: [{ type: 'ip', value: '10.0.0.1', label: null }] }),
      ],
    });
    const stamp = await store.assets.stamp();
    await store.assets.touchSeen([{ id: 'a1', at: '2026-11-25T11:00:00.000Z' }]);
    await store.assets.touchSeen([{ id: 'a1', at: '2026-11-25T10:30:00.000Z' }]);
    expect((await store.assets.get('a1'))!.lastSeen).toBe('2026-11-25T11:00:00.000Z');
    expect(await store.assets.stamp()).toEqual(stamp);

    await store.assets.write({
      updateAssets: [
        {
          id: 'a1',
          patch: {
            criticality: 5,
            updatedAt: '2026-11-25T12:00:00.000Z',
            addresses: [{ type: 'ip', value: '10.0.0.2', label: null }],
          },
        },
      ],
    });
    expect(await store.assets.get('a1')).toMatchObject({ criticality: 5, ips: ['10.0.0.2'] });
    expect(await store.assets.stamp()).toEqual({
      count: 1,
      lastUpdatedAt: '2026-11-25T12:00:00.000Z',
    });
    const dir = await store.assets.directory();
    expect(dir).toEqual([
      expect.objectContaining({
        id: 'a1',
        name: 'vms-01',
        lastSeen: '2026-11-25T11:00:00.000Z',
        addresses: [{ type: 'ip', value: '10.0.0.2' }],
      }),
    ]);
  });

  it('keeps services and edges; deleting an asset or a service removes its edges', async () => {
    await store.assets.write({
      insertAssets: [asset('a1', 'scada-01'), asset('a2', 'feeder-11kv', { kind: 'power_feeder' })],
      insertServices: [service('s1', 'Water supply')],
      insertEdges: [
        edge('e1', 'a1', 'a2', 'powered_by'),
        edge('e2', 'a1', 's1', 'supports'),
        edge('e3', 'a2', 's1', 'supports'),
      ],
    });
    expect(await store.cityServices.getByName('Water supply')).toMatchObject({
      citizenImpact: 5,
      mtdMinutes: 240,
      ownerName: 'water',
    });
    expect(await store.assetEdges.find('a1', 'a2', 'powered_by')).toMatchObject({ id: 'e1' });
    expect((await store.assetEdges.touching(['a2'])).map((e) => e.id)).toEqual(['e1', 'e3']);
    expect((await store.assetEdges.list({ limit: 10, nodeId: 's1' })).map((e) => e.id)).toEqual([
      'e2',
      'e3',
    ]);
    await expect(store.assetEdges.insert(edge('e4', 'a1', 'a2', 'powered_by'))).rejects.toThrow(
      /UNIQUE/,
    );
    await store.assetEdges.update('e1', {
      timeToImpactMinutes: 30,
      redundancyGroup: 'power',
      redundancyK: 1,
    });
    expect(await store.assetEdges.get('e1')).toMatchObject({
      timeToImpactMinutes: 30,
      redundancyGroup: 'power',
      redundancyK: 1,
    });

    expect(await store.assets.delete('a2')).toBe(true);
    expect((await store.assetEdges.all()).map((e) => e.id)).toEqual(['e2']);
    expect(await store.cityServices.delete('s1')).toBe(true);
    expect(await store.assetEdges.all()).toEqual([]);
  });

  it('writes a batch all or nothing', async () => {
    await expect(
      store.assets.write({
        insertAssets: [asset('a1', 'one'), asset('a2', 'one')],
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await store.assets.count()).toBe(0);
  });
});

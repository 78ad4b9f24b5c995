import { describe, expect, it } from 'vitest';
import { queryString } from '../api/client';
import type { Asset, CityService, RiskEntry } from '../api/types';
import {
  DEFAULT_ASSET_FILTER,
  assetFilterFromParams,
  assetFilterToParams,
  assetListQuery,
  assetRow,
  isFiltered,
  kindLabel,
  riskIndex,
  servicesAtRisk,
  zoneLabel,
} from './assets';

function asset(over: Partial<Asset>): Asset {
  return {
    id: 'a1',
    name: 'scada-water-01',
    kind: 'scada_server',
    zone: 'ot',
    department: 'Water',
    ownerId: 'u1',
    ownerName: 'water',
    criticality: 5,
    description: null,
    vendor: 'Schneider Electric',
    product: 'EcoStruxure Geo SCADA Expert',
    version: '2023',
    cpe: null,
    ward: 'Ward 3',
    site: 'Water treatment plant',
    latitude: null,
    longitude: null,
    tags: ['water', 'scada'],
    personalData: false,
    internetExposed: false,
    status: 'active',
    source: 'import',
    osGuess: null,
    openServices: [],
    firstSeen: null,
    lastSeen: null,
    ips: ['10.20.0.10'],
    macs: [],
    hostnames: ['scada-01'],
    createdBy: 'admin',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedBy: 'admin',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}

describe('asset filter', () => {
  it('round-trips through the address, leaving defaults out', () => {
    expect(assetFilterToParams(DEFAULT_ASSET_FILTER)).toEqual({
      q: undefined,
      kind: undefined,
      zone: undefined,
      department: undefined,
      owner: undefined,
      minCriticality: undefined,
      status: undefined,
    });
    expect(isFiltered(DEFAULT_ASSET_FILTER)).toBe(false);
    const f = {
      ...DEFAULT_ASSET_FILTER,
      q: 'scada ',
      zone: 'ot',
      minCriticality: '4',
      status: 'discovered' as const,
    };
    const params = new URLSearchParams(
      Object.entries(assetFilterToParams(f)).filter(([, v]) => v !== undefined) as [
        string,
        string,
      ][],
    );
    expect(params.toString()).toBe('q=scada&zone=ot&minCriticality=4&status=discovered');
    expect(assetFilterFromParams(params)).toEqual({ ...f, q: 'scada' });
    expect(isFiltered(f)).toBe(true);
  });

  it('ignores what the address cannot mean', () => {
    const f = assetFilterFromParams(new URLSearchParams('minCriticality=9&status=gone'));
    expect(f.minCriticality).toBe('');
    expect(f.status).toBe('current');
  });

  it('asks the API with repeated list parameters, and for every status when all are wanted', () => {
    expect(queryString(assetListQuery(DEFAULT_ASSET_FILTER))).toBe('');
    expect(
      queryString(
        assetListQuery({ ...DEFAULT_ASSET_FILTER, kind: 'camera', owner: ' asha ', status: 'all' }),
      ),
    ).toBe('?kind=camera&owner=asha&status=active&status=discovered&status=retired');
    expect(queryString(assetListQuery({ ...DEFAULT_ASSET_FILTER, status: 'discovered' }))).toBe(
      '?status=discovered',
    );
  });
});

describe('asset rows', () => {
  it('keeps what the table shows: the first IP, else a hostname, and where it is', () => {
    expect(assetRow(asset({}))).toEqual({
      id: 'a1',
      name: 'scada-water-01',
      kind: 'scada_server',
      zone: 'ot',
      department: 'Water',
      ownerName: 'water',
      criticality: 5,
      status: 'active',
      address: '10.20.0.10',
      place: 'Ward 3, Water treatment plant',
      lastSeen: null,
      internetExposed: false,
      personalData: false,
    });
    expect(assetRow(asset({ ips: [], ward: null })).address).toBe('scada-01');
    expect(assetRow(asset({ ips: [], hostnames: [], ward: null, site: null }))).toMatchObject({
      address: '',
      place: '',
    });
  });

  it('joins risk and open alerts by asset id', () => {
    const entry = {
      rank: 1,
      id: 'a1',
      name: 'scada-water-01',
      score: 71.5,
      components: {} as RiskEntry['components'],
      servicesDown: ['s1'],
      openAlerts: { count: 3, maxLevel: 'high' },
    } satisfies RiskEntry;
    const index = riskIndex([entry, { ...entry, id: 'a2', rank: 2, score: 10, openAlerts: null }]);
    expect(index.get('a1')).toEqual({ score: 71.5, rank: 1, openAlerts: 3, maxLevel: 'high' });
    expect(index.get('a2')).toEqual({ score: 10, rank: 2, openAlerts: 0, maxLevel: null });
    expect(index.get('a3')).toBeUndefined();
  });

  it('lists the services the riskiest assets would take down, most citizens first', () => {
    const service = (id: string, name: string, citizenImpact: number) =>
      ({ id, name, citizenImpact }) as CityService;
    const services = new Map([
      ['water', service('water', 'Water supply', 5)],
      ['ptax', service('ptax', 'Property tax', 3)],
    ]);
    const entry = (id: string, score: number, servicesDown: string[]): RiskEntry => ({
      rank: 0,
      id,
      name: id,
      score,
      components: {} as RiskEntry['components'],
      servicesDown,
      openAlerts: null,
    });
    const atRisk = servicesAtRisk(
      [
        entry('ptax-db', 80, ['ptax']),
        entry('core-switch', 60, ['water', 'ptax', 'retired-service']),
        entry('scada-01', 70, ['water']),
        entry('lab-pc', 5, []),
      ],
      services,
    );
    expect(atRisk.map((s) => [s.service.name, s.assets.map((a) => a.name)])).toEqual([
      ['Water supply', ['scada-01', 'core-switch']],
      ['Property tax', ['ptax-db', 'core-switch']],
    ]);
  });

  it('writes kinds and zones as people read them', () => {
    expect(kindLabel('network_device')).toBe('network device');
    expect(zoneLabel('ot')).toBe('OT');
    expect(zoneLabel('cloud')).toBe('cloud');
    expect(zoneLabel(null)).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { buildGraph, singlePointsOfFailure, type ImpactGraph } from '@prahari/core';
import { DEFAULT_SEED, demoCity, importDocument, type DemoCity } from './model.js';

function graphOf(city: DemoCity): ImpactGraph {
  return buildGraph(
    city.assets.map((a) => ({
      id: a.name,
      name: a.name,
      kind: a.kind,
      criticality: a.criticality,
    })),
    city.services.map((s) => ({
      id: s.name,
      name: s.name,
      citizenImpact: s.citizenImpact,
      populationServed: s.populationServed,
      maxTolerableDowntimeMinutes: s.mtdMinutes,
    })),
    city.edges.map((e) => ({
      from: e.from,
      to: e.to,
      type: e.type,
      timeToImpactMinutes: e.timeToImpactMinutes ?? null,
      redundancy: e.redundancyGroup ? { group: e.redundancyGroup, k: e.redundancyK ?? 1 } : null,
    })),
  );
}

/** service name → its single points of failure, sorted */
function spofsByService(city: DemoCity): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(city.services.map((s) => [s.name, []]));
  for (const spof of singlePointsOfFailure(graphOf(city)))
    for (const s of spof.services) out[s.name]!.push(spof.name);
  for (const list of Object.values(out)) list.sort();
  return out;
}

/**
 * The city's weak spots, by design: where a real city typically has one of something. A change
 * to the model that moves them is a change to what the demo teaches, so it must show here.
 */
const SPOFS: Record<string, string[]> = {
  'Water supply – zone A (wards 1–8)': ['ot-core-sw-01', 'ps-1-plc'],
  'Water supply – zone B (wards 9–16)': ['ot-core-sw-01', 'ps-2-plc', 'substation-east'],
  'Water supply – zone C (wards 17–24)': [
    'feeder-ps3',
    'ot-core-sw-01',
    'ps-3-plc',
    'substation-west',
  ],
  'CCTV monitoring at the ICCC': ['videowall-01', 'vms-sql-01'],
  'ICCC city operations platform': [],
  'Adaptive traffic signal control': ['atcs-srv-01'],
  'Power supply monitoring': ['ot-core-sw-01', 'power-scada-01'],
  'Air quality and flood early warning': ['env-platform-01', 'mqtt-broker-01'],
  'Public Wi-Fi': ['fw-dmz-01', 'radius-01', 'wifi-portal-01', 'wlc-01'],
  'Property tax payments': ['fw-dmz-01', 'pay-gw-01', 'ptax-db-01'],
  'Birth and death certificates': ['cert-db-01', 'cert-web-01', 'fw-dmz-01'],
  'Online payments to the city': ['fw-dmz-01', 'pay-gw-01'],
  'Municipal e-office': ['eoffice-app-01'],
};

describe('the Demo City model', () => {
  const city = demoCity();

  it('is a city of a few hundred assets of every kind a smart city runs', () => {
    expect(city.assets.length).toBeGreaterThan(250);
    expect(city.assets.length).toBeLessThan(450);
    const kinds = new Set(city.assets.map((a) => a.kind));
    for (const kind of [
      'camera',
      'nvr_vms',
      'traffic_controller',
      'plc_rtu',
      'scada_server',
      'hmi',
      'sensor',
      'wifi_ap',
      'web_application',
      'database',
      'payment_gateway',
      'firewall',
      'network_device',
      'power_feeder',
      'ups',
      'workstation',
      'server',
    ])
      expect(kinds, kind).toContain(kind);
    expect(city.services.length).toBe(13);
  });

  it('is the same city for the same seed and a different one for another', () => {
    expect(JSON.stringify(demoCity(DEFAULT_SEED))).toBe(JSON.stringify(city));
    const other = demoCity(7);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(city));
    // what a drill or a dashboard bookmark names stays put whatever the seed
    for (const name of [
      'iccc-app-02',
      'vms-02',
      'ps-2-plc',
      'ptax-web-01',
      'pay-gw-01',
      'cert-db-01',
    ])
      expect(
        other.assets.some((a) => a.name === name),
        name,
      ).toBe(true);
  });

  it('gives every asset an owner who heads its department, and unique names and addresses', () => {
    const owners = new Map(city.owners.map((o) => [o.username, o]));
    for (const a of city.assets) {
      expect(city.departments, a.name).toContain(a.department);
      expect(owners.get(a.owner)?.department, a.name).toBe(a.department);
    }
    for (const s of city.services)
      expect(owners.get(s.owner)?.department, s.name).toBe(s.department);
    const names = city.assets.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const field of ['ips', 'macs', 'hostnames'] as const) {
      const all = city.assets.flatMap((a) => a[field] ?? []);
      expect(new Set(all).size, field).toBe(all.length);
    }
    const devices = new Set(city.devices.map((d) => d.name));
    expect(devices).toEqual(new Set(names));
  });

  it('marks the systems holding citizens’ personal data and those on the internet', () => {
    const personal = city.assets.filter((a) => a.personalData).map((a) => a.name);
    expect(personal).toEqual(
      expect.arrayContaining(['ptax-db-01', 'cert-db-01', 'ptax-web-01', 'cert-web-01']),
    );
    const exposed = city.assets.filter((a) => a.internetExposed).map((a) => a.name);
    expect(exposed).toEqual(
      expect.arrayContaining(['ptax-web-01', 'cert-web-01', 'pay-gw-01', 'fw-dmz-01']),
    );
  });

  it('has a dependency graph the cascade analysis accepts, with no warnings', () => {
    const graph = graphOf(city);
    expect(graph.warnings).toEqual([]);
    expect(graph.assetCount).toBe(city.assets.length);
  });

  it('has no dependency cycles: power, network and data flow one way', () => {
    const needs = new Map<string, string[]>();
    for (const e of city.edges)
      if (e.type !== 'supports') needs.set(e.from, [...(needs.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (n: string, path: string[]): void => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting') throw new Error(`cycle: ${[...path, n].join(' → ')}`);
      state.set(n, 'visiting');
      for (const m of needs.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of needs.keys()) visit(n, []);
  });

  it('has exactly the designed single points of failure for every service', () => {
    expect(spofsByService(city)).toEqual(SPOFS);
  });

  it('keeps the same single points of failure whatever the seed', () => {
    for (const seed of [2, 99, 12345])
      expect(spofsByService(demoCity(seed)), `seed ${seed}`).toEqual(SPOFS);
  });

  it('names its SCADA masters and camera networks for the rules that need them', () => {
    const masters = city.devices
      .filter((d) => ['scada-server', 'hmi', 'historian', 'power-scada'].includes(d.role))
      .map((d) => d.ip);
    expect([...city.placeholders.scada_masters].sort()).toEqual([...masters].sort());
    for (const camera of city.devices.filter((d) => d.role === 'camera')) {
      const net = `${camera.ip!.split('.').slice(0, 3).join('.')}.*`;
      expect(city.placeholders.camera_networks, camera.name).toContain(net);
    }
  });

  it('imports as one JSON document of assets, services and edges', () => {
    const doc = importDocument(city);
    expect(Object.keys(doc)).toEqual(['assets', 'services', 'edges']);
    const names = new Set([...city.assets.map((a) => a.name), ...city.services.map((s) => s.name)]);
    for (const e of doc.edges) {
      expect(names.has(e.from), e.from).toBe(true);
      expect(names.has(e.to), e.to).toBe(true);
    }
  });
});

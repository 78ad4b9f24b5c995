/**
 * Small hand-made cities with answers worked out by hand, for the tests (and for anyone trying
 * the engine out). Times are minutes.
 */
import { seededRandom } from '../random.js';
import { buildGraph, type ImpactGraph } from './graph.js';
import type { ImpactAsset, ImpactEdge, ImpactService } from './types.js';

export interface City {
  assets: ImpactAsset[];
  services: ImpactService[];
  edges: ImpactEdge[];
}

/**
 * Water: SCADA server → PLC 3 / PLC 4 → pumping stations 3 / 4 (buffer tanks: 30 min) → water
 * supply to wards 12 / 13. Pumping station 3 has two independent feeders (k=1) from two
 * substations; pumping station 4 hangs on feeder A alone.
 */
export function waterCity(): City {
  return {
    assets: [
      { id: 'scada', name: 'SCADA server', kind: 'scada_server', criticality: 5, zone: 'OT' },
      { id: 'plc3', name: 'PLC 3', kind: 'plc', criticality: 4, zone: 'OT' },
      { id: 'plc4', name: 'PLC 4', kind: 'plc', criticality: 4, zone: 'OT' },
      { id: 'pump3', name: 'Pumping station 3', kind: 'pumping_station', criticality: 5 },
      { id: 'pump4', name: 'Pumping station 4', kind: 'pumping_station', criticality: 5 },
      { id: 'feederA', name: 'Feeder A', kind: 'power_feeder', criticality: 4 },
      { id: 'feederB', name: 'Feeder B', kind: 'power_feeder', criticality: 4 },
      { id: 'sub1', name: 'Substation 1', kind: 'substation', criticality: 5 },
      { id: 'sub2', name: 'Substation 2', kind: 'substation', criticality: 5 },
    ],
    services: [
      {
        id: 'water-w12',
        name: 'Water supply ward 12',
        citizenImpact: 5,
        populationServed: 40_000,
        maxTolerableDowntimeMinutes: 240,
      },
      {
        id: 'water-w13',
        name: 'Water supply ward 13',
        citizenImpact: 5,
        populationServed: 25_000,
        maxTolerableDowntimeMinutes: 120,
      },
    ],
    edges: [
      { from: 'plc3', to: 'scada', type: 'depends_on' },
      { from: 'plc4', to: 'scada', type: 'depends_on' },
      { from: 'pump3', to: 'plc3', type: 'depends_on', timeToImpactMinutes: 30 },
      { from: 'pump4', to: 'plc4', type: 'depends_on', timeToImpactMinutes: 30 },
      { from: 'pump3', to: 'feederA', type: 'powered_by', redundancy: { group: 'power', k: 1 } },
      { from: 'pump3', to: 'feederB', type: 'powered_by', redundancy: { group: 'power', k: 1 } },
      { from: 'pump4', to: 'feederA', type: 'powered_by' },
      { from: 'feederA', to: 'sub1', type: 'powered_by' },
      { from: 'feederB', to: 'sub2', type: 'powered_by' },
      { from: 'pump3', to: 'water-w12', type: 'supports' },
      { from: 'pump4', to: 'water-w13', type: 'supports' },
    ],
  };
}

/**
 * ICCC video wall: three VMS servers of which the wall needs two (2-of-3), all behind one core
 * switch (a single point of failure) and on data-centre power with a UPS (30 min).
 */
export function icccCity(): City {
  const vms = ['vms1', 'vms2', 'vms3'];
  return {
    assets: [
      ...vms.map((id, i) => ({
        id,
        name: `VMS server ${i + 1}`,
        kind: 'vms',
        criticality: 4,
        zone: 'IT',
      })),
      { id: 'core', name: 'Core switch', kind: 'network_device', criticality: 5, zone: 'IT' },
      { id: 'dcpower', name: 'Data-centre power', kind: 'power', criticality: 5 },
      { id: 'wall', name: 'Video wall controller', kind: 'server', criticality: 4, zone: 'IT' },
    ],
    services: [
      {
        id: 'cctv',
        name: 'CCTV monitoring at the ICCC',
        citizenImpact: 4,
        populationServed: 1_000_000,
        maxTolerableDowntimeMinutes: 60,
      },
    ],
    edges: [
      ...vms.flatMap((id): ImpactEdge[] => [
        { from: id, to: 'core', type: 'network_via' },
        { from: id, to: 'dcpower', type: 'powered_by', timeToImpactMinutes: 30 },
        { from: 'wall', to: id, type: 'data_from', redundancy: { group: 'vms', k: 2 } },
      ]),
      { from: 'wall', to: 'core', type: 'network_via' },
      { from: 'wall', to: 'cctv', type: 'supports' },
    ],
  };
}

/** Property tax portal: web app on a database and a payment gateway, behind a firewall. */
export function taxCity(): City {
  return {
    assets: [
      {
        id: 'portal',
        name: 'Property tax portal',
        kind: 'web_application',
        criticality: 4,
        zone: 'DMZ',
        internetExposed: true,
        personalData: true,
      },
      {
        id: 'taxdb',
        name: 'Property tax database',
        kind: 'database',
        criticality: 5,
        zone: 'IT',
        personalData: true,
      },
      {
        id: 'paygw',
        name: 'Payment gateway',
        kind: 'payment_gateway',
        criticality: 4,
        zone: 'cloud',
        internetExposed: true,
      },
      { id: 'fw', name: 'DMZ firewall', kind: 'firewall', criticality: 4, zone: 'DMZ' },
      { id: 'printer', name: 'Ward office printer', kind: 'printer', criticality: 1 },
    ],
    services: [
      {
        id: 'property-tax',
        name: 'Property tax payments',
        citizenImpact: 2,
        populationServed: 300_000,
        maxTolerableDowntimeMinutes: 1440,
      },
    ],
    edges: [
      { from: 'portal', to: 'taxdb', type: 'depends_on' },
      { from: 'portal', to: 'paygw', type: 'depends_on' },
      { from: 'portal', to: 'fw', type: 'network_via' },
      { from: 'portal', to: 'property-tax', type: 'supports' },
    ],
  };
}

/** Several cities in one register (ids do not clash). */
export function merge(...cities: City[]): City {
  return {
    assets: cities.flatMap((c) => c.assets),
    services: cities.flatMap((c) => c.services),
    edges: cities.flatMap((c) => c.edges),
  };
}

/** A random city of `size` assets and 5 services: edges with delays, k-of-n groups, cycles. */
export function randomCity(seed: number, size = 40, edgeCount = 110): ImpactGraph {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const assets = Array.from({ length: size }, (_, i) => ({ id: `a${i}`, name: `A${i}` }));
  const services = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, name: `S${i}` }));
  const edges: ImpactEdge[] = [];
  const seen = new Set<string>();
  let groupNo = 0;
  while (edges.length < edgeCount) {
    const from = int(size);
    if (rand() < 0.25) {
      // a k-of-n group of 2–4 dependencies
      const n = 2 + int(3);
      const k = 1 + int(n);
      const members = new Set<number>();
      while (members.size < n) {
        const d = int(size);
        if (d !== from) members.add(d);
      }
      const group = `g${groupNo++}`;
      for (const d of members)
        edges.push({
          from: `a${from}`,
          to: `a${d}`,
          type: 'depends_on',
          timeToImpactMinutes: int(4) * 10,
          redundancy: { group, k },
        });
    } else {
      const to = int(size);
      if (to === from || seen.has(`${from}>${to}`)) continue;
      seen.add(`${from}>${to}`);
      edges.push({
        from: `a${from}`,
        to: `a${to}`,
        type: 'depends_on',
        ...(rand() < 0.5 ? { timeToImpactMinutes: int(6) * 5 } : {}),
      });
    }
  }
  for (let s = 0; s < 5; s++)
    for (let j = 0; j < 3; j++)
      edges.push({ from: `a${int(size)}`, to: `s${s}`, type: 'supports' });
  // duplicates of supports edges are harmless hard edges
  return buildGraph(assets, services, edges);
}

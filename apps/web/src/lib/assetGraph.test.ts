import { describe, expect, it } from 'vitest';
import type { AffectedNode, BlastRadius, GraphView, GraphViewNode, ImpactStep } from '../api/types';
import {
  chainOf,
  edgeId,
  formatMinutes,
  graphElements,
  impactBand,
  impactMarks,
  layerPositions,
  serviceImpacts,
  viewMarks,
} from './assetGraph';

const node = (
  over: Partial<GraphViewNode> & Pick<GraphViewNode, 'id' | 'name'>,
): GraphViewNode => ({
  kind: 'asset',
  assetKind: 'other',
  zone: 'ot',
  criticality: 3,
  internetExposed: false,
  personalData: false,
  openAlerts: null,
  citizenImpact: null,
  maxTolerableDowntimeMinutes: null,
  hops: 0,
  ...over,
});

/**
 * Pumping station 3 runs while either PLC works; both PLCs keep their setpoints for an hour
 * without the SCADA server; the reservoir carries water supply four hours past the station.
 */
const water: GraphView = {
  nodes: [
    node({ id: 'scada', name: 'scada-water-01', assetKind: 'scada_server', criticality: 5 }),
    node({ id: 'plc1', name: 'plc-pump-ws3-01', assetKind: 'plc_rtu' }),
    node({ id: 'plc2', name: 'plc-pump-ws3-02', assetKind: 'plc_rtu' }),
    node({ id: 'pump', name: 'pumping-station-3', zone: null }),
    node({ id: 'water', name: 'Water supply', kind: 'service', zone: null, citizenImpact: 5 }),
  ],
  edges: [
    { from: 'plc1', to: 'scada', type: 'depends_on', timeToImpactMinutes: 60, redundancy: null },
    { from: 'plc2', to: 'scada', type: 'depends_on', timeToImpactMinutes: 60, redundancy: null },
    {
      from: 'pump',
      to: 'plc1',
      type: 'depends_on',
      timeToImpactMinutes: null,
      redundancy: { group: 'plcs', k: 1 },
    },
    {
      from: 'pump',
      to: 'plc2',
      type: 'depends_on',
      timeToImpactMinutes: null,
      redundancy: { group: 'plcs', k: 1 },
    },
    { from: 'pump', to: 'water', type: 'supports', timeToImpactMinutes: 240, redundancy: null },
  ],
  complete: true,
  total: { assets: 4, services: 1, edges: 5 },
};

const step = (
  dependency: string,
  dependent: string,
  edgeAt: number,
  failedAt: number,
): ImpactStep => {
  const e = water.edges.find(
    (x) =>
      (x.type === 'supports' ? [x.from, x.to] : [x.to, x.from]).join() ===
      `${dependency},${dependent}`,
  )!;
  return { dependency, dependent, edge: e, dependencyFailedAt: failedAt, at: edgeAt };
};

const affected = (
  id: string,
  name: string,
  at: number,
  path: ImpactStep[],
  kind: 'asset' | 'service' = 'asset',
): AffectedNode => ({
  id,
  name,
  kind,
  at,
  root: path.length === 0,
  cause: path.at(-1) ?? null,
  depth: path.length,
  path,
});

/** What GET /impact/blast-radius?asset=scada-water-01 answers for this city. */
const scadaDown: BlastRadius = {
  roots: [{ id: 'scada', at: 0 }],
  horizonMinutes: null,
  affected: [
    affected('scada', 'scada-water-01', 0, []),
    affected('plc1', 'plc-pump-ws3-01', 60, [step('scada', 'plc1', 60, 0)]),
    affected('plc2', 'plc-pump-ws3-02', 60, [step('scada', 'plc2', 60, 0)]),
    affected('pump', 'pumping-station-3', 60, [
      step('scada', 'plc2', 60, 0),
      step('plc2', 'pump', 60, 60),
    ]),
    affected(
      'water',
      'Water supply',
      300,
      [step('scada', 'plc2', 60, 0), step('plc2', 'pump', 60, 60), step('pump', 'water', 300, 60)],
      'service',
    ),
  ],
  assetsAffected: 4,
  servicesAffected: 1,
  survived: [],
};

describe('the graph Cytoscape draws', () => {
  it('draws each edge the way a failure travels, labelled with its delay and redundancy', () => {
    const elements = graphElements(water, { groupByZone: false });
    const edges = elements.filter((e) => e.group === 'edges').map((e) => e.data);
    expect(edges).toContainEqual({
      id: 'plc1>scada:depends_on',
      source: 'scada',
      target: 'plc1',
      type: 'depends_on',
      label: '1 h',
    });
    expect(edges).toContainEqual({
      id: 'pump>plc2:depends_on',
      source: 'plc2',
      target: 'pump',
      type: 'depends_on',
      label: '1 of 2',
    });
    // an asset supporting a service: asset → service
    expect(edges).toContainEqual(
      expect.objectContaining({ source: 'pump', target: 'water', label: '4 h' }),
    );
    const classes = Object.fromEntries(elements.map((e) => [e.data.id, e.classes]));
    expect(classes['scada']).toBe('asset zone-ot vital centre');
    expect(classes['pump']).toBe('asset zone-none centre');
    expect(classes['water']).toBe('service centre');
    expect(classes['pump>plc1:depends_on']).toBe('edge-depends_on redundant');
  });

  it('puts assets in one box per zone and services in their own, when asked', () => {
    const elements = graphElements(water, { groupByZone: true });
    const boxes = elements.filter((e) => e.classes === 'zone-box').map((e) => e.data);
    expect(boxes).toEqual([
      { id: 'zone:none', label: 'No zone' },
      { id: 'zone:ot', label: 'OT' },
      { id: 'zone:services', label: 'City services' },
    ]);
    const parent = (id: string) => elements.find((e) => e.data.id === id)!.data.parent;
    expect([parent('scada'), parent('pump'), parent('water')]).toEqual([
      'zone:ot',
      'zone:none',
      'zone:services',
    ]);
  });
});

describe('the marks of a blast radius', () => {
  it('colours each node by how soon it stops, and follows the failure along edges', () => {
    const marks = impactMarks(scadaDown);
    expect(Object.fromEntries([...marks.nodes].map(([id, m]) => [id, m.band]))).toEqual({
      scada: 'root',
      plc1: 'within-60',
      plc2: 'within-60',
      pump: 'within-60',
      water: 'later',
    });
    expect([...marks.edges].sort()).toEqual(
      [
        edgeId({ from: 'plc1', to: 'scada', type: 'depends_on' }),
        edgeId({ from: 'plc2', to: 'scada', type: 'depends_on' }),
        edgeId({ from: 'pump', to: 'plc2', type: 'depends_on' }),
        edgeId({ from: 'pump', to: 'water', type: 'supports' }),
      ].sort(),
    );
    expect(marks.survived.size).toBe(0);
  });

  it('marks what redundancy kept working, unless it failed anyway', () => {
    const marks = impactMarks({
      ...scadaDown,
      affected: [affected('plc1', 'plc-pump-ws3-01', 0, [])],
      survived: [
        {
          id: 'pump',
          name: 'pumping-station-3',
          kind: 'asset',
          group: 'plcs',
          k: 1,
          n: 2,
          lost: ['plc1'],
          working: 1,
        },
      ],
    });
    expect([...marks.survived]).toEqual(['pump']);
  });

  it('bands times at 15 min, 1 h and 4 h; a root the cascade reached first takes its time', () => {
    const band = (at: number, root = false, cause: ImpactStep | null = null) =>
      impactBand({ at, root, cause });
    expect([band(0, true), band(0), band(15), band(16), band(60), band(240), band(241)]).toEqual([
      'root',
      'within-15',
      'within-15',
      'within-60',
      'within-60',
      'within-240',
      'later',
    ]);
    expect(band(30, true, step('scada', 'plc1', 30, 0))).toBe('within-60');
  });

  it('lists the services it takes down with when each passes its maximum tolerable downtime', () => {
    const impacts = serviceImpacts(scadaDown, new Map([['water', { mtdMinutes: 240 }]]));
    expect(impacts).toEqual([
      {
        id: 'water',
        name: 'Water supply',
        downAt: 300,
        mtdMinutes: 240,
        mtdExceededAt: 540,
        chain: ['scada-water-01', 'plc-pump-ws3-02', 'pumping-station-3', 'Water supply'],
      },
    ]);
    expect(serviceImpacts(scadaDown, new Map())[0]!.mtdExceededAt).toBeNull();
    // without paths (GET /impact/blast-radius?paths=false), the causes lead back to the root
    const byId = new Map(scadaDown.affected.map((a) => [a.id, { ...a, path: undefined }] as const));
    expect(chainOf(byId.get('water')!, byId)).toEqual([
      'scada-water-01',
      'plc-pump-ws3-02',
      'pumping-station-3',
      'Water supply',
    ]);
    expect(chainOf(byId.get('scada')!, byId)).toEqual(['scada-water-01']);
  });

  it('writes minutes as the server’s timeline does', () => {
    expect([0, 45, 60, 270, 1440 + 180, Infinity].map(formatMinutes)).toEqual([
      '0',
      '45 min',
      '1 h',
      '4 h 30 min',
      '1 d 3 h',
      'never',
    ]);
  });
});

describe('the classes a view gets', () => {
  it('colours what the failure reaches, dims the rest, and rings the selection', () => {
    const feederBlast: BlastRadius = {
      ...scadaDown,
      affected: [affected('plc1', 'plc-pump-ws3-01', 0, [])],
      survived: [
        {
          id: 'pump',
          name: 'pumping-station-3',
          kind: 'asset',
          group: 'plcs',
          k: 1,
          n: 2,
          lost: ['plc1'],
          working: 1,
        },
      ],
    };
    const marks = viewMarks(water, {
      impact: feederBlast,
      spof: new Set(['scada', 'elsewhere']),
      selected: 'plc1',
    });
    expect(Object.fromEntries(marks)).toEqual({
      scada: ['dim', 'spof'],
      plc1: ['impact', 'band-root', 'selected'],
      plc2: ['dim'],
      pump: ['survived'],
      water: ['dim'],
      'plc1>scada:depends_on': ['dim'],
      'plc2>scada:depends_on': ['dim'],
      'pump>plc1:depends_on': ['dim'],
      'pump>plc2:depends_on': ['dim'],
      'pump>water:supports': ['dim'],
    });
  });

  it('marks drill picks, and nothing else without an impact', () => {
    const marks = viewMarks(water, { picks: new Set(['plc1', 'plc2']) });
    expect(Object.fromEntries(marks)).toEqual({ plc1: ['pick'], plc2: ['pick'] });
  });
});

describe('the layered picture', () => {
  it('puts what is needed above what needs it, and the city services in the bottom row', () => {
    const at = layerPositions(water);
    const row = (id: string) => at.get(id)!.y;
    expect([row('scada'), row('plc1'), row('plc2'), row('pump'), row('water')]).toEqual([
      0, 1, 1, 2, 3,
    ]);
    // two nodes of a layer sit side by side, centred
    expect([at.get('plc1')!.x, at.get('plc2')!.x].sort()).toEqual([-0.5, 0.5]);
    expect(at.get('scada')!.x).toBe(0);
  });

  it('places a node below the longest chain above it, survives cycles, and wraps wide layers', () => {
    const view: GraphView = {
      ...water,
      nodes: [
        ...water.nodes,
        node({ id: 'ups', name: 'ups' }),
        ...Array.from({ length: 5 }, (_, i) => node({ id: `cam${i}`, name: `cam${i}` })),
      ],
      edges: [
        ...water.edges,
        // the pump is powered by the UPS, which takes data from the pump: a cycle
        {
          from: 'pump',
          to: 'ups',
          type: 'powered_by',
          timeToImpactMinutes: null,
          redundancy: null,
        },
        { from: 'ups', to: 'pump', type: 'data_from', timeToImpactMinutes: null, redundancy: null },
        ...Array.from({ length: 5 }, (_, i) => ({
          from: `cam${i}`,
          to: 'scada',
          type: 'network_via' as const,
          timeToImpactMinutes: null,
          redundancy: null,
        })),
      ],
    };
    const at = layerPositions(view, 4);
    expect(at.size).toBe(view.nodes.length);
    const rows = new Map<number, string[]>();
    for (const [id, p] of at) rows.set(p.y, [...(rows.get(p.y) ?? []), id]);
    // 2 PLCs + 5 cameras in layer 1 wrap onto two rows of at most 4
    expect(Math.max(...[...rows.values()].map((r) => r.length))).toBeLessThanOrEqual(4);
    expect(at.get('water')!.y).toBe(Math.max(...[...at.values()].map((p) => p.y)));
    expect(at.get('pump')!.y).toBeGreaterThan(at.get('plc1')!.y);
  });
});

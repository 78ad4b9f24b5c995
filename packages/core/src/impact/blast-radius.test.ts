import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { seededRandom } from '../random.js';
import { blastRadius, explain } from './blast-radius.js';
import { buildGraph, type ImpactGraph } from './graph.js';
import { icccCity, merge, randomCity, taxCity, waterCity } from './test-cities.js';
import type { BlastRadius, ImpactAsset, ImpactEdge, ImpactService } from './types.js';

const build = (c: { assets: ImpactAsset[]; services: ImpactService[]; edges: ImpactEdge[] }) =>
  buildGraph(c.assets, c.services, c.edges);

/** id → time of every affected node */
const times = (r: BlastRadius): Record<string, number> =>
  Object.fromEntries(r.affected.map((a) => [a.id, a.at]));

describe('blast radius: water supply', () => {
  const g = build(waterCity());

  it('a SCADA compromise stops PLCs at once and the pumps when their tanks run dry', () => {
    const r = blastRadius(g, ['scada']);
    expect(times(r)).toEqual({
      scada: 0,
      plc3: 0,
      plc4: 0,
      pump3: 30,
      pump4: 30,
      'water-w12': 30,
      'water-w13': 30,
    });
    expect(r.assetsAffected).toBe(5);
    expect(r.servicesAffected).toBe(2);
    expect(r.roots).toEqual([{ id: 'scada', at: 0 }]);
    // ordered by time
    expect(r.affected.map((a) => a.at)).toEqual([0, 0, 0, 30, 30, 30, 30]);
    expect(r.affected[0]).toMatchObject({ id: 'scada', root: true, cause: null, depth: 0 });
    expect(r.survived).toEqual([]);
  });

  it('explains each failure by the chain from the root', () => {
    const r = blastRadius(g, ['scada']);
    const w12 = r.affected.find((a) => a.id === 'water-w12')!;
    expect(w12.depth).toBe(3);
    expect(w12.cause).toEqual({
      dependency: 'pump3',
      dependent: 'water-w12',
      edge: { from: 'pump3', to: 'water-w12', type: 'supports' },
      edgeIndex: 9,
      dependencyFailedAt: 30,
      at: 30,
    });
    const chain = explain(r, 'water-w12')!;
    expect(chain.map((s) => `${s.dependency}→${s.dependent}@${s.at}`)).toEqual([
      'scada→plc3@0',
      'plc3→pump3@30',
      'pump3→water-w12@30',
    ]);
    expect(chain[1]!.edge.timeToImpactMinutes).toBe(30);
    expect(explain(r, 'scada')).toEqual([]);
    expect(explain(r, 'feederA')).toBeNull();
    // the same chains inline on request
    const withPaths = blastRadius(g, ['scada'], { paths: true });
    expect(withPaths.affected.find((a) => a.id === 'water-w12')!.path).toEqual(chain);
    expect(withPaths.affected[0]!.path).toEqual([]);
  });

  it('a pump with two feeders (k=1) survives one, and says so', () => {
    const r = blastRadius(g, ['feederA']);
    expect(times(r)).toEqual({ feederA: 0, pump4: 0, 'water-w13': 0 });
    expect(r.survived).toEqual([
      {
        id: 'pump3',
        name: 'Pumping station 3',
        kind: 'asset',
        group: 'power',
        k: 1,
        n: 2,
        lost: ['feederA'],
        working: 1,
      },
    ]);
  });

  it('loses the pump when both feeders go, explaining the group', () => {
    const r = blastRadius(g, [{ id: 'sub1' }, { id: 'sub2', at: 60 }]);
    expect(times(r)).toMatchObject({ sub1: 0, feederA: 0, pump4: 0, sub2: 60, feederB: 60 });
    expect(times(r)['pump3']).toBe(60);
    expect(r.affected.find((a) => a.id === 'pump3')!.cause).toMatchObject({
      dependency: 'feederB',
      dependencyFailedAt: 60,
      at: 60,
      redundancy: { group: 'power', k: 1, n: 2, lost: ['feederA', 'feederB'] },
    });
    expect(explain(r, 'water-w12')!.map((s) => s.dependency)).toEqual(['sub2', 'feederB', 'pump3']);
    expect(r.survived).toEqual([]);
  });

  it('a horizon cuts the drill short', () => {
    const r = blastRadius(g, ['scada'], { horizonMinutes: 10 });
    expect(times(r)).toEqual({ scada: 0, plc3: 0, plc4: 0 });
    expect(r.horizonMinutes).toBe(10);
    expect(blastRadius(g, ['scada']).horizonMinutes).toBeNull();
  });

  it('rejects unknown roots and bad times', () => {
    expect(() => blastRadius(g, ['scada', 'nope'])).toThrow(ValidationError);
    expect(() => blastRadius(g, ['nope'])).toThrow("failed[0].id: unknown asset or service 'nope'");
    expect(() => blastRadius(g, [{ id: 'scada', at: -1 }])).toThrow('failed[0].at');
    expect(() => blastRadius(g, [{ id: 'scada', at: NaN }])).toThrow(ValidationError);
    expect(() => blastRadius(g, ['scada'], { horizonMinutes: -1 })).toThrow(ValidationError);
  });

  it('nothing failed, nothing affected', () => {
    expect(blastRadius(g, [])).toMatchObject({ affected: [], survived: [], assetsAffected: 0 });
  });
});

describe('blast radius: ICCC video wall', () => {
  const g = build(icccCity());

  it('the wall keeps going on two VMS servers of three', () => {
    const r = blastRadius(g, ['vms1']);
    expect(times(r)).toEqual({ vms1: 0 });
    expect(r.survived).toEqual([
      expect.objectContaining({ id: 'wall', group: 'vms', k: 2, n: 3, lost: ['vms1'], working: 2 }),
    ]);
  });

  it('two VMS servers down take the wall and CCTV monitoring with them', () => {
    const r = blastRadius(g, ['vms1', 'vms3']);
    expect(times(r)).toEqual({ vms1: 0, vms3: 0, wall: 0, cctv: 0 });
    expect(r.affected.find((a) => a.id === 'wall')!.cause!.redundancy).toEqual({
      group: 'vms',
      k: 2,
      n: 3,
      lost: ['vms1', 'vms3'],
    });
  });

  it('the core switch takes everything down at once', () => {
    expect(times(blastRadius(g, ['core']))).toEqual({
      core: 0,
      vms1: 0,
      vms2: 0,
      vms3: 0,
      wall: 0,
      cctv: 0,
    });
  });

  it('a power cut is felt when the UPS runs out', () => {
    const r = blastRadius(g, [{ id: 'dcpower', at: 5 }]);
    expect(times(r)).toEqual({ dcpower: 5, vms1: 35, vms2: 35, vms3: 35, wall: 35, cctv: 35 });
  });
});

describe('blast radius: property tax portal and several roots', () => {
  const g = build(merge(waterCity(), icccCity(), taxCity()));

  it('the payment gateway takes the portal and property tax down', () => {
    expect(times(blastRadius(g, ['paygw']))).toEqual({
      paygw: 0,
      portal: 0,
      'property-tax': 0,
    });
  });

  it('several roots at several times: each node at its earliest', () => {
    const r = blastRadius(g, [
      { id: 'taxdb', at: 100 },
      { id: 'fw', at: 20, reason: 'misconfigured' },
      { id: 'vms2', at: 0 },
      { id: 'dcpower', at: 0 },
      { id: 'plc3', at: 50 },
      { id: 'scada', at: 10 },
    ]);
    expect(times(r)).toMatchObject({
      fw: 20,
      portal: 20,
      'property-tax': 20,
      taxdb: 100,
      vms2: 0,
      vms1: 30,
      wall: 30,
      cctv: 30,
      scada: 10,
      plc3: 10, // its own failure at 50 comes later than SCADA's at 10
      pump3: 40,
    });
    const plc3 = r.affected.find((a) => a.id === 'plc3')!;
    expect(plc3.root).toBe(true);
    expect(plc3.cause!.dependency).toBe('scada');
    expect(r.roots[1]).toEqual({ id: 'fw', at: 20, reason: 'misconfigured' });
  });
});

describe('cycles', () => {
  // The billing system and the CRM each need the other; the water-bill service needs billing.
  const g = buildGraph(
    [
      { id: 'billing', name: 'Billing' },
      { id: 'crm', name: 'CRM' },
      { id: 'dns', name: 'DNS' },
      { id: 'other', name: 'Unrelated' },
    ],
    [{ id: 'bills', name: 'Water bills', citizenImpact: 2 }],
    [
      { from: 'billing', to: 'crm', type: 'data_from', timeToImpactMinutes: 15 },
      { from: 'crm', to: 'billing', type: 'data_from', timeToImpactMinutes: 5 },
      { from: 'crm', to: 'dns', type: 'depends_on', timeToImpactMinutes: 60 },
      { from: 'billing', to: 'bills', type: 'supports' },
    ],
  );

  it('propagation around a cycle terminates, each node failing once', () => {
    const r = blastRadius(g, ['billing']);
    expect(times(r)).toEqual({ billing: 0, crm: 5, bills: 0 });
    const crm = r.affected.find((a) => a.id === 'crm')!;
    expect(crm.cause!.dependency).toBe('billing');
  });

  it('entering the cycle from outside goes round it', () => {
    const r = blastRadius(g, ['dns']);
    expect(times(r)).toEqual({ dns: 0, crm: 60, billing: 75, bills: 75 });
    expect(explain(r, 'bills')!.map((s) => s.dependency)).toEqual(['dns', 'crm', 'billing']);
  });

  it('a cycle with no failed member stays up', () => {
    expect(times(blastRadius(g, ['other']))).toEqual({ other: 0 });
  });
});

describe('time-to-impact in a k-of-n group: order statistics of arrivals', () => {
  // x needs k of a, b, c. An arrival is the dependency's failure time + its time-to-impact.
  const groupCity = (k: number, delays: [number, number, number]) =>
    buildGraph(
      ['a', 'b', 'c', 'x'].map((id) => ({ id, name: id.toUpperCase() })),
      [],
      (['a', 'b', 'c'] as const).map((id, i): ImpactEdge => ({
        from: 'x',
        to: id,
        type: 'depends_on',
        timeToImpactMinutes: delays[i]!,
        redundancy: { group: 'g', k },
      })),
    );
  const fail = [
    { id: 'a', at: 0 },
    { id: 'b', at: 20 },
    { id: 'c', at: 30 },
  ];

  it('k=1 of 3: x fails when the last arrival comes (3rd smallest)', () => {
    // arrivals: a 0+100=100, b 20+0=20, c 30+0=30 → sorted 20, 30, 100
    expect(times(blastRadius(groupCity(1, [100, 0, 0]), fail))['x']).toBe(100);
  });

  it('k=2 of 3: the 2nd smallest, even when it arrives after a later-failing one', () => {
    const r = blastRadius(groupCity(2, [100, 0, 0]), fail);
    expect(times(r)['x']).toBe(30);
    expect(r.affected.find((a) => a.id === 'x')!.cause).toMatchObject({
      dependency: 'c',
      dependencyFailedAt: 30,
      at: 30,
      redundancy: { k: 2, n: 3, lost: ['b', 'c'] },
    });
  });

  it('k=3 of 3: the 1st arrival, like a hard dependency', () => {
    expect(times(blastRadius(groupCity(3, [100, 0, 0]), fail))['x']).toBe(20);
  });

  it('equal times-to-impact (a shared UPS): the (n-k+1)-th failure plus the buffer', () => {
    expect(times(blastRadius(groupCity(2, [45, 45, 45]), fail))['x']).toBe(65);
    expect(times(blastRadius(groupCity(1, [45, 45, 45]), fail))['x']).toBe(75);
  });

  it('a group that never loses enough members holds', () => {
    const r = blastRadius(groupCity(1, [0, 0, 0]), ['a', 'b']);
    expect(times(r)['x']).toBeUndefined();
    expect(r.survived).toEqual([
      expect.objectContaining({ id: 'x', lost: ['a', 'b'], working: 1, k: 1, n: 3 }),
    ]);
  });
});

/**
 * The definition, computed the slow way: start every node at "never" and keep lowering each to
 * the earliest its rules allow (root time, hard edge arrivals, each group's (n-k+1)-th smallest
 * arrival) until nothing changes. Starting from "never" gives the latest consistent times, so a
 * cycle with no failed member stays up.
 */
function fixpointTimes(g: ImpactGraph, roots: { index: number; at: number }[]): Float64Array {
  const time = new Float64Array(g.nodeCount).fill(Infinity);
  const own = new Float64Array(g.nodeCount).fill(Infinity);
  for (const r of roots) own[r.index] = Math.min(own[r.index]!, r.at);
  for (let changed = true; changed;) {
    changed = false;
    for (let v = 0; v < g.nodeCount; v++) {
      let best = own[v]!;
      const arrivals = new Map<number, number[]>();
      for (let i = g.dependenciesStart[v]!; i < g.dependenciesStart[v + 1]!; i++) {
        const e = g.dependenciesEdges[i]!;
        const a = time[g.edgeDependency[e]!]! + g.edgeDelay[e]!;
        const grp = g.edgeGroup[e]!;
        if (grp < 0) best = Math.min(best, a);
        else arrivals.set(grp, [...(arrivals.get(grp) ?? []), a]);
      }
      for (const [grp, list] of arrivals) {
        list.sort((x, y) => x - y);
        best = Math.min(best, list[g.groupNeed[grp]! - 1]!);
      }
      if (best < time[v]!) {
        time[v] = best;
        changed = true;
      }
    }
  }
  return time;
}

describe('properties on random cities', () => {
  it('agrees with the fixed-point definition of failure times', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const g = randomCity(seed, 40, 50 + (seed % 6) * 12); // sparse to dense
      const rand = seededRandom(seed * 7919);
      const roots = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
        index: Math.floor(rand() * g.assetCount),
        at: Math.floor(rand() * 4) * 10,
      }));
      const expected = fixpointTimes(g, roots);
      const r = blastRadius(
        g,
        roots.map((x) => ({ id: g.ids[x.index]!, at: x.at })),
      );
      const got = times(r);
      for (let v = 0; v < g.nodeCount; v++) {
        const want = expected[v]!;
        expect([seed, g.ids[v], got[g.ids[v]!] ?? Infinity]).toEqual([seed, g.ids[v], want]);
      }
      // every explanation leads back to a root, each step consistent with its edge
      for (const a of r.affected) {
        const chain = explain(r, a.id)!;
        expect(chain.length).toBe(a.depth);
        if (chain.length > 0)
          expect(roots.map((x) => g.ids[x.index])).toContain(chain[0]!.dependency);
        for (const s of chain) {
          const delay = s.edge.timeToImpactMinutes ?? 0;
          expect(s.at).toBe(s.dependencyFailedAt + delay);
        }
      }
    }
  });

  it('is monotone: failing a superset never affects fewer nodes, nor any later', () => {
    for (let seed = 100; seed < 160; seed++) {
      const g = randomCity(seed, 40, 50 + (seed % 6) * 12);
      const rand = seededRandom(seed);
      const small = new Set<string>();
      while (small.size < 1 + Math.floor(rand() * 3))
        small.add(g.ids[Math.floor(rand() * g.assetCount)]!);
      const big = new Set(small);
      while (big.size < small.size + 1 + Math.floor(rand() * 4))
        big.add(g.ids[Math.floor(rand() * g.assetCount)]!);
      const a = times(blastRadius(g, [...small]));
      const b = times(blastRadius(g, [...big]));
      for (const [id, at] of Object.entries(a)) {
        expect(b[id], `${id} (seed ${seed})`).toBeDefined();
        expect(b[id]!).toBeLessThanOrEqual(at);
      }
      expect(Object.keys(b).length).toBeGreaterThanOrEqual(Object.keys(a).length);
    }
  });

  it('repeated queries on one graph give the same answers (scratch space is reset)', () => {
    const g = randomCity(7);
    const first = blastRadius(g, ['a1', 'a2']);
    blastRadius(g, ['a3']);
    blastRadius(g, ['a4', 'a5', 'a6'], { horizonMinutes: 5 });
    expect(blastRadius(g, ['a1', 'a2'])).toEqual(first);
  });
});

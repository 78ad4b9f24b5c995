import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { buildGraph } from './graph.js';
import { icccCity, waterCity } from './test-cities.js';
import type { ImpactEdge } from './types.js';

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError & { details: { problems: [] } }).details.problems;
  }
  throw new Error('expected a ValidationError');
}

describe('buildGraph', () => {
  it('indexes assets then services, and turns supports edges round', () => {
    const c = waterCity();
    const g = buildGraph(c.assets, c.services, c.edges);
    expect(g.nodeCount).toBe(11);
    expect(g.assetCount).toBe(9);
    expect(g.indexOf('scada')).toBe(0);
    expect(g.indexOf('water-w12')).toBe(9);
    expect(g.indexOf('nope')).toBe(-1);
    expect(g.kindOf(9)).toBe('service');
    // plc3 depends_on scada: failures travel scada → plc3
    expect(g.ids[g.edgeDependency[0]!]).toBe('scada');
    expect(g.ids[g.edgeDependent[0]!]).toBe('plc3');
    // pump3 supports water-w12: failures travel pump3 → water-w12
    expect(g.ids[g.edgeDependency[9]!]).toBe('pump3');
    expect(g.ids[g.edgeDependent[9]!]).toBe('water-w12');
    expect(g.edgeDelay[2]).toBe(30);
    // one group: pump3's two feeders, needs both lost (n - k + 1 = 2)
    expect(g.groupCount).toBe(1);
    expect([g.groupName[0], g.groupK[0], g.groupSize[0], g.groupNeed[0]]).toEqual([
      'power',
      1,
      2,
      2,
    ]);
  });

  it('a service k groups its ungrouped supporting assets', () => {
    const g = buildGraph(
      [
        { id: 'a', name: 'A' },
        { id: 'b', name: 'B' },
        { id: 'c', name: 'C' },
      ],
      [{ id: 's', name: 'S', k: 2 }],
      ['a', 'b', 'c'].map((id): ImpactEdge => ({ from: id, to: 's', type: 'supports' })),
    );
    expect(g.groupCount).toBe(1);
    expect([g.groupName[0], g.groupK[0], g.groupSize[0]]).toEqual(['supports', 2, 3]);
  });

  it('lists every problem with where it is', () => {
    const c = icccCity();
    const problems = problemsOf(() =>
      buildGraph(
        [...c.assets, { id: 'core', name: 'dup' }, { id: 'x', name: 'X', criticality: 7 }],
        [...c.services, { id: 's2', name: 'S2', citizenImpact: 0, k: 0 }],
        [
          ...c.edges,
          { from: 'wall', to: 'ghost', type: 'depends_on' },
          { from: 'x', to: 'x', type: 'depends_on' },
          { from: 'x', to: 'core', type: 'cabled_to' as 'depends_on' },
          { from: 'x', to: 'core', type: 'network_via', timeToImpactMinutes: -5 },
          { from: 'x', to: 'wall', type: 'supports' },
          { from: 'x', to: 'vms1', type: 'depends_on', redundancy: { group: 'g', k: 1 } },
          { from: 'x', to: 'vms2', type: 'depends_on', redundancy: { group: 'g', k: 1 } },
          { from: 'x', to: 'vms2', type: 'data_from', redundancy: { group: 'g', k: 1 } },
          { from: 'x', to: 'vms3', type: 'depends_on', redundancy: { group: 'h', k: 0 } },
          { from: 'x', to: 'vms3', type: 'depends_on', redundancy: { group: '', k: 1 } },
        ],
      ),
    );
    expect(problems).toEqual([
      { path: 'assets[6].id', message: expect.stringContaining("id 'core' is used twice") },
      { path: 'assets[7].criticality', message: expect.any(String) },
      { path: 'services[1].citizenImpact', message: expect.any(String) },
      { path: 'services[1].k', message: expect.any(String) },
      { path: 'edges[11].to', message: "unknown asset or service 'ghost'" },
      { path: 'edges[12]', message: "'x' cannot depend on itself" },
      { path: 'edges[13].type', message: expect.stringContaining('depends_on, powered_by') },
      { path: 'edges[14].timeToImpactMinutes', message: expect.any(String) },
      { path: 'edges[15].to', message: expect.stringContaining("'wall' is an asset") },
      { path: 'edges[18]', message: "'vms2' is listed twice in redundancy group 'g' of 'x'" },
      { path: 'edges[19].redundancy.k', message: 'k is a whole number ≥ 1' },
      { path: 'edges[20].redundancy.group', message: 'a redundancy group has a non-empty name' },
    ]);
  });

  it('accepts what the register allows while a city is drawn, with warnings', () => {
    const g = buildGraph(
      ['a', 'b', 'c', 'x', 'y'].map((id) => ({ id, name: id.toUpperCase() })),
      [
        { id: 's', name: 'S', k: 2 },
        { id: 'empty', name: 'Empty', k: 2 },
      ],
      [
        // k=2 of a group of one so far: its one dependency is required
        { from: 'x', to: 'a', type: 'powered_by', redundancy: { group: 'power', k: 2 } },
        // k missing means 1; disagreeing k: the larger is used
        { from: 'y', to: 'a', type: 'depends_on', redundancy: { group: 'g' } },
        { from: 'y', to: 'b', type: 'depends_on', redundancy: { group: 'g', k: 2 } },
        { from: 'y', to: 'c', type: 'depends_on', redundancy: { group: 'g', k: null } },
        { from: 'a', to: 's', type: 'supports' },
      ],
    );
    expect(g.warnings).toEqual([
      {
        path: 'edges[2].redundancy.k',
        message:
          "redundancy group 'g' of 'y' has k=2 here but k=1 on its edges before; the larger is used",
      },
      {
        path: 'edges[3].redundancy.k',
        message:
          "redundancy group 'g' of 'y' has k=1 here but k=2 on its edges before; the larger is used",
      },
      {
        path: 'edges[0].redundancy.k',
        message:
          "redundancy group 'power' of 'x' needs k=2 but has only 1 dependencies; until the others are added, each of them is required",
      },
      {
        path: 'services[0].k',
        message:
          "redundancy group 'supports' of 's' needs k=2 but has only 1 dependencies; until the others are added, each of them is required",
      },
    ]);
    expect(Array.from(g.groupK)).toEqual([1, 2, 1]);
    expect(Array.from(g.groupNeed)).toEqual([1, 2, 1]);
    expect(buildGraph(waterCity().assets, [], []).warnings).toEqual([]);
  });

  it('the error message names the first problem and the count', () => {
    expect(() =>
      buildGraph([{ id: 'a', name: 'A' }], [], [{ from: 'a', to: 'b', type: 'depends_on' }]),
    ).toThrow("The dependency graph has 1 problem: edges[0].to: unknown asset or service 'b'");
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { blastRadius } from './blast-radius.js';
import { buildGraph } from './graph.js';
import { singlePointsOfFailure } from './spof.js';
import { icccCity, merge, randomCity, taxCity, waterCity } from './test-cities.js';

describe('singlePointsOfFailure', () => {
  const c = merge(waterCity(), icccCity(), taxCity());
  const g = buildGraph(c.assets, c.services, c.edges);

  it('finds the assets whose loss alone takes a service down, worst first', () => {
    const spofs = singlePointsOfFailure(g);
    expect(spofs.map((s) => s.id)).toEqual([
      'scada', // both water services: impact 10
      'pump3', // ward 12 (40,000 people); criticality 5 before PLC 3's 4
      'plc3',
      'pump4', // ward 13 (25,000): criticality 5, then by id
      'sub1',
      'feederA',
      'plc4',
      'core', // CCTV monitoring: impact 4
      'dcpower',
      'wall',
      'taxdb', // property tax: impact 2
      'fw',
      'paygw',
      'portal',
    ]);
    // one feeder of two is not a SPOF, nor is one VMS server of three, nor an unrelated printer
    for (const id of ['feederB', 'sub2', 'vms1', 'vms2', 'vms3', 'printer'])
      expect(spofs.find((s) => s.id === id)).toBeUndefined();
  });

  it('says what each takes down and when', () => {
    const spofs = singlePointsOfFailure(g);
    expect(spofs[0]).toEqual({
      id: 'scada',
      name: 'SCADA server',
      kind: 'scada_server',
      criticality: 5,
      impact: 10,
      populationServed: 65_000,
      services: [
        {
          id: 'water-w12',
          name: 'Water supply ward 12',
          citizenImpact: 5,
          populationServed: 40_000,
          downAt: 30,
          mtdExceededAt: 270,
        },
        {
          id: 'water-w13',
          name: 'Water supply ward 13',
          citizenImpact: 5,
          populationServed: 25_000,
          downAt: 30,
          mtdExceededAt: 150,
        },
      ],
    });
    expect(spofs.find((s) => s.id === 'dcpower')!.services).toEqual([
      expect.objectContaining({ id: 'cctv', downAt: 30, mtdExceededAt: 90 }),
    ]);
  });

  it('a substation feeding both "redundant" feeders is a common-mode single point', () => {
    const w = waterCity();
    const edges = w.edges.map((e) => (e.from === 'feederB' ? { ...e, to: 'sub1' } : e));
    const spofs = singlePointsOfFailure(buildGraph(w.assets, w.services, edges));
    expect(spofs.find((s) => s.id === 'sub1')!.services.map((s) => s.id)).toEqual([
      'water-w12',
      'water-w13',
    ]);
    expect(spofs.find((s) => s.id === 'feederB')).toBeUndefined();
    expect(spofs.find((s) => s.id === 'sub2')).toBeUndefined();
  });

  it('limits to some services and to the first few', () => {
    const only = singlePointsOfFailure(g, { services: ['cctv'] });
    expect(only.map((s) => s.id)).toEqual(['core', 'dcpower', 'wall']);
    const scada = singlePointsOfFailure(g, { services: ['water-w13'], limit: 2 });
    expect(scada.map((s) => [s.id, s.impact])).toEqual([
      ['pump4', 5],
      ['scada', 5],
    ]);
    expect(() => singlePointsOfFailure(g, { services: ['vms1'] })).toThrow(ValidationError);
    expect(() => singlePointsOfFailure(g, { services: ['nope'] })).toThrow(
      "unknown service 'nope'",
    );
  });

  it('in a cycle, each member is a single point for what the cycle supports', () => {
    const cyc = buildGraph(
      [
        { id: 'billing', name: 'Billing' },
        { id: 'crm', name: 'CRM' },
      ],
      [{ id: 'bills', name: 'Water bills' }],
      [
        { from: 'billing', to: 'crm', type: 'data_from' },
        { from: 'crm', to: 'billing', type: 'data_from' },
        { from: 'billing', to: 'bills', type: 'supports' },
      ],
    );
    expect(singlePointsOfFailure(cyc).map((s) => s.id)).toEqual(['billing', 'crm']);
  });

  it('matches a blast radius per asset on random cities', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rg = randomCity(seed, 40, 60 + seed);
      const spofs = new Map(singlePointsOfFailure(rg).map((s) => [s.id, s]));
      for (let a = 0; a < rg.assetCount; a++) {
        const id = rg.ids[a]!;
        const r = blastRadius(rg, [id]);
        const down = r.affected.filter((x) => x.kind === 'service');
        const spof = spofs.get(id);
        expect([seed, id, (spof?.services.map((s) => [s.id, s.downAt]) ?? []).sort()]).toEqual([
          seed,
          id,
          down.map((x) => [x.id, x.at]).sort(),
        ]);
      }
    }
  });
});

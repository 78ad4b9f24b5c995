import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { buildGraph } from './graph.js';
import { graphView } from './neighbourhood.js';
import { icccCity, merge, waterCity } from './test-cities.js';

describe('graphView', () => {
  const water = waterCity();
  const g = buildGraph(water.assets, water.services, water.edges);

  it('gives a small register whole, with every edge as the register holds it', () => {
    const view = graphView(g);
    expect(view.complete).toBe(true);
    expect(view.total).toEqual({ assets: 9, services: 2, edges: 11 });
    expect(view.nodes.map((n) => n.id)).toEqual([
      ...water.assets.map((a) => a.id),
      'water-w12',
      'water-w13',
    ]);
    expect(view.nodes.find((n) => n.id === 'scada')).toEqual({
      id: 'scada',
      name: 'SCADA server',
      kind: 'asset',
      assetKind: 'scada_server',
      zone: 'OT',
      criticality: 5,
      internetExposed: false,
      personalData: false,
      openAlerts: null,
      citizenImpact: null,
      maxTolerableDowntimeMinutes: null,
      hops: 0,
    });
    expect(view.nodes.find((n) => n.id === 'water-w13')).toMatchObject({
      kind: 'service',
      citizenImpact: 5,
      maxTolerableDowntimeMinutes: 120,
    });
    expect(view.edges).toHaveLength(11);
    expect(view.edges).toContainEqual({
      from: 'pump3',
      to: 'feederA',
      type: 'powered_by',
      timeToImpactMinutes: null,
      redundancy: { group: 'power', k: 1 },
    });
  });

  it('gives nothing of a register larger than the limit unless asked for a neighbourhood', () => {
    const view = graphView(g, { limit: 5 });
    expect(view).toMatchObject({ nodes: [], edges: [], complete: false });
    expect(view.total.assets).toBe(9);
  });

  it('walks both ways from the centre: what it needs and what needs it, nearest first', () => {
    const view = graphView(g, { around: ['plc3'], hops: 1 });
    expect(view.nodes.map((n) => [n.id, n.hops])).toEqual([
      ['plc3', 0],
      ['pump3', 1], // needs PLC 3
      ['scada', 1], // PLC 3 needs it
    ]);
    expect(view.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['plc3>scada', 'pump3>plc3']);
    expect(view.complete).toBe(true);

    const two = graphView(g, { around: ['plc3'], hops: 2 });
    expect(two.nodes.map((n) => n.id).sort()).toEqual(
      ['plc3', 'pump3', 'scada', 'plc4', 'feederA', 'feederB', 'water-w12'].sort(),
    );
  });

  it('stops at the limit and says the picture is cut', () => {
    const view = graphView(g, { around: ['scada'], hops: 5, limit: 3 });
    expect(view.nodes.map((n) => n.id)).toEqual(['scada', 'plc3', 'plc4']);
    expect(view.complete).toBe(false);
  });

  it('handles cycles and several centres', () => {
    const c = merge(waterCity(), icccCity());
    const cyclic = buildGraph(c.assets, c.services, [
      ...c.edges,
      { from: 'scada', to: 'plc3', type: 'data_from' },
    ]);
    const view = graphView(cyclic, { around: ['scada', 'core', 'scada'], hops: 1 });
    expect(view.nodes.filter((n) => n.hops === 0).map((n) => n.id)).toEqual(['scada', 'core']);
    expect(new Set(view.nodes.map((n) => n.id)).size).toBe(view.nodes.length);
  });

  it('refuses an unknown centre and bad numbers', () => {
    expect(() => graphView(g, { around: ['nope'] })).toThrow(ValidationError);
    expect(() => graphView(g, { hops: -1 })).toThrow(ValidationError);
    expect(() => graphView(g, { limit: 0 })).toThrow(ValidationError);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { buildGraph } from './graph.js';
import { alertValue, riskRanking } from './risk.js';
import { icccCity, merge, taxCity, waterCity } from './test-cities.js';

describe('riskRanking', () => {
  const c = merge(waterCity(), icccCity(), taxCity());
  const g = buildGraph(c.assets, c.services, c.edges);

  it('scores the exposed portal with personal data above the SCADA server, and explains it', () => {
    const ranking = riskRanking(g);
    expect(ranking.map((r) => r.id).slice(0, 2)).toEqual(['portal', 'scada']);
    expect(ranking.map((r) => r.rank).slice(0, 3)).toEqual([1, 2, 3]);
    const portal = ranking[0]!;
    // criticality 4 → 0.75 × 25 = 18.75; exposure 15; personal data 10; no alerts;
    // downstream: property tax (impact 2) against SCADA's 10 → log 3 / log 11 = 0.4582 × 25
    expect(portal.components.criticality).toEqual({
      value: 0.75,
      weight: 0.25,
      points: 18.75,
      detail: 'criticality 4 of 5',
    });
    expect(portal.components.exposure.points).toBe(15);
    expect(portal.components.personalData.points).toBe(10);
    expect(portal.components.alerts).toMatchObject({
      value: 0,
      points: 0,
      detail: 'no open alerts',
    });
    expect(portal.components.downstream.value).toBeCloseTo(Math.log(3) / Math.log(11), 4);
    expect(portal.components.downstream.detail).toBe(
      'its loss alone takes down 1 service (citizen impact 2): Property tax payments',
    );
    expect(portal.score).toBeCloseTo(18.75 + 15 + 10 + 25 * (Math.log(3) / Math.log(11)), 2);
    expect(portal.servicesDown).toEqual(['property-tax']);

    const scada = ranking[1]!;
    expect(scada.score).toBe(50); // criticality 5 (25) + the largest downstream impact (25)
    expect(scada.servicesDown).toEqual(['water-w12', 'water-w13']);

    const printer = ranking.at(-1)!;
    expect(printer).toMatchObject({ id: 'printer', score: 0, servicesDown: [] });
    expect(printer.components.downstream.detail).toBe('its loss alone takes down no service');
  });

  it('open alerts raise an asset, from the option or from the asset', () => {
    const alerts = { scada: { count: 5, maxLevel: 'critical' as const } };
    const ranking = riskRanking(g, { alerts });
    expect(ranking[0]).toMatchObject({ id: 'scada', score: 75 });
    expect(ranking[0]!.components.alerts).toEqual({
      value: 1,
      weight: 0.25,
      points: 25,
      detail: '5 open alerts, highest critical',
    });
    expect(riskRanking(g, { alerts: new Map(Object.entries(alerts)) })[0]!.score).toBe(75);

    const withOwn = buildGraph(
      c.assets.map((a) =>
        a.id === 'sub2' ? { ...a, openAlerts: { count: 1, maxLevel: 'high' } } : a,
      ),
      c.services,
      c.edges,
    );
    const sub2 = riskRanking(withOwn).find((r) => r.id === 'sub2')!;
    expect(sub2.components.alerts.value).toBeCloseTo(0.48, 6);
    // the option replaces the assets' own counts
    expect(
      riskRanking(withOwn, { alerts: {} }).find((r) => r.id === 'sub2')!.components.alerts.value,
    ).toBe(0);
  });

  it('alertValue grows with level and count', () => {
    expect(alertValue(null)).toBe(0);
    expect(alertValue({ count: 0, maxLevel: 'critical' })).toBe(0);
    expect(alertValue({ count: 1, maxLevel: 'low' })).toBeCloseTo(0.18);
    expect(alertValue({ count: 10, maxLevel: 'medium' })).toBe(0.55);
    expect(alertValue({ count: 1, maxLevel: 'critical' })).toBeLessThan(
      alertValue({ count: 2, maxLevel: 'critical' }),
    );
  });

  it('weights are normalised, checked, and the limit applies', () => {
    const onlyDownstream = riskRanking(g, {
      weights: { criticality: 0, exposure: 0, personalData: 0, alerts: 0, downstream: 2 },
      limit: 3,
    });
    expect(onlyDownstream).toHaveLength(3);
    expect(onlyDownstream[0]).toMatchObject({ id: 'scada', score: 100 });
    expect(onlyDownstream[0]!.components.downstream.weight).toBe(1);
    expect(() => riskRanking(g, { weights: { alerts: -1 } })).toThrow(ValidationError);
    expect(() =>
      riskRanking(g, {
        weights: { criticality: 0, exposure: 0, personalData: 0, alerts: 0, downstream: 0 },
      }),
    ).toThrow(ValidationError);
  });
});

import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph.js';
import { icccCity, merge, waterCity } from './test-cities.js';
import { formatMinutes, whatIf } from './what-if.js';

describe('formatMinutes', () => {
  it('reads like a person would say it', () => {
    expect(formatMinutes(0)).toBe('0');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(240)).toBe('4 h');
    expect(formatMinutes(270)).toBe('4 h 30 min');
    expect(formatMinutes(1440 + 180)).toBe('1 d 3 h');
    expect(formatMinutes(2.5)).toBe('2.5 min');
    expect(formatMinutes(Infinity)).toBe('never');
  });
});

describe('whatIf', () => {
  const c = merge(waterCity(), icccCity());
  const g = buildGraph(c.assets, c.services, c.edges);

  it('tells a SCADA compromise as a timeline, up to the maximum tolerable downtimes', () => {
    const r = whatIf(g, [{ id: 'scada', reason: 'compromised' }]);
    expect(r.timeline.map((e) => e.text)).toEqual([
      't=0 SCADA server compromised',
      't=0 PLC 3 stops: it depends on SCADA server, down since t=0',
      't=0 PLC 4 stops: it depends on SCADA server, down since t=0',
      't=30 min Pumping station 3 stops: it depends on PLC 3, down since t=0 (time-to-impact 30 min)',
      't=30 min Pumping station 4 stops: it depends on PLC 4, down since t=0 (time-to-impact 30 min)',
      't=30 min Water supply ward 12 is down: it is supported by Pumping station 3, down since t=30 min',
      't=30 min Water supply ward 13 is down: it is supported by Pumping station 4, down since t=30 min',
      't=2 h 30 min Water supply ward 13 exceeds its maximum tolerable downtime (2 h)',
      't=4 h 30 min Water supply ward 12 exceeds its maximum tolerable downtime (4 h)',
    ]);
    expect(r.timeline.map((e) => e.kind)).toEqual([
      'root',
      'down',
      'down',
      'down',
      'down',
      'down',
      'down',
      'mtd_exceeded',
      'mtd_exceeded',
    ]);
    expect(r.timeline[3]!.cause).toMatchObject({ dependency: 'plc3', dependent: 'pump3', at: 30 });
    expect(r.services).toEqual([
      {
        id: 'water-w12',
        name: 'Water supply ward 12',
        citizenImpact: 5,
        populationServed: 40_000,
        downAt: 30,
        maxTolerableDowntimeMinutes: 240,
        mtdExceededAt: 270,
      },
      {
        id: 'water-w13',
        name: 'Water supply ward 13',
        citizenImpact: 5,
        populationServed: 25_000,
        downAt: 30,
        maxTolerableDowntimeMinutes: 120,
        mtdExceededAt: 150,
      },
    ]);
    expect(r.firstMtdExceededAt).toBe(150);
    expect(r.blastRadius.affected).toHaveLength(7);
  });

  it('shows losses that redundancy absorbs, then the one that is too many', () => {
    const r = whatIf(g, [
      { id: 'feederA', reason: 'trips' },
      { id: 'feederB', at: 90, reason: 'trips' },
      { id: 'vms2', at: 10 },
    ]);
    expect(r.timeline.map((e) => e.text)).toEqual([
      't=0 Feeder A trips',
      "t=0 Pumping station 3 loses Feeder A: 1 of 2 in redundancy group 'power' still working (needs 1)",
      't=0 Pumping station 4 stops: it is powered by Feeder A, down since t=0',
      't=0 Water supply ward 13 is down: it is supported by Pumping station 4, down since t=0',
      't=10 min VMS server 2 fails',
      "t=10 min Video wall controller loses VMS server 2: 2 of 3 in redundancy group 'vms' still working (needs 2)",
      't=1 h 30 min Feeder B trips',
      "t=1 h 30 min Pumping station 3 stops: lost 2 of 2 in redundancy group 'power' (needs 1), the last Feeder B, down since t=1 h 30 min",
      't=1 h 30 min Water supply ward 12 is down: it is supported by Pumping station 3, down since t=1 h 30 min',
      't=2 h Water supply ward 13 exceeds its maximum tolerable downtime (2 h)',
      't=5 h 30 min Water supply ward 12 exceeds its maximum tolerable downtime (4 h)',
    ]);
    expect(r.timeline[1]).toMatchObject({
      kind: 'degraded',
      id: 'pump3',
      redundancy: { group: 'power', k: 1, n: 2, lost: ['feederA'], working: 1 },
    });
  });

  it('a group that has lost too many runs on its buffer until the time-to-impact is up', () => {
    const w = waterCity();
    const edges = w.edges.map((e) =>
      e.from === 'pump3' && e.type === 'powered_by' ? { ...e, timeToImpactMinutes: 30 } : e,
    );
    const r = whatIf(buildGraph(w.assets, w.services, edges), [
      'feederA',
      { id: 'feederB', at: 60 },
    ]);
    expect(r.timeline.filter((e) => e.id === 'pump3').map((e) => e.text)).toEqual([
      "t=0 Pumping station 3 loses Feeder A: 1 of 2 in redundancy group 'power' still working (needs 1)",
      "t=1 h Pumping station 3 loses Feeder B: 0 of 2 in redundancy group 'power' still running on its buffer (needs 1)",
      "t=1 h 30 min Pumping station 3 stops: lost 2 of 2 in redundancy group 'power' (needs 1), the last Feeder B, down since t=1 h (time-to-impact 30 min)",
    ]);
  });

  it("losses at the same moment are one event; a service's k is a redundancy group", () => {
    const sensors = [1, 2, 3, 4, 5].map((i) => ({ id: `s${i}`, name: `Sensor ${i}` }));
    const g2 = buildGraph(
      [...sensors, { id: 'x', name: 'Switch X' }, { id: 'y', name: 'Switch Y' }],
      [{ id: 'air', name: 'Air quality', k: 2 }],
      sensors.flatMap((s, i) => [
        { from: s.id, to: i < 3 ? 'x' : 'y', type: 'network_via' as const },
        { from: s.id, to: 'air', type: 'supports' as const },
      ]),
    );
    const r = whatIf(g2, ['x']);
    expect(r.timeline.map((e) => e.text)).toEqual([
      't=0 Switch X fails',
      "t=0 Air quality loses 3 (Sensor 1, Sensor 2, Sensor 3): 2 of 5 in redundancy group 'supports' still working (needs 2)",
      't=0 Sensor 1 stops: it reaches the network via Switch X, down since t=0',
      't=0 Sensor 2 stops: it reaches the network via Switch X, down since t=0',
      't=0 Sensor 3 stops: it reaches the network via Switch X, down since t=0',
    ]);
    expect(r.timeline[1]!.redundancy).toEqual({
      group: 'supports',
      k: 2,
      n: 5,
      lost: ['s1', 's2', 's3'],
      working: 2,
    });
    expect(r.services).toEqual([]);
    expect(whatIf(g2, ['x', 's4']).services.map((s) => s.id)).toEqual(['air']);
  });

  it('a horizon stops the story', () => {
    const r = whatIf(g, [{ id: 'dcpower', reason: 'loses mains power' }], { horizonMinutes: 60 });
    expect(r.timeline.map((e) => e.text)).toEqual([
      't=0 Data-centre power loses mains power',
      't=30 min VMS server 1 stops: it is powered by Data-centre power, down since t=0 (time-to-impact 30 min)',
      't=30 min VMS server 2 stops: it is powered by Data-centre power, down since t=0 (time-to-impact 30 min)',
      't=30 min VMS server 3 stops: it is powered by Data-centre power, down since t=0 (time-to-impact 30 min)',
      "t=30 min Video wall controller stops: lost 3 of 3 in redundancy group 'vms' (needs 2), the last VMS server 2, down since t=30 min",
      't=30 min CCTV monitoring at the ICCC is down: it is supported by Video wall controller, down since t=30 min',
    ]);
    // its MTD (60 min) is passed at 90, after the horizon: in services, not in the timeline
    expect(r.services[0]!.mtdExceededAt).toBe(90);
    expect(r.firstMtdExceededAt).toBe(90);
  });
});

import { describe, expect, it } from 'vitest';
import { demoCity } from '../model.js';
import { expectedCount, scenarioDurationMs } from '../scenario.js';
import { SCENARIOS, scenarioNamed } from './index.js';

describe('the attack scenarios', () => {
  const city = demoCity();

  it('are the seven the city drills, found by name', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      'ssh-brute-force',
      'vms-ransomware',
      'water-plc-modbus',
      'property-tax-defacement',
      'camera-vendor-c2',
      'payment-gateway-ddos',
      'certificates-exfiltration',
    ]);
    expect(scenarioNamed('vms-ransomware')?.title).toBe('Ransomware on the VMS');
    expect(scenarioNamed('nope')).toBeUndefined();
  });

  it("never name another scenario's attacker, whatever the seeds: indicators a drill leaves stay its own", () => {
    const named = new Map<string, string>();
    for (const scenario of SCENARIOS)
      for (let seed = 0; seed < 60; seed++) {
        const run = scenario.build(city, seed);
        const text = run.steps.map((s) => s.line(new Date()).text).join('\n');
        for (const ip of text.match(/\b(?:203\.0\.113|198\.51\.100)\.\d+\b/g) ?? []) {
          const owner = named.get(ip) ?? scenario.name;
          expect(owner, ip).toBe(scenario.name);
          named.set(ip, scenario.name);
        }
      }
    expect(new Set(named.values()).size).toBe(4);
  });

  for (const scenario of SCENARIOS)
    describe(scenario.name, () => {
      const run = scenario.build(city, 11);

      it('is the same attack for the same seed; another seed changes the attacker, not the targets', () => {
        const again = scenario.build(city, 11);
        const render = (r: typeof run) =>
          r.steps.map((s) => s.line(new Date(Date.UTC(2026, 10, 25, 5) + s.offsetMs)).text);
        expect(render(again)).toEqual(render(run));
        const other = scenario.build(city, 12);
        expect(render(other)).not.toEqual(render(run));
        expect(other.expected.map((e) => e.assets)).toEqual(run.expected.map((e) => e.assets));
      });

      it('names only assets of the city, and expects at least one alert', () => {
        const names = new Set(city.assets.map((a) => a.name));
        expect(run.expected.length).toBeGreaterThan(0);
        for (const e of run.expected) {
          expect(e.assets.length, e.key).toBeGreaterThan(0);
          for (const a of e.assets) expect(names.has(a), `${e.key}: ${a}`).toBe(true);
          expect(expectedCount(e)).toBe(e.per === 'each' ? e.assets.length : 1);
        }
        for (const i of run.expectedIncidents ?? [])
          for (const k of i.alerts)
            expect(
              run.expected.map((e) => e.key),
              i.key,
            ).toContain(k);
      });

      it('unfolds within minutes, each line about an asset of the city', () => {
        expect(scenarioDurationMs(run)).toBeLessThanOrEqual(4 * 60_000);
        const names = new Set(city.assets.map((a) => a.name));
        for (const s of run.steps) expect(names.has(s.line(new Date()).asset)).toBe(true);
      });
    });
});

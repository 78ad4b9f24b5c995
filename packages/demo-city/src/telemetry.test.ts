import { describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import { localIso, type TelemetryLine } from './formats.js';
import { demoCity } from './model.js';
import { TelemetryGenerator } from './telemetry.js';

const START = '2026-11-25T04:30:00.000Z';

/** `n` lines, one every `stepMs` of the clock. */
function stream(gen: TelemetryGenerator, n: number, stepMs = 50): TelemetryLine[] {
  const clock = new ManualClock(START);
  return Array.from({ length: n }, () => {
    const line = gen.next(clock.now());
    clock.advance(stepMs);
    return line;
  });
}

describe('the background telemetry generator', () => {
  const city = demoCity();

  it('gives the same stream for the same seed and times, another for another seed', () => {
    const a = stream(new TelemetryGenerator(city), 500);
    const b = stream(new TelemetryGenerator(city), 500);
    expect(b).toEqual(a);
    const c = stream(new TelemetryGenerator(city, { seed: 2 }), 500);
    expect(c.map((l) => l.text)).not.toEqual(a.map((l) => l.text));
  });

  it('speaks every format the city’s devices use, over the channel each really uses', () => {
    const lines = stream(new TelemetryGenerator(city), 3000);
    const byFormat = new Map<string, Set<string>>();
    for (const l of lines)
      byFormat.set(l.format, (byFormat.get(l.format) ?? new Set()).add(l.channel));
    expect(Object.fromEntries([...byFormat].map(([f, c]) => [f, [...c]]))).toEqual({
      fortigate: ['udp'],
      'pan-os-cef': ['udp'],
      'device-syslog': ['udp'],
      nginx: ['tcp'],
      'linux-syslog': ['tcp'],
      windows: ['http'],
      zeek: ['http'],
      'suricata-eve': ['http'],
    });
    const zeekPaths = new Set(
      lines
        .filter((l) => l.format === 'zeek')
        .map((l) => (JSON.parse(l.text) as { _path: string })._path),
    );
    expect(zeekPaths).toEqual(new Set(['conn', 'dns', 'modbus', 'dnp3']));
  });

  it('varies: many assets speak, and few lines repeat', () => {
    const lines = stream(new TelemetryGenerator(city), 3000);
    expect(new Set(lines.map((l) => l.asset)).size).toBeGreaterThan(150);
    expect(new Set(lines.map((l) => l.text)).size).toBe(lines.length);
    for (const l of lines)
      expect(
        city.devices.some((d) => d.name === l.asset),
        l.asset,
      ).toBe(true);
  });

  it('stamps every line with the time it is asked for, in the city’s zone or in UTC', () => {
    const gen = new TelemetryGenerator(city);
    const at = new Date('2026-11-25T04:30:00.250Z');
    for (let i = 0; i < 400; i++) {
      const l = gen.next(at);
      if (l.format === 'linux-syslog' || l.format === 'nginx' || l.format === 'device-syslog')
        expect(l.text, l.text).toContain(localIso(at));
      if (l.format === 'zeek')
        expect((JSON.parse(l.text) as { ts: number }).ts).toBe(at.getTime() / 1000);
      if (l.format === 'suricata-eve')
        expect((JSON.parse(l.text) as { timestamp: string }).timestamp).toBe(
          '2026-11-25T10:00:00.250000+0530',
        );
      if (l.format === 'fortigate')
        expect(l.text).toMatch(/date="2026-11-25" time="10:00:00" .*tz="\+0530"/);
      if (l.format === 'pan-os-cef') expect(l.text).toContain(`rt=${at.getTime()}`);
    }
  });

  it('rations the everyday oddities in event time: a mistyped password at most every 10 minutes', () => {
    const lines = stream(new TelemetryGenerator(city), 12_000, 50); // 10 minutes at 20 lines/s
    const typos = lines.filter((l) => /Failed password for/.test(l.text));
    expect(typos.length).toBeLessThanOrEqual(2);
    const writes = lines.filter((l) => l.text.includes('WRITE_SINGLE_REGISTER'));
    expect(writes.length).toBeLessThanOrEqual(3);
    const probes = lines.filter((l) => l.format === 'nginx' && / 404 153 /.test(l.text));
    expect(probes.length).toBeLessThanOrEqual(4);
  });
});

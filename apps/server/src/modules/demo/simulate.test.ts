import { describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import {
  TelemetryGenerator,
  demoCity,
  scenarioNamed,
  type TelemetryLine,
} from '@prahari/demo-city';
import type { LineSink } from './sink.js';
import { linesDue, simulate } from './simulate.js';

/** A sink that keeps what it is given. */
function memorySink(): LineSink & { lines: TelemetryLine[] } {
  const lines: TelemetryLine[] = [];
  return {
    lines,
    stats: { sent: { tcp: 0, udp: 0, http: 0 }, delivered: 0, refused: 0 },
    send(line) {
      lines.push(line);
      this.stats.sent[line.channel]++;
      this.stats.delivered++;
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

describe('pacing simulated traffic', () => {
  it('is due steadily, or in bursts of five times the rate that average to it', () => {
    expect(linesDue(20, 1_500, false)).toBe(30);
    expect(linesDue(20, 60_000, false)).toBe(1_200);
    expect([1_000, 2_000, 9_999, 10_000, 11_000, 60_000].map((t) => linesDue(20, t, true))).toEqual(
      [100, 200, 200, 200, 300, 1_200],
    );
  });

  it('sends the background for its duration and the scenario to its end, stamped by the clock', async () => {
    const city = demoCity();
    const clock = new ManualClock('2026-11-25T05:00:00Z');
    const run = scenarioNamed('ssh-brute-force')!.build(city, 1);
    const sink = memorySink();
    const summary = await simulate(new TelemetryGenerator(city), sink, {
      rate: 200,
      durationSeconds: 0.3,
      scenario: run,
      speed: 200, // 75 s of attack in under half a second
      clock,
    });
    expect(summary.scenarioLines).toBe(run.steps.length);
    expect(summary.lines).toBeGreaterThanOrEqual(40);
    expect(summary.lines).toBeLessThanOrEqual(70);
    expect(sink.lines.length).toBe(summary.lines + summary.scenarioLines);
    // the scenario's lines, in its order, each stamped with the clock's time
    const expected = run.steps.map((s) => s.line(clock.now()).text);
    const wanted = new Set(expected);
    expect(sink.lines.map((l) => l.text).filter((t) => wanted.has(t))).toEqual(expected);
    expect(summary.byFormat['linux-syslog']).toBeGreaterThanOrEqual(run.steps.length);
  });

  it('stops at once when told to', async () => {
    const controller = new AbortController();
    const sink = memorySink();
    const running = simulate(new TelemetryGenerator(demoCity()), sink, {
      rate: 100,
      durationSeconds: null,
      clock: new ManualClock(),
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    const summary = await running;
    expect(summary.lines).toBeGreaterThan(0);
    expect(summary.lines).toBeLessThan(60);
  });
});

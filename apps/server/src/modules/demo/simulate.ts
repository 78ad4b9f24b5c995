/**
 * Pacing simulated telemetry in real time: the city's background at a steady rate (or in
 * bursts), with an attack scenario woven in at its own pace. Each line is stamped with the clock
 * when it is sent, so what the server sees is live traffic.
 */
import type { Clock } from '@prahari/core';
import type { LogFormat, ScenarioRun, TelemetryLine } from '@prahari/demo-city';
import type { LineSink } from './sink.js';

export interface SimulationOptions {
  /** background lines per second (0: none, only the scenario) */
  rate: number;
  /** stop after this many seconds; null: until `signal` aborts */
  durationSeconds: number | null;
  /**
   * Bursts instead of a steady stream: in every 10 seconds, the first 2 carry the 10 seconds'
   * worth of lines (five times the rate) and the other 8 are quiet; the average is the rate.
   */
  burst?: boolean;
  /** a scenario to run alongside, its steps sent at `offsetMs / speed` after the start */
  scenario?: ScenarioRun;
  /** how much faster than its own pace the scenario runs (default 1) */
  speed?: number;
  clock: Clock;
  signal?: AbortSignal;
  /** called about twice a second */
  onProgress?: (progress: SimulationProgress) => void;
}

export interface SimulationProgress {
  elapsedSeconds: number;
  lines: number;
  scenarioLines: number;
}

export interface SimulationSummary extends SimulationProgress {
  /** background and scenario lines per second, over the whole run */
  eventsPerSecond: number;
  byFormat: Partial<Record<LogFormat, number>>;
}

const TICK_MS = 50;

/** How many background lines are due `elapsedMs` into the run. */
export function linesDue(rate: number, elapsedMs: number, burst: boolean): number {
  if (!burst) return Math.floor((rate * elapsedMs) / 1000);
  const cycle = 10_000;
  const whole = Math.floor(elapsedMs / cycle);
  const within = Math.min(elapsedMs % cycle, 2_000);
  return Math.floor(rate * 10 * whole + (rate * 10 * within) / 2_000);
}

/**
 * Sends the background (`source.next(at)`) and the scenario into `sink` until the duration is
 * over (and the scenario done) or `signal` aborts; flushes the sink before resolving.
 */
export async function simulate(
  source: { next(at: Date): TelemetryLine },
  sink: LineSink,
  options: SimulationOptions,
): Promise<SimulationSummary> {
  const { clock, rate } = options;
  const speed = options.speed ?? 1;
  const steps = [...(options.scenario?.steps ?? [])].sort((a, b) => a.offsetMs - b.offsetMs);
  const startMs = Date.now();
  const byFormat: Partial<Record<LogFormat, number>> = {};
  let lines = 0;
  let scenarioLines = 0;
  let lastProgress = 0;
  const emit = async (line: TelemetryLine) => {
    byFormat[line.format] = (byFormat[line.format] ?? 0) + 1;
    await sink.send(line);
  };
  for (;;) {
    const elapsed = Date.now() - startMs;
    const over = options.durationSeconds !== null && elapsed >= options.durationSeconds * 1000;
    while (scenarioLines < steps.length && steps[scenarioLines]!.offsetMs / speed <= elapsed) {
      await emit(steps[scenarioLines]!.line(clock.now()));
      scenarioLines++;
    }
    const due = over
      ? lines
      : Math.min(
          linesDue(rate, elapsed, options.burst === true),
          lines + Math.max(1, rate), // after a stall, catch up at most a second at a time
        );
    while (lines < due) {
      await emit(source.next(clock.now()));
      lines++;
    }
    if (options.onProgress && Date.now() - lastProgress >= 500) {
      lastProgress = Date.now();
      options.onProgress({ elapsedSeconds: elapsed / 1000, lines, scenarioLines });
    }
    if (options.signal?.aborted || (over && scenarioLines >= steps.length)) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, TICK_MS);
      options.signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }
  await sink.flush();
  const elapsedSeconds = (Date.now() - startMs) / 1000;
  return {
    elapsedSeconds,
    lines,
    scenarioLines,
    eventsPerSecond: (lines + scenarioLines) / Math.max(elapsedSeconds, 0.001),
    byFormat,
  };
}

/**
 * The engine against a brute-force reading of the semantics in CONTRACT.md:
 * for each group, the window ending at every distinct event time is computed
 * from scratch, and each timespan-aligned period reports its earliest
 * satisfying window.
 */
import { seededRandom } from '@prahari/core';
import { ManualClock } from '@prahari/core';
import { describe, expect, it } from 'vitest';

import { CorrelationEngine } from './engine.js';
import { parseCorrelationRule } from './parse.js';
import type { CorrelationResult, CorrelationRule } from './types.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const TS = 60_000;
const RULES = ['r0', 'r1', 'r2'];

interface Ev {
  t: number;
  rule: number;
  user: string;
  v: number;
}

/** `maxGap`: the most ms between events; `rareLast`: how often the last rule matches. */
function stream(seed: number, n: number, maxGap = 9_000, rareLast = 1 / 3): Ev[] {
  const r = seededRandom(seed);
  const out: Ev[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    // Distinct, increasing times so ties cannot blur the reference.
    t += 1 + Math.floor(r() * maxGap);
    const x = r();
    out.push({
      t,
      rule: x < rareLast ? 2 : x < (1 + rareLast) / 2 ? 1 : 0,
      user: ['a', 'b', 'c'][Math.floor(r() * 3)]!,
      v: Math.floor(r() * 100),
    });
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const a = [...values].sort((x, y) => x - y);
  if (a.length === 0) return Number.NaN;
  const rank = (p / 100) * (a.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return a[lo]! + (a[hi]! - a[lo]!) * (rank - lo);
}

function aggregate(rule: CorrelationRule, win: Ev[]): number {
  switch (rule.type) {
    case 'event_count':
      return win.length;
    case 'value_count':
      return new Set(win.map((e) => e.v % 7)).size;
    case 'value_sum':
      return win.reduce((s, e) => s + e.v, 0);
    case 'value_avg':
      return win.length === 0 ? Number.NaN : win.reduce((s, e) => s + e.v, 0) / win.length;
    case 'value_percentile':
    case 'value_median':
      return percentile(
        win.map((e) => e.v),
        rule.condition.percentile ?? 50,
      );
    case 'temporal':
      return new Set(win.map((e) => e.rule)).size;
    case 'temporal_ordered': {
      let n = 0;
      for (const e of win) if (n < RULES.length && e.rule === n) n++;
      return n;
    }
  }
}

function holds(rule: CorrelationRule, v: number): boolean {
  const c = rule.condition;
  if (Number.isNaN(v)) return false;
  return (
    (c.gt === undefined || v > c.gt) &&
    (c.gte === undefined || v >= c.gte) &&
    (c.lt === undefined || v < c.lt) &&
    (c.lte === undefined || v <= c.lte) &&
    (c.eq === undefined || v === c.eq) &&
    (c.neq === undefined || v !== c.neq)
  );
}

function reference(rule: CorrelationRule, events: Ev[]): string[] {
  const out: string[] = [];
  for (const user of ['a', 'b', 'c']) {
    const mine = events.filter((e) => e.user === user).sort((x, y) => x.t - y.t);
    const fired = new Set<number>();
    for (const end of mine.map((e) => e.t)) {
      const period = Math.floor(end / TS);
      if (fired.has(period)) continue;
      const win = mine.filter((e) => e.t >= end - TS && e.t <= end);
      const v = aggregate(rule, win);
      if (!holds(rule, v)) continue;
      fired.add(period);
      out.push(`${user}@${end}=${v}/${win.length}`);
    }
  }
  return out.sort();
}

function run(
  rule: CorrelationRule,
  arrivals: Ev[],
  lateness: number,
): { results: CorrelationResult[]; engine: CorrelationEngine } {
  const engine = new CorrelationEngine([rule], {
    clock: new ManualClock(T0 + 365 * 86_400_000),
    allowedLatenessMs: lateness,
  });
  const results = arrivals.flatMap((e) =>
    engine.onMatch({ name: RULES[e.rule]! }, { User: e.user, n: e.v, k: e.v % 7 }, e.t),
  );
  return { results, engine };
}

const show = (r: CorrelationResult) =>
  `${String(r.group.User)}@${r.windowEndMs}=${r.value}/${r.eventCount}`;
const period = (r: CorrelationResult) =>
  `${String(r.group.User)}@${Math.floor(r.windowEndMs / TS)}`;

function make(type: string, condition?: Record<string, unknown>): CorrelationRule {
  const parsed = parseCorrelationRule(
    {
      title: type,
      correlation: {
        type,
        rules: type.startsWith('temporal') ? RULES : ['r0', 'r1', 'r2'],
        'group-by': ['User'],
        timespan: '1m',
        ...(condition && { condition }),
      },
    },
    {},
  );
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.rule;
}

// value_count counts n % 7 to make repeats likely.
const all: [string, CorrelationRule][] = [
  ['event_count gte', make('event_count', { gte: 6 })],
  ['event_count range', make('event_count', { gt: 3, lte: 5 })],
  ['value_count gte', make('value_count', { field: 'k', gte: 5 })],
  ['value_sum gte', make('value_sum', { field: 'n', gte: 400 })],
  ['value_avg gt', make('value_avg', { field: 'n', gt: 70 })],
  ['value_avg lt', make('value_avg', { field: 'n', lt: 20 })],
  ['value_percentile p90', make('value_percentile', { field: 'n', percentile: 90, gte: 95 })],
  ['value_median', make('value_median', { field: 'n', lte: 30 })],
  ['temporal', make('temporal')],
  ['temporal_ordered', make('temporal_ordered')],
];

// Aggregates that only grow as events are added give the same periods in any arrival order.
const monotone = new Set([
  'event_count gte',
  'value_count gte',
  'value_sum gte',
  'temporal',
  'temporal_ordered',
]);

describe('engine against the brute-force reference', () => {
  for (const seed of [1, 2, 3]) {
    const events = stream(seed, 600);
    for (const [name, rule] of all) {
      it(`${name}, seed ${seed}: in-order arrival gives exactly the reference results`, () => {
        const expected = reference(rule, events);
        const { results } = run(rule, events, 0);
        // Thresholds are chosen so every rule fires several times but not in every period.
        expect(expected.length).toBeGreaterThan(3);
        expect(expected.length).toBeLessThan(events.length / 4);
        expect(results.map(show).sort()).toEqual(expected);
      });

      if (!monotone.has(name)) continue;
      // A lateness beyond the timespan too: a late event can then precede whole windows.
      it.each([30_000, 90_000])(
        `${name}, seed ${seed}: disordered arrival within a lateness of %i ms gives the same periods`,
        (lateness) => {
          const r = seededRandom(seed * 101);
          // Delay each arrival by up to the lateness, then deliver in arrival order.
          const arrivals = events
            .map((e) => ({ e, at: e.t + Math.floor(r() * lateness) }))
            .sort((x, y) => x.at - y.at)
            .map((x) => x.e);
          const expected = reference(rule, events).map((s) => {
            const [user, rest] = s.split('@');
            return `${user}@${Math.floor(Number(rest!.split('=')[0]) / TS)}`;
          });
          const { results, engine } = run(rule, arrivals, lateness);
          expect(engine.stats().tooLate).toBe(0);
          expect(results.map(period).sort()).toEqual(expected.sort());
          expect(results.every((x) => holds(rule, x.value))).toBe(true);
        },
      );
    }
  }
});

describe('engine against the reference on dense streams (windows of ~200 entries per group)', () => {
  // The last rule is rare, so chains complete in some periods only; the dense
  // windows make late events resume from chain checkpoints, not from scratch.
  const events = stream(7, 6000, 200, 0.002);
  for (const [name, rule] of all.filter(([n]) => n.startsWith('temporal'))) {
    it(`${name}: in order, exactly the reference`, () => {
      const expected = reference(rule, events);
      expect(expected.length).toBeGreaterThan(3);
      expect(expected.length).toBeLessThan(40);
      expect(run(rule, events, 0).results.map(show).sort()).toEqual(expected);
    });
    it(`${name}: disordered within 20 s, the same periods`, () => {
      const r = seededRandom(99);
      const arrivals = events
        .map((e) => ({ e, at: e.t + Math.floor(r() * 20_000) }))
        .sort((x, y) => x.at - y.at)
        .map((x) => x.e);
      const expected = reference(rule, events).map((s) => {
        const [user, rest] = s.split('@');
        return `${user}@${Math.floor(Number(rest!.split('=')[0]) / TS)}`;
      });
      const { results, engine } = run(rule, arrivals, 20_000);
      expect(engine.stats().tooLate).toBe(0);
      expect(results.map(period).sort()).toEqual(expected.sort());
    });
  }
});

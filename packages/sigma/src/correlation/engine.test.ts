import { ManualClock } from '@prahari/core';
import { describe, expect, it } from 'vitest';

import { CorrelationEngine, checkCorrelationReferences } from './engine.js';
import { parseCorrelationRule } from './parse.js';
import type { CorrelationResult, CorrelationRule } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const SEC = 1_000;
const MIN = 60_000;

function rule(doc: Record<string, unknown>): CorrelationRule {
  const r = parseCorrelationRule(doc, { file: 'mr_test.yml', line: 1 });
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return r.rule;
}

function correlation(
  type: string,
  rules: string[],
  extra: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): CorrelationRule {
  return rule({
    title: `${type} test`,
    id: `${type}-id`,
    level: 'high',
    ...meta,
    correlation: { type, rules, 'group-by': ['User'], timespan: '5m', ...extra },
  });
}

function engine(
  rules: CorrelationRule[],
  options: ConstructorParameters<typeof CorrelationEngine>[1] = {},
) {
  // The clock stands after every event time used here, so only the test about future timestamps meets the guard.
  return new CorrelationEngine(rules, {
    clock: new ManualClock(T0 + 400 * 24 * 60 * MIN),
    ...options,
  });
}

/** Feeds matches in order and collects every result. */
function feed(
  e: CorrelationEngine,
  matches: [ref: string, event: Record<string, unknown>, at: number][],
): CorrelationResult[] {
  return matches.flatMap(([ref, event, at]) => e.onMatch({ name: ref }, event, at));
}

describe('event_count', () => {
  const r = correlation('event_count', ['failed_login'], { condition: { gte: 3 } });

  it('fires when the count in the window reaches the condition, with the evidence', () => {
    const e = engine([r]);
    const ev = (n: number) => ({ User: 'alice', n });
    expect(e.onMatch({ name: 'failed_login' }, ev(1), T0)).toEqual([]);
    expect(e.onMatch({ name: 'failed_login' }, ev(2), T0 + MIN)).toEqual([]);
    const [res, ...more] = e.onMatch({ name: 'failed_login' }, ev(3), T0 + 2 * MIN);
    expect(more).toEqual([]);
    expect(res).toMatchObject({
      rule: { id: 'event_count-id', title: 'event_count test', level: 'high', type: 'event_count' },
      group: { User: 'alice' },
      windowEndMs: T0 + 2 * MIN,
      windowStartMs: T0 + 2 * MIN - 5 * MIN,
      firstEventMs: T0,
      value: 3,
      eventCount: 3,
      evidenceTruncated: false,
      intermediate: false,
    });
    expect(res!.evidence.map((x) => x.event.n)).toEqual([1, 2, 3]);
    expect(res!.evidence[0]).toMatchObject({ eventTimeMs: T0, rule: { name: 'failed_login' } });
  });

  it('counts only events inside the sliding window', () => {
    const e = engine([r]);
    const at = [0, 3, 6].map((m) => T0 + m * MIN);
    expect(
      feed(
        e,
        at.map((t) => ['failed_login', { User: 'a' }, t]),
      ),
    ).toEqual([]);
    // The window ending at 7m holds 3m, 6m and 7m.
    const res = feed(e, [['failed_login', { User: 'a' }, T0 + 7 * MIN]]);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ value: 3, firstEventMs: T0 + 3 * MIN });
  });

  it('includes both ends of the window: events exactly one timespan apart correlate', () => {
    const two = correlation('event_count', ['x'], { condition: { gte: 2 } });
    const e1 = engine([two]);
    expect(
      feed(e1, [
        ['x', { User: 'a' }, T0],
        ['x', { User: 'a' }, T0 + 5 * MIN],
      ]),
    ).toHaveLength(1);
    const e2 = engine([two]);
    expect(
      feed(e2, [
        ['x', { User: 'a' }, T0],
        ['x', { User: 'a' }, T0 + 5 * MIN + 1],
      ]),
    ).toHaveLength(0);
  });

  it('emits once per period of one timespan, then re-arms in the next period', () => {
    const e = engine([r]);
    // One event every 30 s for 12 minutes; the 5m periods start at T0, T0+5m, T0+10m.
    const res = feed(
      e,
      Array.from(
        { length: 25 },
        (_, i) =>
          ['failed_login', { User: 'a', n: i }, T0 + i * 30 * SEC] as [
            string,
            Record<string, unknown>,
            number,
          ],
      ),
    );
    expect(res.map((x) => x.windowEndMs)).toEqual([T0 + MIN, T0 + 5 * MIN, T0 + 10 * MIN]);
    // The second result's window slides back over events the first one also showed.
    expect(res[1]!.value).toBe(11);
    expect(res[1]!.firstEventMs).toBe(T0);
    expect(res[1]!.evidence.map((x) => x.event.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('counts every event at the window end, however they tie', () => {
    const e = engine([correlation('event_count', ['x'], { condition: { gte: 3 } })], {
      allowedLatenessMs: MIN,
    });
    const res = feed(e, [
      ['x', { User: 'a', n: 1 }, T0 + 2 * SEC],
      ['x', { User: 'a', n: 2 }, T0 + SEC],
      ['x', { User: 'a', n: 3 }, T0 + SEC],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ windowEndMs: T0 + 2 * SEC, value: 3 });
  });

  it('keeps groups apart and ignores events without the group-by field', () => {
    const two = correlation('event_count', ['x'], {
      'group-by': ['User', 'Host'],
      condition: { gte: 2 },
    });
    const e = engine([two]);
    const res = feed(e, [
      ['x', { User: 'a', Host: 'h1' }, T0],
      ['x', { User: 'b', Host: 'h1' }, T0 + 1],
      ['x', { User: 'a', Host: 'h2' }, T0 + 2],
      ['x', { User: 'a' }, T0 + 3],
      ['x', { User: 'a', Host: null }, T0 + 4],
      ['x', { User: 'a', Host: 'h1' }, T0 + 5],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]!.group).toEqual({ User: 'a', Host: 'h1' });
    expect(e.stats().missingField).toBe(2);
    expect(e.stats().groups).toBe(3);
  });

  it('reads fields as detection does: dotted keys, nested paths, evtx #text values', () => {
    const e = engine([
      correlation('event_count', ['x'], {
        'group-by': ['Event.System.Computer'],
        condition: { gte: 3 },
      }),
    ]);
    const res = feed(e, [
      ['x', { 'Event.System.Computer': 'ws1' }, T0],
      ['x', { Event: { System: { Computer: 'ws1' } } }, T0 + 1],
      ['x', { Event: { System: { Computer: { '#text': 'ws1', '#attributes': {} } } } }, T0 + 2],
    ]);
    expect(res.map((x) => x.group)).toEqual([{ 'Event.System.Computer': 'ws1' }]);
  });

  it('skips values that cannot key a group instead of throwing', () => {
    const e = engine([correlation('event_count', ['x'], { condition: { gte: 1 } })]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(e.onMatch({ name: 'x' }, { User: cyclic }, T0)).toEqual([]);
    expect(e.onMatch({ name: 'x' }, { User: { big: 1n } }, T0)).toEqual([]);
    expect(e.stats().missingField).toBe(2);
    expect(e.onMatch({ name: 'x' }, { User: { name: 'a' } }, T0)[0]!.group).toEqual({
      User: { name: 'a' },
    });
  });

  it('treats a number and its string form as the same group value', () => {
    const e = engine([correlation('event_count', ['x'], { condition: { gte: 2 } })]);
    expect(
      feed(e, [
        ['x', { User: 1001 }, T0],
        ['x', { User: '1001' }, T0 + 1],
      ]),
    ).toHaveLength(1);
  });

  it('finds the reference by id as well as by name, counting an event once', () => {
    const both = correlation('event_count', ['rule-uuid', 'failed_login'], {
      condition: { gte: 2 },
    });
    const e = engine([both]);
    expect(e.onMatch({ id: 'rule-uuid', name: 'failed_login' }, { User: 'a' }, T0)).toEqual([]);
    expect(e.onMatch({ id: 'rule-uuid' }, { User: 'a' }, T0 + 1)).toHaveLength(1);
    expect(e.onMatch({ title: 'failed_login' }, { User: 'a' }, T0 + 2)).toEqual([]);
  });

  it('feeds a rule to every correlation naming it, whether by id or by name', () => {
    const byId = correlation(
      'event_count',
      ['rule-uuid'],
      { condition: { gte: 2 } },
      { id: 'by-id' },
    );
    const byName = correlation(
      'event_count',
      ['failed_login'],
      { condition: { gte: 2 } },
      { id: 'by-name' },
    );
    const e = engine([byId, byName]);
    const ref = { id: 'rule-uuid', name: 'failed_login' };
    expect(e.onMatch(ref, { User: 'a' }, T0)).toEqual([]);
    expect(e.onMatch(ref, { User: 'a' }, T0 + 1).map((x) => x.rule.id)).toEqual([
      'by-id',
      'by-name',
    ]);
  });

  it('honours upper bounds: a range fires when entered, lt fires on the first event', () => {
    const range = engine([correlation('event_count', ['x'], { condition: { gt: 2, lte: 3 } })]);
    const res = feed(
      range,
      [1, 2, 3].map((i) => ['x', { User: 'a' }, T0 + i]),
    );
    expect(res.map((x) => x.value)).toEqual([3]);
    const lt = engine([correlation('event_count', ['x'], { condition: { lt: 5 } })]);
    expect(feed(lt, [['x', { User: 'a' }, T0]]).map((x) => x.value)).toEqual([1]);
    const neq = engine([correlation('event_count', ['x'], { condition: { neq: 1 } })]);
    expect(
      feed(
        neq,
        [1, 2].map((i) => ['x', { User: 'a' }, T0 + i]),
      ).map((x) => x.value),
    ).toEqual([2]);
  });

  it('bounds the evidence and says so', () => {
    const big = correlation('event_count', ['x'], { condition: { gte: 150 } });
    const e = engine([big]);
    const res = feed(
      e,
      Array.from(
        { length: 150 },
        (_, i) => ['x', { User: 'a', n: i }, T0 + i] as [string, Record<string, unknown>, number],
      ),
    );
    expect(res).toHaveLength(1);
    expect(res[0]!.eventCount).toBe(150);
    expect(res[0]!.evidence).toHaveLength(100);
    expect(res[0]!.evidenceTruncated).toBe(true);
    expect(res[0]!.evidence[0]!.event.n).toBe(50);
    expect(res[0]!.evidence[99]!.event.n).toBe(149);
  });
});

describe('value_count', () => {
  it('counts distinct values of the field per group', () => {
    const r = correlation('value_count', ['failed_login'], {
      'group-by': ['source.ip'],
      condition: { field: 'user.name', gte: 3 },
    });
    const e = engine([r]);
    const res = feed(e, [
      ['failed_login', { 'source.ip': '10.0.0.9', user: { name: 'alice' } }, T0],
      ['failed_login', { 'source.ip': '10.0.0.9', user: { name: 'alice' } }, T0 + SEC],
      ['failed_login', { source: { ip: '10.0.0.9' }, user: { name: 'bob' } }, T0 + 2 * SEC],
      ['failed_login', { 'source.ip': '10.0.0.7', user: { name: 'carol' } }, T0 + 3 * SEC],
      ['failed_login', { 'source.ip': '10.0.0.9' }, T0 + 4 * SEC],
      ['failed_login', { 'source.ip': '10.0.0.9', user: { name: 'carol' } }, T0 + 5 * SEC],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ group: { 'source.ip': '10.0.0.9' }, value: 3, eventCount: 4 });
    expect(e.stats().missingField).toBe(1);
  });

  it('forgets values that slid out of the window', () => {
    const r = correlation('value_count', ['x'], { condition: { field: 'Host', gte: 3 } });
    const e = engine([r]);
    const res = feed(e, [
      ['x', { User: 'a', Host: 'h1' }, T0],
      ['x', { User: 'a', Host: 'h2' }, T0 + 4 * MIN],
      ['x', { User: 'a', Host: 'h3' }, T0 + 6 * MIN],
    ]);
    expect(res).toEqual([]);
    expect(feed(e, [['x', { User: 'a', Host: 'h1' }, T0 + 7 * MIN]])).toHaveLength(1);
  });

  it('with several fields counts distinct combinations', () => {
    const r = correlation('value_count', ['x'], { condition: { field: ['Host', 'Port'], gte: 3 } });
    const e = engine([r]);
    const res = feed(e, [
      ['x', { User: 'a', Host: 'h1', Port: 22 }, T0],
      ['x', { User: 'a', Host: 'h1', Port: 22 }, T0 + 1],
      ['x', { User: 'a', Host: 'h1', Port: 23 }, T0 + 2],
      ['x', { User: 'a', Host: 'h2', Port: 22 }, T0 + 3],
    ]);
    expect(res.map((x) => x.value)).toEqual([3]);
  });
});

describe('value_sum, value_avg, value_percentile', () => {
  it('value_sum adds numeric values, numeric strings included, skipping the rest', () => {
    const r = correlation('value_sum', ['x'], { condition: { field: 'bytes', gt: 1000 } });
    const e = engine([r]);
    const res = feed(e, [
      ['x', { User: 'a', bytes: 400 }, T0],
      ['x', { User: 'a', bytes: 'lots' }, T0 + 1],
      ['x', { User: 'a', bytes: '400' }, T0 + 2],
      ['x', { User: 'a', bytes: 201 }, T0 + 3],
    ]);
    expect(res.map((x) => x.value)).toEqual([1001]);
    expect(e.stats().missingField).toBe(1);
  });

  it('value_avg follows the window as values leave it', () => {
    const r = correlation('value_avg', ['x'], { condition: { field: 'bytes', gt: 500 } });
    const e = engine([r]);
    const res = feed(e, [
      ['x', { User: 'a', bytes: 100 }, T0],
      ['x', { User: 'a', bytes: 800 }, T0 + 4 * MIN],
      // The window at 6m no longer holds the 100: average (800 + 600) / 2.
      ['x', { User: 'a', bytes: 600 }, T0 + 6 * MIN],
    ]);
    expect(res.map((x) => x.value)).toEqual([700]);
    expect(res[0]!.firstEventMs).toBe(T0 + 4 * MIN);
  });

  it('value_percentile interpolates between ranks', () => {
    const r = correlation('value_percentile', ['x'], {
      condition: { field: 'latency', percentile: 90, gte: 95 },
    });
    const e = engine([r]);
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const res = feed(
      e,
      values.map((v, i) => ['x', { User: 'a', latency: v }, T0 + i]),
    );
    // p90 of 10…100 is 91; it first reaches 95 when… never: check the exact value instead.
    expect(res).toEqual([]);
    const e2 = engine([
      correlation('value_percentile', ['x'], {
        condition: { field: 'latency', percentile: 90, gte: 91 },
      }),
    ]);
    const res2 = feed(
      e2,
      values.map((v, i) => ['x', { User: 'a', latency: v }, T0 + i]),
    );
    expect(res2.map((x) => x.value)).toEqual([91]);
    expect(res2[0]!.eventCount).toBe(10);
  });

  it('value_median compares the middle value', () => {
    const r = correlation('value_median', ['x'], { condition: { field: 'n', gte: 5 } });
    const e = engine([r]);
    const res = feed(
      e,
      [1, 2, 9, 8, 3].map((n, i) => ['x', { User: 'a', n }, T0 + i]),
    );
    // medians: 1, 1.5, 2, then (2 + 8) / 2 = 5
    expect(res.map((x) => x.value)).toEqual([5]);
  });
});

describe('the specification examples, as written', () => {
  it('event_count: 100 failed logins to one host within an hour', () => {
    const r = rule({
      title: 'Many failed logins',
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      correlation: {
        type: 'event_count',
        rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
        'group-by': ['ComputerName'],
        timespan: '1h',
        condition: { gte: 100 },
      },
    });
    const e = engine([r]);
    const ref = { id: '5638f7c0-ac70-491d-8465-2a65075e0d86' };
    const out: CorrelationResult[] = [];
    // 99 in the first hour, then a gap: the window ending at the 100th no longer holds the first.
    for (let i = 0; i < 99; i++)
      out.push(...e.onMatch(ref, { ComputerName: 'dc1' }, T0 + i * 30 * SEC));
    out.push(...e.onMatch(ref, { ComputerName: 'dc1' }, T0 + 61 * MIN));
    expect(out).toEqual([]);
    for (let i = 0; i < 100; i++)
      out.push(...e.onMatch(ref, { ComputerName: 'dc2' }, T0 + 2 * 60 * MIN + i * 30 * SEC));
    expect(out.map((x) => [x.group.ComputerName, x.value])).toEqual([['dc2', 100]]);
  });

  it('value_count: more than 100 distinct users from one source to one destination in a day', () => {
    const r = rule({
      title: 'Failed login',
      id: '0e95725d-7320-415d-80f7-004da920fc12',
      correlation: {
        type: 'value_count',
        rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
        'group-by': ['ComputerName', 'WorkstationName'],
        timespan: '1d',
        condition: { field: 'User', gte: 100 },
      },
    });
    const e = engine([r]);
    const ref = { id: '5638f7c0-ac70-491d-8465-2a65075e0d86' };
    const out: CorrelationResult[] = [];
    for (let i = 0; i < 300; i++) {
      // The same 60 users over and over from ws1; a spray of new names from ws2.
      out.push(
        ...e.onMatch(
          ref,
          { ComputerName: 'dc1', WorkstationName: 'ws1', User: `u${i % 60}` },
          T0 + i * MIN,
        ),
      );
      out.push(
        ...e.onMatch(
          ref,
          { ComputerName: 'dc1', WorkstationName: 'ws2', User: `spray${i}` },
          T0 + i * MIN,
        ),
      );
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      group: { ComputerName: 'dc1', WorkstationName: 'ws2' },
      value: 100,
      eventCount: 100,
    });
  });
});

describe('temporal', () => {
  const r = rule({
    title: 'Recon',
    id: 'recon',
    correlation: {
      type: 'temporal',
      rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'],
      'group-by': ['ComputerName', 'User'],
      timespan: '5m',
    },
  });
  const ev = { ComputerName: 'pc1', User: 'bob' };

  it('fires when all referenced rules match in any order within the timespan', () => {
    const e = engine([r]);
    const res = feed(e, [
      ['recon_cmd_c', ev, T0],
      ['recon_cmd_a', ev, T0 + MIN],
      ['recon_cmd_a', ev, T0 + 2 * MIN],
      ['recon_cmd_b', ev, T0 + 3 * MIN],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ value: 3, eventCount: 4, group: ev });
    expect(res[0]!.evidence.map((x) => x.rule.name)).toEqual([
      'recon_cmd_c',
      'recon_cmd_a',
      'recon_cmd_a',
      'recon_cmd_b',
    ]);
  });

  it('does not fire when one rule is missing or outside the window', () => {
    const e = engine([r]);
    const res = feed(e, [
      ['recon_cmd_a', ev, T0],
      ['recon_cmd_b', ev, T0 + MIN],
      ['recon_cmd_b', { ...ev, User: 'eve' }, T0 + 2 * MIN],
      ['recon_cmd_c', { ...ev, User: 'eve' }, T0 + 3 * MIN],
      ['recon_cmd_c', ev, T0 + 5 * MIN + 1],
    ]);
    expect(res).toEqual([]);
  });

  it('with an explicit condition counts distinct rules', () => {
    const two = rule({
      title: 'Any two',
      correlation: {
        type: 'temporal',
        rules: ['a', 'b', 'c'],
        'group-by': ['User'],
        timespan: '1m',
        condition: { gte: 2 },
      },
    });
    const e = engine([two]);
    const res = feed(e, [
      ['a', { User: 'u' }, T0],
      ['a', { User: 'u' }, T0 + 1],
      ['c', { User: 'u' }, T0 + 2],
    ]);
    expect(res.map((x) => x.value)).toEqual([2]);
  });
});

describe('temporal_ordered', () => {
  const r = rule({
    title: 'a then b then c',
    correlation: {
      type: 'temporal_ordered',
      rules: ['a', 'b', 'c'],
      'group-by': ['User'],
      timespan: '5m',
    },
  });
  const u = { User: 'u' };

  it('fires only when the rules match in the order listed', () => {
    const e = engine([r]);
    expect(
      feed(e, [
        ['b', u, T0],
        ['a', u, T0 + 1],
        ['c', u, T0 + 2],
      ]),
    ).toEqual([]);
    const res = feed(e, [
      ['b', u, T0 + 3],
      ['c', u, T0 + 4],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]!.value).toBe(3);
    expect(res[0]!.windowEndMs).toBe(T0 + 4);
  });

  it('needs the whole chain inside the timespan, using the latest start', () => {
    const e = engine([r]);
    const res = feed(e, [
      ['a', u, T0],
      ['b', u, T0 + 2 * MIN],
      ['a', u, T0 + 3 * MIN],
      ['b', u, T0 + 4 * MIN],
      // a(0) … c(6m) is too long, but a(3m) → b(4m) → c(6m) fits.
      ['c', u, T0 + 6 * MIN],
    ]);
    expect(res).toHaveLength(1);
    const e2 = engine([r]);
    expect(
      feed(e2, [
        ['a', u, T0],
        ['b', u, T0 + 2 * MIN],
        ['c', u, T0 + 6 * MIN],
      ]),
    ).toEqual([]);
  });

  it('does not let one event fill two steps when a rule is listed twice', () => {
    const aba = rule({
      title: 'a b a',
      correlation: {
        type: 'temporal_ordered',
        rules: ['a', 'b', 'a2'],
        'group-by': ['User'],
        timespan: '5m',
      },
    });
    const e = engine([aba]);
    // The same base rule known by two references: id 'a2' and name 'a'.
    expect(e.onMatch({ id: 'a2', name: 'a' }, u, T0)).toEqual([]);
    expect(e.onMatch({ name: 'b' }, u, T0 + 1)).toEqual([]);
    expect(e.onMatch({ id: 'a2', name: 'a' }, u, T0 + 2)).toHaveLength(1);
  });
});

describe('aliases (the specification example)', () => {
  const r = rule({
    title: 'Internal error and connection between the same hosts',
    correlation: {
      type: 'temporal',
      rules: ['internal_error', 'new_network_connection'],
      'group-by': ['internal_ip', 'remote_ip'],
      timespan: '10s',
      aliases: {
        internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
        remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
      },
    },
  });

  it('groups events whose fields differ per rule', () => {
    const e = engine([r]);
    const res = feed(e, [
      ['internal_error', { 'destination.ip': '10.0.0.5', 'source.ip': '203.0.113.9' }, T0],
      [
        'new_network_connection',
        { 'source.ip': '10.0.0.6', 'destination.ip': '203.0.113.9' },
        T0 + SEC,
      ],
      [
        'new_network_connection',
        { 'source.ip': '10.0.0.5', 'destination.ip': '203.0.113.9' },
        T0 + 2 * SEC,
      ],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]!.group).toEqual({ internal_ip: '10.0.0.5', remote_ip: '203.0.113.9' });
  });
});

describe('chaining: failed logins followed by a successful login (the specification example)', () => {
  const outer = rule({
    title: 'Correlation - Multiple Failed Logins Followed by Successful Login',
    id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
    status: 'experimental',
    level: 'high',
    correlation: {
      type: 'temporal_ordered',
      rules: ['multiple_failed_login', 'successful_login'],
      'group-by': ['User'],
      timespan: '10m',
    },
  });
  const inner = rule({
    title: 'Multiple failed logons',
    id: 'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
    name: 'multiple_failed_login',
    correlation: {
      type: 'event_count',
      rules: ['failed_login'],
      'group-by': ['User'],
      timespan: '10m',
      condition: { gte: 10 },
    },
  });
  const failed = { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' };
  const success = { id: '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', name: 'successful_login' };

  function attack(e: CorrelationEngine, user: string, start: number): CorrelationResult[] {
    const out: CorrelationResult[] = [];
    for (let i = 0; i < 10; i++)
      out.push(...e.onMatch(failed, { User: user, EventID: 4625, i }, start + i * SEC));
    out.push(...e.onMatch(success, { User: user, EventID: 4624 }, start + 30 * SEC));
    return out;
  }

  it('emits the outer correlation only; the inner one feeds it', () => {
    const e = engine([outer, inner]);
    const res = attack(e, 'alice', T0);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({
      rule: { id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', level: 'high', type: 'temporal_ordered' },
      group: { User: 'alice' },
      windowEndMs: T0 + 30 * SEC,
      firstEventMs: T0 + 9 * SEC,
      intermediate: false,
    });
    const [first, second] = res[0]!.evidence;
    expect(first!.rule).toMatchObject({ name: 'multiple_failed_login' });
    const innerResult = first!.event.sigma_correlation as CorrelationResult;
    expect(innerResult.value).toBe(10);
    expect(innerResult.evidence).toHaveLength(10);
    expect(second!.event).toEqual({ User: 'alice', EventID: 4624 });
  });

  it('gives the intermediate result too when asked, flagged', () => {
    const e = engine([outer, inner], { emitIntermediate: true });
    const res = attack(e, 'alice', T0);
    expect(res.map((x) => [x.rule.name ?? x.rule.id, x.intermediate])).toEqual([
      ['multiple_failed_login', true],
      ['b180ead8-d58f-40b2-ae54-c8940995b9b6', false],
    ]);
  });

  it('does not fire for a success before the failures, nor for too few failures, nor across users', () => {
    const e = engine([outer, inner]);
    const out: CorrelationResult[] = [];
    out.push(...e.onMatch(success, { User: 'bob' }, T0));
    for (let i = 0; i < 10; i++)
      out.push(...e.onMatch(failed, { User: 'bob' }, T0 + (i + 1) * SEC));
    for (let i = 0; i < 9; i++) out.push(...e.onMatch(failed, { User: 'carol' }, T0 + i * SEC));
    out.push(...e.onMatch(success, { User: 'carol' }, T0 + 20 * SEC));
    for (let i = 0; i < 10; i++) out.push(...e.onMatch(failed, { User: 'dave' }, T0 + i * SEC));
    out.push(...e.onMatch(success, { User: 'erin' }, T0 + 20 * SEC));
    expect(out).toEqual([]);
  });

  it('lists what it references and which base rules lose their own alerts', () => {
    const e = engine([outer, inner]);
    expect(e.isReferenced(failed)).toBe(true);
    expect(e.isOutputSuppressed(failed)).toBe(true);
    expect(e.isReferenced({ id: 'other' })).toBe(false);
    expect(e.isOutputSuppressed({ id: 'other' })).toBe(false);
    const refs = e.references();
    expect(refs).toContainEqual({
      ref: 'multiple_failed_login',
      referencedBy: ['b180ead8-d58f-40b2-ae54-c8940995b9b6'],
      isCorrelation: true,
      generate: false,
    });
    expect(refs).toContainEqual({
      ref: 'failed_login',
      referencedBy: ['a8418a5a-5fc4-46b5-b23b-6c73beb19d41'],
      isCorrelation: false,
      generate: false,
    });
    const generating = rule({
      ...{ title: 't', generate: true },
      correlation: {
        ...(inner.rules && {
          type: 'event_count',
          rules: ['failed_login'],
          timespan: '1m',
          condition: { gte: 2 },
        }),
      },
    });
    const e2 = engine([generating]);
    expect(e2.isOutputSuppressed(failed)).toBe(false);
    expect(e2.isReferenced(failed)).toBe(true);
  });

  it('an intermediate correlation with generate: true is returned as an alert', () => {
    const generatingOuter = rule({
      ...{ title: 'outer', generate: true },
      correlation: {
        type: 'temporal_ordered',
        rules: ['multiple_failed_login', 'successful_login'],
        'group-by': ['User'],
        timespan: '10m',
      },
    });
    const e = engine([generatingOuter, inner]);
    const res = attack(e, 'alice', T0);
    expect(res.map((x) => x.rule.title)).toEqual(['Multiple failed logons', 'outer']);
  });

  it('refuses correlations that reference each other in a cycle', () => {
    const a = rule({
      title: 'A',
      name: 'a',
      correlation: { type: 'event_count', rules: ['b'], timespan: '1m', condition: { gte: 1 } },
    });
    const b = rule({
      title: 'B',
      name: 'b',
      correlation: { type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 1 } },
    });
    expect(() => engine([a, b])).toThrow(/cycle: a → b → a|cycle: b → a → b/);
    const self = rule({
      title: 'S',
      name: 's',
      correlation: { type: 'event_count', rules: ['s'], timespan: '1m', condition: { gte: 1 } },
    });
    expect(() => engine([self])).toThrow(/cycle/);
  });

  it('reports unknown references and duplicate names for the loader', () => {
    const a = rule({
      title: 'A',
      name: 'dup',
      correlation: {
        type: 'event_count',
        rules: ['known', 'ghost'],
        timespan: '1m',
        condition: { gte: 1 },
      },
    });
    const b = rule({
      title: 'B',
      name: 'dup',
      correlation: { type: 'event_count', rules: ['known'], timespan: '1m', condition: { gte: 1 } },
    });
    const errs = checkCorrelationReferences([a, b], [{ name: 'known' }]);
    expect(errs).toContainEqual({
      path: 'correlation.rules.1',
      line: 1,
      message: expect.stringMatching(/'ghost'/),
    });
    expect(errs).toContainEqual({
      path: 'name',
      line: 1,
      message: expect.stringMatching(/'dup' is also used/),
    });
    expect(() => engine([a, b])).toThrow(/'dup'/);
    // With no base rules loaded, every non-correlation reference dangles; without `known`, none is checked.
    expect(checkCorrelationReferences([a], []).map((x) => x.path)).toEqual([
      'correlation.rules.0',
      'correlation.rules.1',
    ]);
    expect(checkCorrelationReferences([a])).toEqual([]);
  });
});

describe('chaining: temporal over event_count and value_count, joined by aliases', () => {
  const manyFailed = rule({
    title: 'Many failed logins from one source',
    name: 'many_failed',
    correlation: {
      type: 'event_count',
      rules: ['failed_login'],
      'group-by': ['src'],
      timespan: '5m',
      condition: { gte: 3 },
    },
  });
  const portScan = rule({
    title: 'Port scan',
    name: 'port_scan',
    correlation: {
      type: 'value_count',
      rules: ['connection'],
      'group-by': ['source.ip'],
      timespan: '5m',
      condition: { field: 'port', gte: 3 },
    },
  });
  const both = rule({
    title: 'Scan and brute force from one address',
    id: 'scan-and-brute',
    level: 'critical',
    correlation: {
      type: 'temporal',
      rules: ['many_failed', 'port_scan'],
      'group-by': ['ip'],
      timespan: '10m',
      aliases: { ip: { many_failed: 'src', port_scan: 'source.ip' } },
    },
  });

  it('fires once both inner correlations fired for the same address', () => {
    const e = engine([both, manyFailed, portScan]);
    const out: CorrelationResult[] = [];
    for (const port of [22, 23, 80, 443]) {
      out.push(
        ...e.onMatch({ name: 'connection' }, { 'source.ip': '198.51.100.7', port }, T0 + port),
      );
      out.push(
        ...e.onMatch({ name: 'connection' }, { 'source.ip': '198.51.100.8', port }, T0 + port),
      );
    }
    expect(out).toEqual([]);
    for (let i = 0; i < 3; i++) {
      out.push(...e.onMatch({ name: 'failed_login' }, { src: '198.51.100.9' }, T0 + MIN + i));
    }
    expect(out).toEqual([]);
    for (let i = 0; i < 3; i++) {
      out.push(...e.onMatch({ name: 'failed_login' }, { src: '198.51.100.7' }, T0 + 2 * MIN + i));
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      rule: { id: 'scan-and-brute', level: 'critical', type: 'temporal' },
      group: { ip: '198.51.100.7' },
      value: 2,
      windowEndMs: T0 + 2 * MIN + 2,
      firstEventMs: T0 + 80,
    });
    expect(out[0]!.evidence.map((x) => x.rule.name)).toEqual(['port_scan', 'many_failed']);
    expect(e.isOutputSuppressed({ name: 'connection' })).toBe(true);
  });
});

describe('event time, lateness and out-of-order events', () => {
  const r = correlation('event_count', ['x'], { condition: { gte: 3 } });

  it('uses event time, not arrival order, for the window', () => {
    const e = engine([r], { allowedLatenessMs: 10 * MIN });
    // Arrives in order 0, 4m, 3m: the late 3m event belongs to the window ending at 4m, not 3m alone.
    const res = feed(e, [
      ['x', { User: 'a', n: 0 }, T0],
      ['x', { User: 'a', n: 4 }, T0 + 4 * MIN],
      ['x', { User: 'a', n: 3 }, T0 + 3 * MIN],
    ]);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ windowEndMs: T0 + 4 * MIN, firstEventMs: T0, value: 3 });
    expect(res[0]!.evidence.map((x) => x.event.n)).toEqual([0, 3, 4]);
  });

  it('gives results for the same groups and periods whatever the arrival order within the lateness', () => {
    const period = (x: CorrelationResult) =>
      `${String(x.group.User)}@${Math.floor(x.windowEndMs / (5 * MIN))}`;
    const matches: [string, Record<string, unknown>, number][] = [];
    // Bursts for three users at different rates over 40 minutes.
    for (let i = 0; i < 240; i++) {
      const user = ['a', 'b', 'c'][i % 3]!;
      if (user === 'c' && i % 7 !== 0) continue;
      matches.push(['x', { User: user }, T0 + i * 10 * SEC]);
    }
    const inOrder = engine([r], { allowedLatenessMs: MIN });
    const expected = feed(inOrder, matches).map(period).sort();
    // Deterministic shuffle: each event moved by at most 50 s.
    const shuffled = matches
      .map((m, i) => [m, m[2] + ((i * i * 31 + i * 7) % 6) * 10 * SEC] as const)
      .sort((x, y) => x[1] - y[1])
      .map(([m]) => m);
    expect(shuffled).not.toEqual(matches);
    const e = engine([r], { allowedLatenessMs: MIN });
    const got = feed(e, shuffled);
    expect(got.map(period).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(10);
    expect(got.every((x) => x.value >= 3)).toBe(true);
    expect(e.stats().tooLate).toBe(0);
  });

  it('counts events later than the allowed lateness as too late and ignores them', () => {
    const e = engine([r], { allowedLatenessMs: 30 * SEC });
    feed(e, [
      ['x', { User: 'a' }, T0 + 10 * MIN],
      ['x', { User: 'a' }, T0 + 10 * MIN - 30 * SEC],
    ]);
    expect(e.stats().tooLate).toBe(0);
    // 31 s behind the watermark: too late, and it would otherwise have completed the window.
    expect(feed(e, [['x', { User: 'a' }, T0 + 10 * MIN - 31 * SEC]])).toEqual([]);
    expect(e.stats().tooLate).toBe(1);
    expect(e.onMatch({ name: 'x' }, { User: 'a' }, Number.NaN)).toEqual([]);
    expect(e.stats().invalidTime).toBe(1);
  });

  it('lets a late event complete a period that has not fired, and not one that has', () => {
    const e = engine([r], { allowedLatenessMs: 10 * MIN });
    // Period 0 fires at 3 s.
    expect(
      feed(
        e,
        [0, 1, 2].map((s) => ['x', { User: 'a' }, T0 + s * SEC]),
      ),
    ).toHaveLength(1);
    // Period 1 (5m–10m): two events, then a late third one completes it.
    expect(
      feed(e, [
        ['x', { User: 'a' }, T0 + 9 * MIN],
        ['x', { User: 'a' }, T0 + 9 * MIN + 1],
      ]),
    ).toHaveLength(0);
    const res = feed(e, [['x', { User: 'a' }, T0 + 6 * MIN]]);
    expect(res.map((x) => [x.windowEndMs, x.value])).toEqual([[T0 + 9 * MIN + 1, 3]]);
    // A late event in period 0 finds it already fired.
    expect(feed(e, [['x', { User: 'a' }, T0 + 4 * SEC]])).toEqual([]);
  });

  it('places an event without a time at the watermark, not at the wall clock', () => {
    const e = engine([r], { allowedLatenessMs: 0 });
    feed(e, [['x', { User: 'a' }, T0 + MIN]]);
    expect(e.onMatch({ name: 'x' }, { User: 'a' }, undefined)).toEqual([]);
    // Still in the same window as the timed events around it, and nothing became too late.
    const res = feed(e, [['x', { User: 'a' }, T0 + MIN]]);
    expect(res.map((x) => [x.value, x.windowEndMs])).toEqual([[3, T0 + MIN]]);
    expect(e.stats()).toMatchObject({ tooLate: 0, watermarkMs: T0 + MIN });
    // Before any event, the clock stands in.
    const fresh = new CorrelationEngine([r], { clock: new ManualClock(T0) });
    fresh.onMatch({ name: 'x' }, { User: 'a' }, undefined);
    expect(fresh.stats().watermarkMs).toBe(T0);
  });

  it('does not let a timestamp from the far future blind the engine', () => {
    const clock = new ManualClock(T0 + 10 * MIN);
    const e = engine([r], { clock, allowedLatenessMs: MIN });
    feed(e, [['x', { User: 'z' }, T0 + 365 * 24 * 60 * MIN]]);
    expect(e.stats().future).toBe(1);
    // The watermark runs ahead of the clock by half the lateness at most.
    expect(e.stats().watermarkMs).toBe(T0 + 10 * MIN + 30 * SEC);
    // Ordinary events, dated a little before the clock as they arrive, keep correlating.
    expect(
      feed(
        e,
        [0, 1, 2].map((s) => ['x', { User: 'a' }, T0 + 10 * MIN - 20 * SEC + s]),
      ),
    ).toHaveLength(1);
    expect(e.stats().tooLate).toBe(0);
  });

  it('keeps correlating on-time senders while another one writes local time as if it were UTC', () => {
    // A device in India logging 09:00 IST without a zone is read as 09:00 UTC: 5½ hours ahead.
    const clock = new ManualClock(T0 + 60 * MIN);
    const e = engine([r], { clock, allowedLatenessMs: MIN, maxGroups: 10 });
    const ahead = 330 * MIN;
    const results: CorrelationResult[] = [];
    for (let s = 0; s < 30; s += 5) {
      clock.set(T0 + 60 * MIN + s * SEC);
      results.push(
        ...feed(e, [
          ['x', { User: 'nvr' }, T0 + 60 * MIN + s * SEC + ahead],
          // sent two seconds ago
          ['x', { User: 'admin' }, T0 + 60 * MIN + s * SEC - 2 * SEC],
        ]),
      );
    }
    expect(results.map((res) => res.group)).toEqual([{ User: 'nvr' }, { User: 'admin' }]);
    expect(e.stats()).toMatchObject({ tooLate: 0, future: 6 });
  });
});

describe('bounded state', () => {
  const r = correlation('event_count', ['x'], { condition: { gte: 3 } });

  it('drops groups once nothing in them can join a future window', () => {
    const e = engine([r], { allowedLatenessMs: MIN });
    feed(
      e,
      Array.from({ length: 50 }, (_, i) => ['x', { User: `u${i}` }, T0 + i]),
    );
    expect(e.stats().groups).toBe(50);
    // 5m timespan + 1m lateness later, one new event sweeps the stale groups away.
    feed(e, [['x', { User: 'late-comer' }, T0 + 6 * MIN + 50]]);
    expect(e.stats()).toMatchObject({ groups: 1, expired: 50 });
  });

  it('expire() drops every stale group at a given event time, and keeps live ones', () => {
    const e = engine([r], { allowedLatenessMs: MIN });
    feed(e, [
      ['x', { User: 'old' }, T0],
      ['x', { User: 'new' }, T0 + 5 * MIN],
    ]);
    e.expire(T0 + 6 * MIN + 1);
    expect(e.stats()).toMatchObject({ groups: 1, expired: 1 });
    e.expire(T0 + 60 * MIN);
    expect(e.stats().groups).toBe(0);
  });

  it('a dropped group starts again from nothing', () => {
    const e = engine([r], { allowedLatenessMs: 0 });
    feed(e, [
      ['x', { User: 'a' }, T0],
      ['x', { User: 'a' }, T0 + 1],
    ]);
    e.expire(T0 + 10 * MIN);
    expect(feed(e, [['x', { User: 'a' }, T0 + 10 * MIN]])).toEqual([]);
  });

  it('caps the number of groups, evicting the stalest and counting evictions', () => {
    const e = engine([r], { maxGroups: 100 });
    feed(
      e,
      Array.from({ length: 1000 }, (_, i) => ['x', { User: `u${i}` }, T0 + i]),
    );
    expect(e.stats()).toMatchObject({ groups: 100, evictions: 900 });
    // The most recent groups survived and still count.
    expect(
      feed(e, [
        ['x', { User: 'u999' }, T0 + 1000],
        ['x', { User: 'u999' }, T0 + 1001],
      ]),
    ).toHaveLength(1);
    // The first ones were evicted: two more events are not enough.
    expect(
      feed(e, [
        ['x', { User: 'u0' }, T0 + 1002],
        ['x', { User: 'u0' }, T0 + 1003],
      ]),
    ).toEqual([]);
  });

  it('caps the events held per group and counts what it dropped', () => {
    const e = engine([correlation('event_count', ['x'], { condition: { gte: 1000 } })], {
      maxEventsPerGroup: 50,
    });
    feed(
      e,
      Array.from({ length: 200 }, (_, i) => ['x', { User: 'a' }, T0 + i]),
    );
    expect(e.stats().droppedEvents).toBe(150);
  });

  it('caps the events held across all groups (entries and evidence), evicting the stalest groups', () => {
    const e = engine([correlation('event_count', ['x'], { condition: { gte: 1000 } })], {
      maxStateEvents: 50,
    });
    feed(
      e,
      Array.from({ length: 100 }, (_, i) => ['x', { User: `u${i % 10}` }, T0 + i]),
    );
    const s = e.stats();
    expect(s.heldEvents).toBeLessThanOrEqual(50);
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.groups).toBeLessThan(10);
  });

  it('accounts for every held event: nothing is left once all state expires', () => {
    const r3 = correlation('value_count', ['x', 'y'], { condition: { field: 'k', gte: 4 } });
    const e = engine([r3], { allowedLatenessMs: 30 * SEC, maxGroups: 20, maxEventsPerGroup: 40 });
    for (let i = 0; i < 5000; i++) {
      const late = i % 4 === 0 ? 20 * SEC : 0;
      e.onMatch(
        { name: i % 3 ? 'x' : 'y' },
        { User: `u${(i * 7) % 30}`, k: i % 5 },
        T0 + i * 500 - late,
      );
    }
    expect(e.stats().heldEvents).toBeGreaterThan(0);
    e.expire(T0 + 10_000 * MIN);
    expect(e.stats()).toMatchObject({ groups: 0, heldEvents: 0 });
  });

  it('stays bounded under a long stream of distinct groups', () => {
    const e = engine([r], { maxGroups: 1000, allowedLatenessMs: 0 });
    for (let i = 0; i < 50_000; i++)
      e.onMatch({ name: 'x' }, { User: `u${i % 5000}` }, T0 + i * 100);
    const s = e.stats();
    expect(s.groups).toBeLessThanOrEqual(1000);
    expect(s.evictions + s.expired + s.groups).toBeGreaterThanOrEqual(5000);
  });
});

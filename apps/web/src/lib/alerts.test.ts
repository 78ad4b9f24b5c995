import { describe, expect, it } from 'vitest';
import type { Alert } from '../api/types';
import { filterFromParams, filterToParams } from '../views/alerts/filter';
import { DEFAULT_FILTER, alertTrend, matchesFilter, mergeAlerts, sortAlerts } from './alerts';

function alert(over: Partial<Alert>): Alert {
  return {
    id: 'a1',
    seq: 1,
    revision: 1,
    kind: 'sigma',
    ruleId: 'r1',
    ruleTitle: 'SSH Brute Force Against a City Server',
    level: 'high',
    severity: 'high',
    asset: null,
    logsource: {},
    tags: [],
    groupFields: {},
    status: 'new',
    resolution: null,
    statusBy: null,
    statusAt: null,
    statusNote: null,
    firstSeen: '2026-11-25T10:00:00.000Z',
    lastSeen: '2026-11-25T10:00:00.000Z',
    count: 1,
    sourceIp: null,
    hostName: null,
    sourceName: null,
    userName: null,
    eventSeqs: [],
    matched: {},
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}

describe('alert filter', () => {
  it('matches status, level, rule and every word of the title, as the API does', () => {
    const a = alert({});
    expect(matchesFilter(a, DEFAULT_FILTER)).toBe(true);
    expect(matchesFilter(alert({ status: 'closed' }), DEFAULT_FILTER)).toBe(false);
    expect(matchesFilter(a, { ...DEFAULT_FILTER, level: ['critical'] })).toBe(false);
    expect(matchesFilter(a, { ...DEFAULT_FILTER, rule: 'r2' })).toBe(false);
    expect(matchesFilter(a, { ...DEFAULT_FILTER, text: 'ssh  city' })).toBe(true);
    expect(matchesFilter(a, { ...DEFAULT_FILTER, text: 'ssh rdp' })).toBe(false);
    expect(matchesFilter(alert({ status: 'closed' }), { ...DEFAULT_FILTER, status: [] })).toBe(
      true,
    );
  });

  it('round-trips through the address, leaving the default statuses out', () => {
    expect(filterToParams(DEFAULT_FILTER)).toEqual({
      status: undefined,
      level: undefined,
      rule: undefined,
      q: undefined,
    });
    const f = { status: [], level: ['high', 'critical'], rule: 'r1', text: 'ssh' };
    const params = new URLSearchParams(
      Object.entries(filterToParams(f)).filter((e): e is [string, string] => e[1] !== undefined),
    );
    expect(params.toString()).toBe('status=all&level=high%2Ccritical&rule=r1&q=ssh');
    expect(filterFromParams(params)).toEqual(f);
    expect(filterFromParams(new URLSearchParams('status=closed,bogus')).status).toEqual(['closed']);
  });
});

describe('mergeAlerts', () => {
  it('keeps the newest revision whichever arrives first, and drops alerts leaving the filter', () => {
    const v1 = alert({ revision: 1 });
    const v2 = alert({ revision: 2, status: 'acknowledged' });
    const v3 = alert({ revision: 3, status: 'closed', resolution: 'false_positive' });
    let m = mergeAlerts(new Map(), [v2], DEFAULT_FILTER);
    m = mergeAlerts(m, [v1], DEFAULT_FILTER); // an older page answer arriving late
    expect(m.get('a1')?.status).toBe('acknowledged');
    const same = mergeAlerts(m, [v1, v2], DEFAULT_FILTER);
    expect(same).toBe(m); // nothing new: the same map, so nothing re-renders
    m = mergeAlerts(m, [v3], DEFAULT_FILTER);
    expect(m.has('a1')).toBe(false);
    m = mergeAlerts(m, [alert({ id: 'a2', seq: 2 })], DEFAULT_FILTER);
    expect(sortAlerts(m.values()).map((a) => a.id)).toEqual(['a2']);
  });
});

describe('alertTrend', () => {
  it('counts each alert once per hour bucket and level, at its latest hit', () => {
    const from = Date.parse('2026-11-25T08:30:00Z');
    const to = Date.parse('2026-11-25T11:10:00Z');
    const trend = alertTrend(
      [
        alert({ id: '1', lastSeen: '2026-11-25T08:59:59Z' }),
        alert({ id: '2', lastSeen: '2026-11-25T09:00:00Z', level: 'critical' }),
        alert({ id: '3', lastSeen: '2026-11-25T10:30:00Z' }),
        alert({ id: '4', lastSeen: '2026-11-24T10:30:00Z' }), // before the window
        alert({ id: '5', lastSeen: '2026-11-25T09:15:00Z', level: 'custom' }),
      ],
      from,
      to,
      3_600_000,
    );
    expect(trend.buckets.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '08:00',
      '09:00',
      '10:00',
      '11:00',
    ]);
    expect(trend.series).toEqual([
      { level: 'critical', counts: [0, 1, 0, 0] },
      { level: 'high', counts: [1, 0, 1, 0] },
      { level: 'custom', counts: [0, 1, 0, 0] },
    ]);
  });
});

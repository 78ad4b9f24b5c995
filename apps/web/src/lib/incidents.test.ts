import { describe, expect, it } from 'vitest';
import type { IncidentSummary, LegalClock } from '../api/incidents';
import {
  boardColumns,
  clockText,
  filterFromParams,
  filterToParams,
  filterToQueries,
  formatCountdown,
  liveClock,
  uniqueIncidents,
} from './incidents';

const NOTICED = Date.parse('2026-03-02T08:00:00Z');
const HOUR = 3_600_000;

function certIn(over: Partial<LegalClock> = {}): LegalClock {
  return {
    duty: 'cert-in',
    title: 'Report to CERT-In',
    authority: 'CERT-In Directions 2022',
    startedAt: new Date(NOTICED).toISOString(),
    dueAt: new Date(NOTICED + 6 * HOUR).toISOString(),
    warningAt: new Date(NOTICED + 5 * HOUR).toISOString(),
    statutoryDeadline: true,
    state: 'running',
    remainingMs: 6 * HOUR,
    reportedAt: null,
    reportedBy: null,
    reference: null,
    ...over,
  };
}

let seq = 0;
function incident(over: Partial<IncidentSummary> = {}): IncidentSummary {
  seq += 1;
  return {
    id: `i${seq}`,
    seq,
    number: `INC-2026-${String(seq).padStart(4, '0')}`,
    title: 'SSH brute force',
    description: null,
    severity: 'high',
    status: 'new',
    resolution: null,
    ownerId: null,
    ownerName: null,
    certInType: null,
    personalDataBreach: false,
    noticedAt: new Date(NOTICED).toISOString(),
    acknowledgedAt: null,
    containedAt: null,
    closedAt: null,
    closedBy: null,
    mergedIntoId: null,
    createdAt: new Date(NOTICED).toISOString(),
    createdBy: 'asha',
    updatedAt: new Date(NOTICED).toISOString(),
    updatedBy: 'asha',
    clocks: [],
    assets: [],
    ...over,
  };
}

describe('a legal clock between two loads', () => {
  it('counts down from its deadline and turns to warning in the last hour, then overdue', () => {
    const clock = certIn();
    expect(liveClock(clock, NOTICED + 1000)).toEqual({
      state: 'running',
      remainingMs: 6 * HOUR - 1000,
    });
    expect(liveClock(clock, NOTICED + 5 * HOUR + 1).state).toBe('warning');
    expect(liveClock(clock, NOTICED + 6 * HOUR)).toEqual({ state: 'overdue', remainingMs: 0 });
    expect(liveClock(clock, NOTICED + 7 * HOUR).remainingMs).toBe(-HOUR);
  });

  it('turns to warning when the server says it does, whatever the city set', () => {
    // a server that warns two hours before the deadline
    const early = certIn({ warningAt: new Date(NOTICED + 4 * HOUR).toISOString() });
    expect(liveClock(early, NOTICED + 4 * HOUR - 1).state).toBe('running');
    expect(liveClock(early, NOTICED + 4 * HOUR).state).toBe('warning');
    // and a warning the server already gave stays, whatever this machine's clock says
    expect(liveClock(certIn({ state: 'warning' }), NOTICED + HOUR).state).toBe('warning');
  });

  it('stops once the report is recorded, in time or late', () => {
    const met = certIn({ state: 'met', reportedAt: new Date(NOTICED + HOUR).toISOString() });
    expect(liveClock(met, NOTICED + 10 * HOUR)).toEqual({ state: 'met', remainingMs: null });
    expect(clockText(liveClock(met, NOTICED))).toBe('reported in time');
    const late = certIn({
      state: 'met-late',
      reportedAt: new Date(NOTICED + 7 * HOUR).toISOString(),
    });
    expect(clockText(liveClock(late, NOTICED))).toBe('reported late');
  });
});

describe('a countdown on screen', () => {
  it('reads as hours, minutes and seconds under a day and as days and hours beyond', () => {
    expect(formatCountdown(6 * HOUR)).toBe('6:00:00');
    expect(formatCountdown(5 * HOUR + 59 * 60_000 + 7_900)).toBe('5:59:07');
    expect(formatCountdown(59_000)).toBe('0:00:59');
    expect(formatCountdown(72 * HOUR - 1000)).toBe('2 d 23 h');
  });

  it('says how long is left, or how long overdue', () => {
    expect(clockText({ state: 'running', remainingMs: 2 * HOUR })).toBe('2:00:00 left');
    expect(clockText({ state: 'overdue', remainingMs: -190_000 })).toBe('overdue by 0:03:10');
  });
});

describe('the board', () => {
  it('puts each incident under its status, the nearest deadline first, then by severity', () => {
    const calm = incident({ severity: 'critical' });
    const later = incident({
      clocks: [certIn({ dueAt: new Date(NOTICED + 6 * HOUR).toISOString() })],
    });
    const sooner = incident({
      clocks: [certIn({ dueAt: new Date(NOTICED + 2 * HOUR).toISOString() })],
    });
    const low = incident({ severity: 'low' });
    const reported = incident({
      clocks: [certIn({ state: 'met', reportedAt: new Date(NOTICED).toISOString() })],
    });
    const contained = incident({ status: 'contained' });
    const closed = incident({ status: 'closed', resolution: 'resolved' });
    const board = boardColumns([low, calm, later, reported, contained, sooner, closed]);
    expect(board.new.map((i) => i.id)).toEqual([sooner.id, later.id, calm.id, reported.id, low.id]);
    expect(board.contained).toEqual([contained]);
    expect(board.closed).toEqual([closed]);
    expect(board.triage).toEqual([]);
  });
});

describe('the filters', () => {
  it('round-trip through the address and ignore what is not a severity', () => {
    const filter = filterFromParams(
      new URLSearchParams('q=ssh&severity=high,urgent,critical&clock=overdue&mine=1'),
    );
    expect(filter).toEqual({
      q: 'ssh',
      severity: ['high', 'critical'],
      clock: 'overdue',
      mine: true,
    });
    expect(filterToParams(filter)).toEqual({
      q: 'ssh',
      severity: 'high,critical',
      clock: 'overdue',
      mine: '1',
    });
    expect(filterToParams(filterFromParams(new URLSearchParams()))).toEqual({
      q: undefined,
      severity: undefined,
      clock: undefined,
      mine: undefined,
    });
  });

  it('ask for "mine" as owner and as assignee, and show each incident once', () => {
    const queries = filterToQueries({ q: '', severity: [], clock: '', mine: true }, 'asha');
    expect(queries.map((q) => [q.owner, q.assignee])).toEqual([
      ['asha', undefined],
      [undefined, 'asha'],
    ]);
    const a = incident();
    const b = incident();
    expect(uniqueIncidents([[a, b], [b]]).map((i) => i.id)).toEqual([a.id, b.id]);
  });
});

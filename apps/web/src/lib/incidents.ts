// What the incident views compute themselves: legal clocks counting down between two loads,
// how a countdown is written and coloured, the board's columns, and the filters in the address.
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type ClockState,
  type IncidentStatus,
  type IncidentSummary,
  type LegalClock,
} from '../api/incidents';
import type { Query } from '../api/client';

export interface LiveClock {
  state: ClockState;
  /** until the deadline (negative once overdue); null once reported */
  remainingMs: number | null;
}

/** A clock as it stands at `now`, from what the server said when it was loaded. */
export function liveClock(clock: LegalClock, now: number): LiveClock {
  if (clock.reportedAt) return { state: clock.state, remainingMs: null };
  const remainingMs = Date.parse(clock.dueAt) - now;
  // the server says when each clock turns to warning (its incidents.warnBeforeMinutes)
  const state: ClockState =
    remainingMs <= 0
      ? 'overdue'
      : now >= Date.parse(clock.warningAt) || clock.state === 'warning'
        ? 'warning'
        : 'running';
  return { state, remainingMs };
}

/** `5:59:07` under a day, `2 d 04 h` beyond; the sign is left to the caller. */
export function formatCountdown(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days} d ${p(hours)} h`;
  return `${hours}:${p(minutes)}:${p(seconds)}`;
}

/** What a clock says on screen: `5:59:07 left`, `overdue by 0:03:10`, `reported`. */
export function clockText(live: LiveClock): string {
  switch (live.state) {
    case 'met':
      return 'reported in time';
    case 'met-late':
      return 'reported late';
    case 'overdue':
      return `overdue by ${formatCountdown(live.remainingMs ?? 0)}`;
    default:
      return `${formatCountdown(live.remainingMs ?? 0)} left`;
  }
}

/** The clocks' short names, as people in the command centre say them. */
const DUTY_LABELS: Record<string, string> = {
  'cert-in': 'CERT-In 6 h',
  'dpdp-board-intimation': 'DPDP Board',
  'dpdp-principals': 'DPDP citizens',
  'dpdp-board-report': 'DPDP Board 72 h',
};

export function dutyLabel(duty: string): string {
  return DUTY_LABELS[duty] ?? duty;
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** The deadline of the incident's nearest clock still waiting for a report, in ms; or null. */
export function nearestDeadline(incident: { clocks: LegalClock[] }): number | null {
  const due = incident.clocks.filter((c) => !c.reportedAt).map((c) => Date.parse(c.dueAt));
  return due.length ? Math.min(...due) : null;
}

/** Nearest deadline first, then the incidents without one by severity, then the newest. */
export function byUrgency(a: IncidentSummary, b: IncidentSummary): number {
  const da = nearestDeadline(a);
  const db = nearestDeadline(b);
  if (da !== null && db !== null && da !== db) return da - db;
  if ((da === null) !== (db === null)) return da === null ? 1 : -1;
  const sev = (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0);
  return sev || b.seq - a.seq;
}

export type Board = Record<IncidentStatus, IncidentSummary[]>;

/** One column per status in the life of an incident, the most urgent card on top. */
export function boardColumns(incidents: readonly IncidentSummary[]): Board {
  const board = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, []])) as unknown as Board;
  for (const incident of incidents) board[incident.status]?.push(incident);
  for (const status of INCIDENT_STATUSES) board[status].sort(byUrgency);
  return board;
}

export interface IncidentFilter {
  q: string;
  severity: string[];
  /** a legal clock in this state (running, warning, overdue, met, met-late) */
  clock: string;
  /** only those I own or am assigned to */
  mine: boolean;
}

export function filterFromParams(params: URLSearchParams): IncidentFilter {
  const list = (key: string, allowed: readonly string[]) =>
    (params.get(key) ?? '').split(',').filter((v) => allowed.includes(v));
  return {
    q: params.get('q') ?? '',
    severity: list('severity', INCIDENT_SEVERITIES),
    clock: params.get('clock') ?? '',
    mine: params.get('mine') === '1',
  };
}

export function filterToParams(filter: IncidentFilter): Record<string, string | undefined> {
  return {
    q: filter.q || undefined,
    severity: filter.severity.join(',') || undefined,
    clock: filter.clock || undefined,
    mine: filter.mine ? '1' : undefined,
  };
}

/**
 * The API query for the board: open and closed incidents; "mine" asks twice (owner, assignee)
 * because the API combines filters with "and".
 */
export function filterToQueries(filter: IncidentFilter, me: string): Query[] {
  const base: Query = {
    q: filter.q,
    severity: filter.severity.join(','),
    clock: filter.clock,
    limit: 500,
  };
  return filter.mine
    ? [
        { ...base, owner: me },
        { ...base, assignee: me },
      ]
    : [base];
}

/** The incidents of several answers, once each. */
export function uniqueIncidents(lists: readonly IncidentSummary[][]): IncidentSummary[] {
  const seen = new Map<string, IncidentSummary>();
  for (const list of lists) for (const i of list) seen.set(i.id, i);
  return [...seen.values()];
}

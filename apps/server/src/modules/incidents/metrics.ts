/**
 * Response times for the CISO's report: per incident, the minutes from being noticed to being
 * acknowledged (first left `new`), contained (first reached contained or a later stage) and
 * closed; per team and per person, the medians. Medians rather than means: one incident left
 * open over a holiday should not hide how fast the other forty were handled. Pure.
 */
import type { IncidentRecord } from '@prahari/store';

export interface IncidentTimes {
  id: string;
  number: string;
  title: string;
  severity: string;
  status: string;
  ownerName: string | null;
  noticedAt: string;
  createdAt: string;
  minutesToAcknowledge: number | null;
  minutesToContain: number | null;
  minutesToClose: number | null;
}

export interface GroupTimes {
  /** the department, or the person's username */
  name: string;
  incidents: number;
  medianMinutesToAcknowledge: number | null;
  medianMinutesToContain: number | null;
  medianMinutesToClose: number | null;
}

const minutesBetween = (from: string, to: string | null): number | null =>
  to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));

export function incidentTimes(i: IncidentRecord): IncidentTimes {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    severity: i.severity,
    status: i.status,
    ownerName: i.ownerName,
    noticedAt: i.noticedAt,
    createdAt: i.createdAt,
    minutesToAcknowledge: minutesBetween(i.noticedAt, i.acknowledgedAt),
    minutesToContain: minutesBetween(i.noticedAt, i.containedAt),
    minutesToClose: i.status === 'closed' ? minutesBetween(i.noticedAt, i.closedAt) : null,
  };
}

/** The median of the values given (nulls, what has not happened yet, left out). */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
}

/** Medians per group; an incident counts once in each group it belongs to. */
export function groupTimes(
  rows: readonly { times: IncidentTimes; groups: readonly string[] }[],
): GroupTimes[] {
  const by = new Map<string, IncidentTimes[]>();
  for (const r of rows)
    for (const g of new Set(r.groups)) by.set(g, [...(by.get(g) ?? []), r.times]);
  return [...by]
    .map(([name, list]) => ({
      name,
      incidents: list.length,
      medianMinutesToAcknowledge: median(list.map((t) => t.minutesToAcknowledge)),
      medianMinutesToContain: median(list.map((t) => t.minutesToContain)),
      medianMinutesToClose: median(list.map((t) => t.minutesToClose)),
    }))
    .sort((a, b) => b.incidents - a.incidents || (a.name < b.name ? -1 : 1));
}

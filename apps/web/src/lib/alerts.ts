// Alert list logic kept out of the components, so it can be tested on its own: which alerts a
// filter shows (for live updates, mirroring the server's filters), merging live changes, and
// counting alerts per time bucket for the trend chart.
import type { Alert, AlertStatus } from '../api/types';
import { LEVELS } from '../api/types';

export interface AlertFilter {
  status: AlertStatus[];
  level: string[];
  rule: string;
  /** words that must all appear in the rule title (as the server's `q`) */
  text: string;
}

export const DEFAULT_FILTER: AlertFilter = {
  status: ['new', 'acknowledged'],
  level: [],
  rule: '',
  text: '',
};

export function matchesFilter(alert: Alert, filter: AlertFilter): boolean {
  if (filter.status.length && !filter.status.includes(alert.status)) return false;
  if (filter.level.length && !filter.level.includes(alert.level)) return false;
  if (filter.rule && alert.ruleId !== filter.rule) return false;
  const title = alert.ruleTitle.toLowerCase();
  for (const word of filter.text.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (!title.includes(word)) return false;
  }
  return true;
}

/**
 * Applies alerts (from a page or the live stream) to a map by id. A change replaces what is
 * there only if its revision is newer, so a page and the stream can arrive in either order.
 * Alerts that no longer match the filter leave the list. Returns the same map if nothing changed.
 */
export function mergeAlerts(
  current: ReadonlyMap<string, Alert>,
  incoming: readonly Alert[],
  filter: AlertFilter,
): ReadonlyMap<string, Alert> {
  let next: Map<string, Alert> | undefined;
  for (const alert of incoming) {
    const known = (next ?? current).get(alert.id);
    if (known && known.revision >= alert.revision) continue;
    next ??= new Map(current);
    if (matchesFilter(alert, filter)) next.set(alert.id, alert);
    else next.delete(alert.id);
  }
  return next ?? current;
}

/** Newest first, as the server lists them. */
export function sortAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort((a, b) => b.seq - a.seq);
}

export const LEVEL_RANK: Record<string, number> = Object.fromEntries(
  LEVELS.map((level, i) => [level, LEVELS.length - i]),
);

export function levelRank(level: string | null | undefined): number {
  return (level && LEVEL_RANK[level]) || 0;
}

export interface Trend {
  /** start of each bucket, epoch ms */
  buckets: number[];
  /** alerts per bucket for each level, in LEVELS order, levels with none left out */
  series: { level: string; counts: number[] }[];
}

/**
 * Alerts per time bucket and level between `from` and `to`, each alert counted once at its
 * latest hit (`lastSeen`, the time the API's `from` filters on). Buckets are aligned to
 * `bucketMs` so the chart's ticks fall on whole hours.
 */
export function alertTrend(
  alerts: readonly Alert[],
  from: number,
  to: number,
  bucketMs: number,
): Trend {
  const start = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((to - start) / bucketMs));
  const buckets = Array.from({ length: n }, (_, i) => start + i * bucketMs);
  const counts = new Map<string, number[]>();
  for (const alert of alerts) {
    const t = new Date(alert.lastSeen).getTime();
    if (Number.isNaN(t) || t < start || t >= start + n * bucketMs) continue;
    const row = counts.get(alert.level) ?? new Array<number>(n).fill(0);
    row[Math.floor((t - start) / bucketMs)]! += 1;
    counts.set(alert.level, row);
  }
  const known = [...LEVELS] as string[];
  const extra = [...counts.keys()].filter((l) => !known.includes(l)).sort();
  const series = [...known, ...extra]
    .filter((level) => counts.has(level))
    .map((level) => ({ level, counts: counts.get(level)! }));
  return { buckets, series };
}

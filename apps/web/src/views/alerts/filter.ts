// The alert filter lives in the page's address (?status=…&level=…&rule=…&q=…&group=rule), so a
// filtered list can be bookmarked and shared.
import type { AlertStatus } from '../../api/types';
import { DEFAULT_FILTER, type AlertFilter } from '../../lib/alerts';

const STATUSES: AlertStatus[] = ['new', 'acknowledged', 'closed'];

export function filterFromParams(params: URLSearchParams): AlertFilter {
  const status = params.get('status');
  return {
    status:
      status === null
        ? DEFAULT_FILTER.status
        : status === 'all'
          ? []
          : (status.split(',').filter((s) => (STATUSES as string[]).includes(s)) as AlertStatus[]),
    level: (params.get('level') ?? '').split(',').filter(Boolean),
    rule: params.get('rule') ?? '',
    text: params.get('q') ?? '',
  };
}

/** The parameter values for a filter; the default status set is left out of the address. */
export function filterToParams(filter: AlertFilter): Record<string, string | undefined> {
  const isDefault =
    filter.status.length === DEFAULT_FILTER.status.length &&
    filter.status.every((s) => DEFAULT_FILTER.status.includes(s));
  return {
    status: isDefault ? undefined : filter.status.length ? filter.status.join(',') : 'all',
    level: filter.level.join(',') || undefined,
    rule: filter.rule || undefined,
    q: filter.text || undefined,
  };
}

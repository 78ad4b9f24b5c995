// The alerts shown: a page from the API for the filter, kept current by the live stream.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { Alert } from '../../api/types';
import { mergeAlerts, sortAlerts, type AlertFilter } from '../../lib/alerts';
import { useAlertStream, useAlertUpdates } from '../../stream';

const PAGE = 1000;

export function useAlertList(filter: AlertFilter) {
  const { generation } = useAlertStream();
  const [map, setMap] = useState<ReadonlyMap<string, Alert>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [hasMore, setHasMore] = useState(false);
  const [tick, setTick] = useState(0);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  /** live changes that arrive while a page is loading, applied on top of it */
  const pending = useRef<Alert[] | null>(null);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    const controller = new AbortController();
    const f = JSON.parse(filterKey) as AlertFilter;
    pending.current = [];
    setLoading(true);
    setError(null);
    api
      .get<Alert[]>(
        '/alerts',
        {
          status: f.status.join(','),
          level: f.level.join(','),
          rule: f.rule,
          q: f.text,
          limit: PAGE,
        },
        controller.signal,
      )
      .then(
        (page) => {
          if (controller.signal.aborted) return;
          const m = mergeAlerts(mergeAlerts(new Map(), page, f), pending.current ?? [], f);
          pending.current = null;
          setMap(m);
          setHasMore(page.length === PAGE);
          setLoading(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          pending.current = null;
          setError(err);
          setLoading(false);
        },
      );
    return () => controller.abort();
  }, [filterKey, generation, tick]);

  useAlertUpdates((alerts) => {
    if (pending.current) pending.current.push(...alerts);
    setMap((m) => mergeAlerts(m, alerts, filterRef.current));
  });

  const loadOlder = useCallback(async () => {
    const f = filterRef.current;
    const oldest = Math.min(...[...map.values()].map((a) => a.seq));
    const page = await api.get<Alert[]>('/alerts', {
      status: f.status.join(','),
      level: f.level.join(','),
      rule: f.rule,
      q: f.text,
      limit: PAGE,
      before: Number.isFinite(oldest) ? oldest : undefined,
    });
    setMap((m) => mergeAlerts(m, page, f));
    setHasMore(page.length === PAGE);
  }, [map]);

  /** applies an alert the server returned after a change */
  const apply = useCallback(
    (alert: Alert) => setMap((m) => mergeAlerts(m, [alert], filterRef.current)),
    [],
  );

  const alerts = useMemo(() => sortAlerts(map.values()), [map]);
  return {
    alerts,
    loading,
    error,
    hasMore,
    loadOlder,
    apply,
    reload: () => setTick((t) => t + 1),
  };
}

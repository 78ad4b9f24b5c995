import { useCallback, useEffect, useState } from 'react';

/** One page of a list read newest first, and where the next (older) page starts, if any. */
export interface PageBefore<T> {
  items: T[];
  nextBefore: number | null;
}

/**
 * A list read newest first in pages, each older page asked for `before` the last one seen (the
 * audit trail, deliveries). Loads the first page again when `fetchPage` changes (its filter did)
 * or `reloadKey` does; `load(nextBefore)` appends the next page.
 */
export function usePagesBefore<T>(
  fetchPage: (before: number | null) => Promise<PageBefore<T>>,
  reloadKey?: unknown,
) {
  const [items, setItems] = useState<T[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({
    loading: true,
    error: null,
  });

  const load = useCallback(
    async (before: number | null) => {
      setState({ loading: true, error: null });
      try {
        const page = await fetchPage(before);
        setItems((current) => (before === null ? page.items : [...current, ...page.items]));
        setNextBefore(page.nextBefore);
        setState({ loading: false, error: null });
      } catch (err) {
        setState({ loading: false, error: err });
      }
    },
    [fetchPage],
  );
  useEffect(() => {
    void load(null);
  }, [load, reloadKey]);

  return { items, nextBefore, state, load };
}

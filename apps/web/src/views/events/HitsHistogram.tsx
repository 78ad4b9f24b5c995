// Hits over time for the current search, counted by the server per round time bucket
// (GET /events/histogram); a click on a bar narrows the search to that bucket. A custom range
// with no start has no bounds to count in, so then the events loaded on the page are counted,
// and the caption says so.
import { useMemo } from 'react';
import { api } from '../../api/client';
import type { StoredEvent } from '../../api/types';
import type { ChartOption } from '../../components/Chart';
import { LazyChart } from '../../components/LazyChart';
import { categoryAxis, countAxis } from '../../components/chartTheme';
import { ErrorBox, num } from '../../components/ui';
import { histogram } from '../../lib/histogram';
import { useResource } from '../../lib/useResource';
import type { Search } from './EventsView';

interface ServerHistogram {
  bucketSeconds: number;
  buckets: { start: string; count: number }[];
}

interface Bars {
  bucketMs: number;
  starts: number[];
  counts: number[];
}

function bucketLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour${ms === 3_600_000 ? '' : 's'}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${ms / 1000} seconds`;
}

export function HitsHistogram({
  search,
  events,
  total,
  onZoom,
}: {
  search: Search;
  events: StoredEvent[];
  total?: number;
  /** narrow the search to [from, to) */
  onZoom: (from: number, to: number) => void;
}) {
  // A relative range ends now: fixed when the search ran, so the chart does not move.
  const bounds = useMemo(
    () => (search.from ? { from: search.from, to: search.to ?? new Date().toISOString() } : null),
    [search],
  );
  const server = useResource(
    bounds ? `histogram:${JSON.stringify({ ...search, ...bounds })}` : null,
    (signal) =>
      api.get<ServerHistogram>(
        '/events/histogram',
        { q: search.q, ...bounds, buckets: 60 },
        signal,
      ),
  );

  const fromPage = useMemo<Bars | null>(() => {
    if (bounds || !events.length) return null;
    const times = events
      .map((e) => new Date(e.eventTime).getTime())
      .filter((t) => !Number.isNaN(t));
    const end = search.to ? new Date(search.to).getTime() : Math.max(Date.now(), ...times);
    const h = histogram(times, Math.min(...times), end);
    return { bucketMs: h.bucketMs, starts: h.buckets, counts: h.counts };
  }, [bounds, events, search.to]);

  const bars = useMemo<Bars | null>(() => {
    if (server.data)
      return {
        bucketMs: server.data.bucketSeconds * 1000,
        starts: server.data.buckets.map((b) => new Date(b.start).getTime()),
        counts: server.data.buckets.map((b) => b.count),
      };
    return fromPage;
  }, [server.data, fromPage]);

  const option = useMemo<ChartOption | null>(() => {
    if (!bars) return null;
    const daily = bars.bucketMs >= 86_400_000;
    const span = (bars.starts[bars.starts.length - 1] ?? 0) - (bars.starts[0] ?? 0);
    const label = (t: number) => {
      const d = new Date(t);
      const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      const day = `${d.getDate()}/${d.getMonth() + 1}`;
      return daily ? day : span >= 86_400_000 ? `${day} ${hm}` : hm;
    };
    return {
      grid: { left: 8, right: 8, top: 8, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: categoryAxis(bars.starts.map(label)),
      yAxis: countAxis(),
      series: [{ type: 'bar', name: 'events', data: bars.counts, itemStyle: { color: '#4cc9f0' } }],
    };
  }, [bars]);

  if (server.error) return <ErrorBox error={server.error} onRetry={server.reload} />;
  if (!bars || !option) return null;
  const counted = bars.counts.reduce((a, b) => a + b, 0);
  return (
    <figure className="histogram">
      <LazyChart
        option={option}
        label="Events over time"
        className="histogram-chart"
        onBarClick={(i) => {
          const start = bars.starts[i];
          if (start !== undefined) onZoom(start, start + bars.bucketMs);
        }}
      />
      <figcaption className="muted small">
        {server.data
          ? `${num(counted)} matching events, per ${bucketLabel(bars.bucketMs)}. Click a bar to search only its time.`
          : `Counted from the ${num(events.length)} events loaded${total !== undefined ? ` of ${num(total)} matching` : ''}: a range with no start has no bounds to count in.`}
      </figcaption>
    </figure>
  );
}

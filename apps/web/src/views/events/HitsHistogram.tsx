// Hits over time. Prahari's API has no count per time interval yet, so this counts the events
// loaded on the page and says so; with every match loaded it is the whole picture.
import { useMemo } from 'react';
import type { StoredEvent } from '../../api/types';
import type { ChartOption } from '../../components/Chart';
import { LazyChart } from '../../components/LazyChart';
import { categoryAxis, countAxis } from '../../components/chartTheme';
import { num } from '../../components/ui';
import { histogram } from '../../lib/histogram';

export function HitsHistogram({
  events,
  from,
  to,
  total,
}: {
  events: StoredEvent[];
  from?: string;
  to?: string;
  total?: number;
}) {
  const h = useMemo(() => {
    if (!events.length) return null;
    const times = events
      .map((e) => new Date(e.eventTime).getTime())
      .filter((t) => !Number.isNaN(t));
    const end = to ? new Date(to).getTime() : Math.max(Date.now(), ...times);
    const start = from ? new Date(from).getTime() : Math.min(...times);
    return histogram(times, start, end);
  }, [events, from, to]);

  const option = useMemo<ChartOption | null>(() => {
    if (!h) return null;
    const dayly = h.bucketMs >= 86_400_000;
    const label = (t: number) => {
      const d = new Date(t);
      const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      return dayly ? `${d.getDate()}/${d.getMonth() + 1}` : hm;
    };
    return {
      grid: { left: 8, right: 8, top: 8, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: categoryAxis(h.buckets.map(label)),
      yAxis: countAxis(),
      series: [{ type: 'bar', name: 'events', data: h.counts, itemStyle: { color: '#4cc9f0' } }],
    };
  }, [h]);

  if (!h || !option) return null;
  const complete = total !== undefined && events.length >= total;
  return (
    <figure className="histogram">
      <LazyChart option={option} label="Events over time" className="histogram-chart" />
      <figcaption className="muted small">
        {complete
          ? `All ${num(total)} matching events over time.`
          : `Counted from the ${num(events.length)} events loaded${total !== undefined ? ` of ${num(total)} matching` : ''}: the server does not yet count hits per interval, so older matches are not in this picture.`}
      </figcaption>
    </figure>
  );
}

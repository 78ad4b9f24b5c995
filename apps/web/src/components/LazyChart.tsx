import { lazy, Suspense } from 'react';
import type { ChartProps } from './Chart';
import { Loading } from './ui';

const Chart = lazy(() => import('./Chart'));

/** The chart code (ECharts) is fetched only when a chart is first shown. */
export function LazyChart(props: ChartProps) {
  return (
    <Suspense fallback={<Loading what="Loading the chart" />}>
      <Chart {...props} />
    </Suspense>
  );
}

import { lazy, Suspense } from 'react';
import { Loading } from '../../components/ui';
import type { CytoscapeGraphProps } from './CytoscapeGraph';

const CytoscapeGraph = lazy(() => import('./CytoscapeGraph'));

/** The graph code (Cytoscape) is fetched only when a graph is first shown. */
export function LazyGraph(props: CytoscapeGraphProps) {
  return (
    <Suspense fallback={<Loading what="Loading the graph" />}>
      <CytoscapeGraph {...props} />
    </Suspense>
  );
}

import { ValidationError } from '../errors.js';
import type { ImpactGraph } from './graph.js';
import type { ImpactEdgeType, NodeKind, OpenAlerts } from './types.js';

/** A node of the register as a picture of the graph shows it. */
export interface GraphViewNode {
  id: string;
  name: string;
  kind: NodeKind;
  /** assets: server, camera, plc_rtu … */
  assetKind: string | null;
  zone: string | null;
  /** assets: 1–5 as given (null: not rated) */
  criticality: number | null;
  internetExposed: boolean;
  personalData: boolean;
  openAlerts: OpenAlerts | null;
  /** services */
  citizenImpact: number | null;
  maxTolerableDowntimeMinutes: number | null;
  /** steps from the nearest centre node (0 for a centre; 0 for every node of a whole graph) */
  hops: number;
}

/** An edge as the register holds it: `from` the dependent (or the supporting asset), `to` what it needs. */
export interface GraphViewEdge {
  from: string;
  to: string;
  type: ImpactEdgeType;
  timeToImpactMinutes: number | null;
  redundancy: { group: string; k: number } | null;
}

export interface GraphView {
  nodes: GraphViewNode[];
  /** every edge between two nodes of the view */
  edges: GraphViewEdge[];
  /** false when `limit` left nodes out (or, without centres, when the graph is larger than it) */
  complete: boolean;
  /** the whole register's size */
  total: { assets: number; services: number; edges: number };
}

export interface GraphViewOptions {
  /** node ids to centre on; none: the whole graph, if it has at most `limit` nodes */
  around?: readonly string[];
  /** steps out from the centres, along edges either way (default 2) */
  hops?: number;
  /** nodes at most (default 2,000) */
  limit?: number;
}

/**
 * What a picture of the dependency graph needs: the whole register when it is small, or the
 * neighbourhood of some nodes — everything within `hops` steps along edges in either direction
 * (what they need and what needs them), nearest first, up to `limit` nodes. A register of
 * 50,000 assets cannot be drawn whole; the nodes around an asset can.
 */
export function graphView(graph: ImpactGraph, options: GraphViewOptions = {}): GraphView {
  const hops = options.hops ?? 2;
  const limit = options.limit ?? 2000;
  if (!Number.isInteger(hops) || hops < 0) throw new ValidationError('hops is a whole number ≥ 0');
  if (!Number.isInteger(limit) || limit < 1)
    throw new ValidationError('limit is a whole number ≥ 1');
  const total = {
    assets: graph.assetCount,
    services: graph.nodeCount - graph.assetCount,
    edges: graph.edges.length,
  };
  const distance = new Int32Array(graph.nodeCount).fill(-1);
  const order: number[] = [];
  let complete = true;

  const around = options.around ?? [];
  if (around.length === 0) {
    if (graph.nodeCount > limit) return { nodes: [], edges: [], complete: false, total };
    for (let v = 0; v < graph.nodeCount; v++) {
      distance[v] = 0;
      order.push(v);
    }
  } else {
    for (const id of around) {
      const v = graph.indexOf(id);
      if (v < 0) throw new ValidationError(`'${id}' is not a node of the graph`);
      if (distance[v]! >= 0) continue;
      if (order.length === limit) {
        complete = false;
        break;
      }
      distance[v] = 0;
      order.push(v);
    }
    // Breadth first over both directions, so the nearest nodes are kept when the limit bites.
    visit: for (let head = 0; head < order.length; head++) {
      const v = order[head]!;
      if (distance[v]! >= hops) continue;
      const ranges: [Int32Array, Int32Array, Int32Array][] = [
        [graph.dependentsStart, graph.dependentsEdges, graph.edgeDependent],
        [graph.dependenciesStart, graph.dependenciesEdges, graph.edgeDependency],
      ];
      for (const [start, edges, other] of ranges) {
        for (let i = start[v]!; i < start[v + 1]!; i++) {
          const w = other[edges[i]!]!;
          if (distance[w]! >= 0) continue;
          if (order.length === limit) {
            complete = false;
            break visit;
          }
          distance[w] = distance[v]! + 1;
          order.push(w);
        }
      }
    }
  }

  const nodes = order.map((v): GraphViewNode => {
    const asset = graph.asset(v);
    const service = graph.service(v);
    return {
      id: graph.ids[v]!,
      name: graph.names[v]!,
      kind: graph.kindOf(v),
      assetKind: asset?.kind ?? null,
      zone: asset?.zone ?? null,
      criticality: asset?.criticality ?? null,
      internetExposed: asset?.internetExposed === true,
      personalData: asset?.personalData === true,
      openAlerts: asset?.openAlerts ?? null,
      citizenImpact: service ? (service.citizenImpact ?? null) : null,
      maxTolerableDowntimeMinutes: service ? (service.maxTolerableDowntimeMinutes ?? null) : null,
      hops: distance[v]!,
    };
  });
  const edges: GraphViewEdge[] = [];
  graph.edges.forEach((e, i) => {
    if (distance[graph.edgeDependent[i]!]! < 0 || distance[graph.edgeDependency[i]!]! < 0) return;
    edges.push({
      from: e.from,
      to: e.to,
      type: e.type,
      timeToImpactMinutes: e.timeToImpactMinutes ?? null,
      redundancy: e.redundancy ? { group: e.redundancy.group, k: e.redundancy.k ?? 1 } : null,
    });
  });
  return { nodes, edges, complete, total };
}

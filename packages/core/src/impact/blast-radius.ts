import { ValidationError } from '../errors.js';
import type { ImpactGraph } from './graph.js';
import { CAUSE_ROOT, withPropagation, type Propagation } from './propagate.js';
import type {
  AffectedNode,
  BlastRadius,
  BlastRadiusOptions,
  FailedNode,
  ImpactStep,
  RedundancyHold,
} from './types.js';

/** Roots resolved to node indices. */
export interface ResolvedRoots {
  list: { index: number; at: number; id: string; reason?: string }[];
}

/** Check and index a drill's failed set: ids (strings) or `{ id, at?, reason? }`. */
export function resolveRoots(
  graph: ImpactGraph,
  failed: readonly (string | FailedNode)[],
): ResolvedRoots {
  const problems: { path: string; message: string }[] = [];
  const list: ResolvedRoots['list'] = [];
  failed.forEach((f, i) => {
    const root: FailedNode = typeof f === 'string' ? { id: f } : f;
    const index = typeof root?.id === 'string' ? graph.indexOf(root.id) : -1;
    if (index < 0) {
      problems.push({ path: `failed[${i}].id`, message: `unknown asset or service '${root?.id}'` });
      return;
    }
    const at = root.at ?? 0;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      problems.push({ path: `failed[${i}].at`, message: 'at is a number of minutes ≥ 0' });
      return;
    }
    list.push({
      index,
      at,
      id: root.id,
      ...(typeof root.reason === 'string' && root.reason !== '' ? { reason: root.reason } : {}),
    });
  });
  if (problems.length > 0)
    throw new ValidationError(`${problems[0]!.path}: ${problems[0]!.message}`, { problems });
  return { list };
}

/** Check a horizon option: minutes ≥ 0, Infinity when not given. */
export function checkHorizon(horizon: number | undefined): number {
  if (horizon === undefined) return Infinity;
  if (typeof horizon !== 'number' || Number.isNaN(horizon) || horizon < 0)
    throw new ValidationError('horizonMinutes is a number of minutes ≥ 0');
  return horizon;
}

/** The explanation step that made settled node `v` fail, or null for a root. */
export function stepOf(graph: ImpactGraph, p: Propagation, v: number): ImpactStep | null {
  const e = p.cause[v]!;
  if (e < 0) return null;
  const d = graph.edgeDependency[e]!;
  const step: ImpactStep = {
    dependency: graph.ids[d]!,
    dependent: graph.ids[v]!,
    edge: graph.edges[e]!,
    edgeIndex: e,
    dependencyFailedAt: p.time[d]!,
    at: p.time[v]!,
  };
  const grp = graph.edgeGroup[e]!;
  if (grp >= 0) {
    step.redundancy = {
      group: graph.groupName[grp]!,
      k: graph.groupK[grp]!,
      n: graph.groupSize[grp]!,
      lost: p.lostMembers(grp, p.time[v]!).map((x) => graph.ids[graph.edgeDependency[x.edge]!]!),
    };
  }
  return step;
}

/** Read a finished propagation into a BlastRadius. */
export function readBlastRadius(
  graph: ImpactGraph,
  p: Propagation,
  roots: ResolvedRoots,
  horizon: number,
  paths: boolean,
): BlastRadius {
  const isRoot = new Set(roots.list.map((r) => r.index));
  const depth = new Int32Array(graph.nodeCount);
  const byIndex: AffectedNode[] = [];
  const affected: AffectedNode[] = new Array<AffectedNode>(p.orderLength);
  let assetsAffected = 0;
  for (let i = 0; i < p.orderLength; i++) {
    const v = p.order[i]!;
    const cause = p.cause[v] === CAUSE_ROOT ? null : stepOf(graph, p, v);
    const node: AffectedNode = {
      id: graph.ids[v]!,
      name: graph.names[v]!,
      kind: graph.kindOf(v),
      at: p.time[v]!,
      root: isRoot.has(v),
      cause,
      depth: 0,
    };
    if (cause) {
      const d = graph.edgeDependency[cause.edgeIndex]!;
      node.depth = depth[v] = depth[d]! + 1;
      if (paths) node.path = [...(byIndex[d]!.path ?? []), cause];
    } else if (paths) {
      node.path = [];
    }
    if (paths) byIndex[v] = node;
    if (v < graph.assetCount) assetsAffected++;
    affected[i] = node;
  }

  const survived: RedundancyHold[] = [];
  for (let i = 0; i < p.touchedGroupCount; i++) {
    const grp = p.touchedGroups[i]!;
    const w = graph.groupDependent[grp]!;
    if (p.done[w] || p.groupLost[grp]! >= graph.groupNeed[grp]!) continue;
    const lost = p.lostMembers(grp, Infinity).map((x) => graph.ids[graph.edgeDependency[x.edge]!]!);
    survived.push({
      id: graph.ids[w]!,
      name: graph.names[w]!,
      kind: graph.kindOf(w),
      group: graph.groupName[grp]!,
      k: graph.groupK[grp]!,
      n: graph.groupSize[grp]!,
      lost,
      working: graph.groupSize[grp]! - lost.length,
    });
  }

  return {
    roots: roots.list.map((r) => ({
      id: r.id,
      at: r.at,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
    horizonMinutes: Number.isFinite(horizon) ? horizon : null,
    affected,
    assetsAffected,
    servicesAffected: p.orderLength - assetsAffected,
    survived,
  };
}

/**
 * Everything that stops working when `failed` fail (each at its `at`, default 0): assets and
 * services with the earliest time each stops, the step that explains it (follow `cause` back to
 * a root, or use `explain`), and the k-of-n groups that lost members but held.
 *
 * Throws a ValidationError for unknown ids or a bad `at` / horizon.
 */
export function blastRadius(
  graph: ImpactGraph,
  failed: readonly (string | FailedNode)[],
  options: BlastRadiusOptions = {},
): BlastRadius {
  const roots = resolveRoots(graph, failed);
  const horizon = checkHorizon(options.horizonMinutes);
  return withPropagation(graph, roots.list, horizon, null, (p) =>
    readBlastRadius(graph, p, roots, horizon, options.paths === true),
  );
}

const explainIndex = new WeakMap<BlastRadius, Map<string, AffectedNode>>();

/**
 * The chain of steps from a failed root to `id`, first step first: "SCADA server failed → PLC 3
 * stops → pumping station 3 stops → water supply to ward 12 is down". Empty for a root; null
 * when `id` is not affected.
 */
export function explain(result: BlastRadius, id: string): ImpactStep[] | null {
  let index = explainIndex.get(result);
  if (!index) {
    index = new Map(result.affected.map((a) => [a.id, a]));
    explainIndex.set(result, index);
  }
  let node = index.get(id);
  if (!node) return null;
  const steps: ImpactStep[] = [];
  while (node?.cause) {
    steps.push(node.cause);
    node = index.get(node.cause.dependency);
  }
  return steps.reverse();
}

import { ValidationError } from '../errors.js';
import {
  IMPACT_EDGE_TYPES,
  type ImpactAsset,
  type ImpactEdge,
  type ImpactService,
  type NodeKind,
} from './types.js';

/** Display name of the group a service's `k` makes of its ungrouped supporting assets. */
export const SERVICE_K_GROUP = 'supports';

/** One problem found by `buildGraph`: where (`assets[3].criticality`) and what. */
export interface GraphProblem {
  path: string;
  message: string;
}

const MAX_PROBLEMS = 100;

/**
 * The asset register and its dependency graph, indexed for repeated questions. Build it once
 * with `buildGraph` and reuse it until the register changes; it is never modified.
 *
 * Nodes are numbered: assets first (0 … assetCount-1, in input order), then services. Every
 * edge is kept in the direction failures travel: from its *dependency* to its *dependent*
 * (`supports` edges are turned round, the service being the dependent). Edge `i` here is edge
 * `i` of the input. The typed arrays are exposed for the analyses in this folder; treat them
 * as read-only.
 */
export class ImpactGraph {
  /**
   * What `buildGraph` accepted but is worth a look, as the asset register allows it while a
   * city is being drawn: a redundancy group with fewer dependencies than its k (each of them is
   * then required, as if k = n), edges of one group that disagree on k (the larger is used).
   */
  readonly warnings: readonly GraphProblem[];
  readonly assets: readonly ImpactAsset[];
  readonly services: readonly ImpactService[];
  readonly edges: readonly ImpactEdge[];
  readonly assetCount: number;
  readonly nodeCount: number;
  /** node index → id and name */
  readonly ids: readonly string[];
  readonly names: readonly string[];

  /** per edge: the node that fails when the other one does, and that other one */
  readonly edgeDependent: Int32Array;
  readonly edgeDependency: Int32Array;
  /** per edge: time-to-impact in minutes (0 when not given) */
  readonly edgeDelay: Float64Array;
  /** per edge: its redundancy group, or -1 for a hard dependency */
  readonly edgeGroup: Int32Array;

  /** edges by dependency: dependentsEdges[dependentsStart[v] … dependentsStart[v+1]) */
  readonly dependentsStart: Int32Array;
  readonly dependentsEdges: Int32Array;
  /** edges by dependent: dependenciesEdges[dependenciesStart[v] … dependenciesStart[v+1]) */
  readonly dependenciesStart: Int32Array;
  readonly dependenciesEdges: Int32Array;

  /** per group (one per dependent and group name) */
  readonly groupCount: number;
  readonly groupDependent: Int32Array;
  readonly groupName: readonly string[];
  readonly groupK: Int32Array;
  readonly groupSize: Int32Array;
  /** n - k + 1: how many of its dependencies must be lost for the group to fail */
  readonly groupNeed: Int32Array;
  /** scratch offsets for the analyses: groupNeed[g] slots start at groupSlotStart[g] */
  readonly groupSlotStart: Int32Array;

  private readonly indexById: ReadonlyMap<string, number>;

  /** @internal use `buildGraph`, which validates */
  constructor(parts: {
    warnings: GraphProblem[];
    assets: readonly ImpactAsset[];
    services: readonly ImpactService[];
    edges: readonly ImpactEdge[];
    ids: string[];
    names: string[];
    indexById: Map<string, number>;
    edgeDependent: Int32Array;
    edgeDependency: Int32Array;
    edgeDelay: Float64Array;
    edgeGroup: Int32Array;
    groupDependent: number[];
    groupName: string[];
    groupK: number[];
    groupSize: number[];
  }) {
    this.warnings = parts.warnings;
    this.assets = parts.assets;
    this.services = parts.services;
    this.edges = parts.edges;
    this.assetCount = parts.assets.length;
    this.nodeCount = parts.assets.length + parts.services.length;
    this.ids = parts.ids;
    this.names = parts.names;
    this.indexById = parts.indexById;
    this.edgeDependent = parts.edgeDependent;
    this.edgeDependency = parts.edgeDependency;
    this.edgeDelay = parts.edgeDelay;
    this.edgeGroup = parts.edgeGroup;

    const n = this.nodeCount;
    const m = parts.edgeDependent.length;
    this.dependentsStart = new Int32Array(n + 1);
    this.dependenciesStart = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      this.dependentsStart[parts.edgeDependency[e]! + 1]!++;
      this.dependenciesStart[parts.edgeDependent[e]! + 1]!++;
    }
    for (let v = 0; v < n; v++) {
      this.dependentsStart[v + 1]! += this.dependentsStart[v]!;
      this.dependenciesStart[v + 1]! += this.dependenciesStart[v]!;
    }
    this.dependentsEdges = new Int32Array(m);
    this.dependenciesEdges = new Int32Array(m);
    const fillOut = this.dependentsStart.slice(0, n);
    const fillIn = this.dependenciesStart.slice(0, n);
    for (let e = 0; e < m; e++) {
      this.dependentsEdges[fillOut[parts.edgeDependency[e]!]!++] = e;
      this.dependenciesEdges[fillIn[parts.edgeDependent[e]!]!++] = e;
    }

    const g = parts.groupDependent.length;
    this.groupCount = g;
    this.groupDependent = Int32Array.from(parts.groupDependent);
    this.groupName = parts.groupName;
    this.groupK = Int32Array.from(parts.groupK);
    this.groupSize = Int32Array.from(parts.groupSize);
    this.groupNeed = new Int32Array(g);
    this.groupSlotStart = new Int32Array(g + 1);
    for (let i = 0; i < g; i++) {
      this.groupNeed[i] = this.groupSize[i]! - this.groupK[i]! + 1;
      this.groupSlotStart[i + 1] = this.groupSlotStart[i]! + this.groupNeed[i]!;
    }
  }

  /** node index of an asset or service id, or -1 */
  indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.indexById.has(id);
  }

  kindOf(index: number): NodeKind {
    return index < this.assetCount ? 'asset' : 'service';
  }

  /** the asset at a node index, or undefined for a service */
  asset(index: number): ImpactAsset | undefined {
    return index < this.assetCount ? this.assets[index] : undefined;
  }

  /** the service at a node index, or undefined for an asset */
  service(index: number): ImpactService | undefined {
    return index >= this.assetCount ? this.services[index - this.assetCount] : undefined;
  }

  /** citizen impact of a service node (3 when not given); 0 for an asset */
  citizenImpact(index: number): number {
    const s = this.service(index);
    return s ? (s.citizenImpact ?? 3) : 0;
  }

  /** criticality of an asset node (3 when not given); 0 for a service */
  criticality(index: number): number {
    const a = this.asset(index);
    return a ? (a.criticality ?? 3) : 0;
  }
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNonNegative = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && x >= 0;

/**
 * Index and check the register and its dependencies. Assets and services share one id space.
 * Throws a `ValidationError` listing every problem (up to 100) in `details.problems`, each
 * `{ path: 'edges[12].to', message }`: duplicate or empty ids, unknown ids in edges, unknown
 * edge types, a `supports` edge whose `to` is not a service, an edge from a node to itself,
 * time-to-impact that is not a finite number ≥ 0, criticality or citizen impact outside 1–5,
 * k not a whole number ≥ 1 (missing means 1), one dependency listed twice in a group.
 *
 * Accepted with a warning in `graph.warnings` (the asset register allows them while a city is
 * drawn edge by edge): a group smaller than its k — each of its dependencies is then required
 * (k = n) — and edges of one group that disagree on k — the larger k is used.
 */
export function buildGraph(
  assets: readonly ImpactAsset[],
  services: readonly ImpactService[],
  edges: readonly ImpactEdge[],
): ImpactGraph {
  const problems: GraphProblem[] = [];
  const problem = (path: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, message });
  };
  const warnings: GraphProblem[] = [];
  const warning = (path: string, message: string): void => {
    if (warnings.length < MAX_PROBLEMS) warnings.push({ path, message });
  };

  const ids: string[] = [];
  const names: string[] = [];
  const indexById = new Map<string, number>();
  const addNode = (
    node: { id: unknown; name?: unknown } | null | undefined,
    path: string,
    what: string,
  ): void => {
    const id = node?.id;
    if (typeof id !== 'string' || id === '') {
      problem(`${path}.id`, `${what} needs a non-empty string id`);
    } else if (indexById.has(id)) {
      problem(`${path}.id`, `id '${id}' is used twice (assets and services share one id space)`);
    } else {
      indexById.set(id, ids.length);
    }
    ids.push(typeof id === 'string' ? id : '');
    names.push(typeof node?.name === 'string' && node.name !== '' ? node.name : String(id));
  };

  assets.forEach((a, i) => {
    addNode(a, `assets[${i}]`, 'an asset');
    if (
      a?.criticality != null &&
      !(isInt(a.criticality) && a.criticality >= 1 && a.criticality <= 5)
    )
      problem(`assets[${i}].criticality`, 'criticality is a whole number from 1 to 5');
  });
  services.forEach((s, i) => {
    addNode(s, `services[${i}]`, 'a service');
    if (
      s?.citizenImpact != null &&
      !(isInt(s.citizenImpact) && s.citizenImpact >= 1 && s.citizenImpact <= 5)
    )
      problem(`services[${i}].citizenImpact`, 'citizen impact is a whole number from 1 to 5');
    if (s?.populationServed != null && !isNonNegative(s.populationServed))
      problem(`services[${i}].populationServed`, 'population served is a number ≥ 0');
    if (s?.maxTolerableDowntimeMinutes != null && !isNonNegative(s.maxTolerableDowntimeMinutes))
      problem(
        `services[${i}].maxTolerableDowntimeMinutes`,
        'maximum tolerable downtime is a number of minutes ≥ 0',
      );
    if (s?.k != null && !(isInt(s.k) && s.k >= 1))
      problem(`services[${i}].k`, 'k is a whole number ≥ 1');
  });
  const assetCount = assets.length;

  const m = edges.length;
  const edgeDependent = new Int32Array(m);
  const edgeDependency = new Int32Array(m);
  const edgeDelay = new Float64Array(m);
  const edgeGroup = new Int32Array(m).fill(-1);
  const groupDependent: number[] = [];
  const groupName: string[] = [];
  const groupK: number[] = [];
  const groupSize: number[] = [];
  /** first edge seen per group, to name it in a k mismatch */
  const groupFirstEdge: number[] = [];
  const groupByKey = new Map<string, number>();
  /** group × node count + dependency, to catch a dependency listed twice in one group */
  const membersSeen = new Set<number>();
  const nodeCount = ids.length;
  /** per service: its supports edges without a group, for a service-level k */
  const ungroupedSupports = new Map<number, number[]>();

  const joinGroup = (key: string, name: string, dependent: number, k: number, e: number) => {
    let g = groupByKey.get(key);
    if (g === undefined) {
      g = groupDependent.length;
      groupByKey.set(key, g);
      groupDependent.push(dependent);
      groupName.push(name);
      groupK.push(k);
      groupSize.push(0);
      groupFirstEdge.push(e);
    } else if (groupK[g] !== k) {
      warning(
        `edges[${e}].redundancy.k`,
        `redundancy group '${name}' of '${ids[dependent]}' has k=${k} here but k=${groupK[g]} on its edges before; the larger is used`,
      );
      groupK[g] = Math.max(groupK[g]!, k);
    }
    const member = g * nodeCount + edgeDependency[e]!;
    if (membersSeen.has(member)) {
      problem(
        `edges[${e}]`,
        `'${ids[edgeDependency[e]!]}' is listed twice in redundancy group '${name}' of '${ids[dependent]}'`,
      );
      return;
    }
    membersSeen.add(member);
    groupSize[g]!++;
    edgeGroup[e] = g;
  };

  for (let e = 0; e < m; e++) {
    const edge = edges[e];
    const path = `edges[${e}]`;
    if (edge == null || typeof edge !== 'object') {
      problem(path, 'an edge is an object {from, to, type}');
      continue;
    }
    const from = typeof edge.from === 'string' ? indexById.get(edge.from) : undefined;
    const to = typeof edge.to === 'string' ? indexById.get(edge.to) : undefined;
    if (from === undefined)
      problem(`${path}.from`, `unknown asset or service '${String(edge.from)}'`);
    if (to === undefined) problem(`${path}.to`, `unknown asset or service '${String(edge.to)}'`);
    if (!IMPACT_EDGE_TYPES.includes(edge.type)) {
      problem(`${path}.type`, `type is one of ${IMPACT_EDGE_TYPES.join(', ')}`);
      continue;
    }
    if (edge.timeToImpactMinutes != null && !isNonNegative(edge.timeToImpactMinutes))
      problem(`${path}.timeToImpactMinutes`, 'time-to-impact is a number of minutes ≥ 0');
    if (from === undefined || to === undefined) continue;
    if (from === to) {
      problem(path, `'${edge.from}' cannot depend on itself`);
      continue;
    }
    if (edge.type === 'supports') {
      if (to < assetCount) {
        problem(`${path}.to`, `a supports edge goes to a service; '${edge.to}' is an asset`);
        continue;
      }
      edgeDependent[e] = to;
      edgeDependency[e] = from;
    } else {
      edgeDependent[e] = from;
      edgeDependency[e] = to;
    }
    edgeDelay[e] = isNonNegative(edge.timeToImpactMinutes) ? edge.timeToImpactMinutes : 0;

    const r = edge.redundancy;
    if (r != null) {
      if (typeof r !== 'object' || typeof r.group !== 'string' || r.group === '') {
        problem(`${path}.redundancy.group`, 'a redundancy group has a non-empty name');
        continue;
      }
      const k = r.k ?? 1;
      if (!isInt(k) || k < 1) {
        problem(`${path}.redundancy.k`, 'k is a whole number ≥ 1');
        continue;
      }
      const dependent = edgeDependent[e]!;
      joinGroup(`${dependent}\u0000${r.group}`, r.group, dependent, k, e);
    } else if (edge.type === 'supports') {
      const list = ungroupedSupports.get(to);
      if (list) list.push(e);
      else ungroupedSupports.set(to, [e]);
    }
  }

  // A service's k makes one group of its supporting assets that have no group of their own.
  services.forEach((s, i) => {
    const k = s?.k;
    if (!isInt(k) || k < 1) return;
    const node = assetCount + i;
    const list = ungroupedSupports.get(node);
    if (!list) return; // no supporting assets yet: nothing to group
    for (const e of list) joinGroup(`${node}\u0001`, SERVICE_K_GROUP, node, k, e);
  });

  for (let g = 0; g < groupDependent.length; g++) {
    if (groupK[g]! > groupSize[g]!) {
      const dependent = groupDependent[g]!;
      const where =
        groupName[g] === SERVICE_K_GROUP && groupByKey.get(`${dependent}\u0001`) === g
          ? `services[${dependent - assetCount}].k`
          : `edges[${groupFirstEdge[g]}].redundancy.k`;
      warning(
        where,
        `redundancy group '${groupName[g]}' of '${ids[dependent]}' needs k=${groupK[g]} but has only ${groupSize[g]} dependencies; until the others are added, each of them is required`,
      );
      groupK[g] = groupSize[g]!;
    }
  }

  if (problems.length > 0) {
    const more = problems.length >= MAX_PROBLEMS ? ' (first 100 shown)' : '';
    throw new ValidationError(
      `The dependency graph has ${problems.length} problem${problems.length === 1 ? '' : 's'}${more}: ${problems[0]!.path}: ${problems[0]!.message}`,
      { problems },
    );
  }

  return new ImpactGraph({
    warnings,
    assets: Object.freeze(assets.slice()),
    services: Object.freeze(services.slice()),
    edges: Object.freeze(edges.slice()),
    ids,
    names,
    indexById,
    edgeDependent,
    edgeDependency,
    edgeDelay,
    edgeGroup,
    groupDependent,
    groupName,
    groupK,
    groupSize,
  });
}

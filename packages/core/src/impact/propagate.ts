import type { ImpactGraph } from './graph.js';

/** `cause` of a node that failed as a root of the drill */
export const CAUSE_ROOT = -1;
/** `cause` of a node that has not failed */
export const CAUSE_NONE = -2;

/**
 * Failure propagation with times: an event-driven (Dijkstra-like) pass over the graph.
 *
 * A node's failure time is the earliest of
 * - its own time, when it is a root of the drill;
 * - for each hard edge: the dependency's failure time + the edge's time-to-impact;
 * - for each k-of-n group: the (n-k+1)-th smallest *arrival* among its dependencies, an arrival
 *   being that dependency's failure time + its edge's time-to-impact. The group fails once fewer
 *   than k dependencies are still working, i.e. once n-k+1 losses have reached the dependent.
 *
 * Nodes are settled in order of failure time from a priority queue. Because times-to-impact are
 * ≥ 0, every arrival from a node settled later is ≥ the current time, so neither a hard edge nor
 * a group's order statistic can later produce an earlier time for a node already settled: the
 * first time a node is popped is its final time, cycles included (a node is settled once). Each
 * group keeps its n-k+1 smallest arrivals so far in a small max-heap, whose top is the group's
 * failure time once full; a later, smaller arrival (a shorter time-to-impact) replaces the top.
 * Cost: O((V + E) log V) for the part of the graph that fails or is touched.
 */
export class Propagation {
  readonly time: Float64Array;
  /** edge that set the node's time (its decisive dependency), CAUSE_ROOT or CAUSE_NONE */
  readonly cause: Int32Array;
  readonly done: Uint8Array;
  /** settled nodes in order of failure time */
  readonly order: Int32Array;
  orderLength = 0;
  /** per group: how many of its dependencies have failed (and reached it so far) */
  readonly groupLost: Int32Array;
  readonly touchedGroups: Int32Array;
  touchedGroupCount = 0;

  private readonly groupFilled: Int32Array;
  private readonly slotTime: Float64Array;
  private readonly slotEdge: Int32Array;
  private readonly touchedNodes: Int32Array;
  private touchedNodeCount = 0;
  private heapKey: Float64Array;
  private heapVal: Int32Array;
  private heapSize = 0;
  busy = false;

  constructor(readonly graph: ImpactGraph) {
    const n = graph.nodeCount;
    this.time = new Float64Array(n).fill(Infinity);
    this.cause = new Int32Array(n).fill(CAUSE_NONE);
    this.done = new Uint8Array(n);
    this.order = new Int32Array(n);
    this.touchedNodes = new Int32Array(n);
    this.groupLost = new Int32Array(graph.groupCount);
    this.groupFilled = new Int32Array(graph.groupCount);
    this.touchedGroups = new Int32Array(graph.groupCount);
    const slots = graph.groupSlotStart[graph.groupCount]!;
    this.slotTime = new Float64Array(slots);
    this.slotEdge = new Int32Array(slots);
    this.heapKey = new Float64Array(1024);
    this.heapVal = new Int32Array(1024);
  }

  /**
   * Fail `roots` (node index and time) and propagate up to `horizon`. With `within`, only nodes
   * flagged there can fail (roots always can). Call `reset` before the next run.
   */
  run(roots: readonly { index: number; at: number }[], horizon: number, within: Uint8Array | null) {
    const g = this.graph;
    const { time, done, order } = this;
    const { dependentsStart, dependentsEdges, edgeDependent, edgeDelay, edgeGroup } = g;
    const { groupNeed, groupSlotStart } = g;
    for (const r of roots) this.offer(r.index, r.at, CAUSE_ROOT);
    while (this.heapSize > 0) {
      const t = this.heapKey[0]!;
      const v = this.heapVal[0]!;
      this.heapPop();
      if (done[v] || t > time[v]!) continue;
      if (t > horizon) break;
      done[v] = 1;
      order[this.orderLength++] = v;
      for (let i = dependentsStart[v]!, end = dependentsStart[v + 1]!; i < end; i++) {
        const e = dependentsEdges[i]!;
        const w = edgeDependent[e]!;
        if (done[w] || (within !== null && !within[w])) continue;
        const arrival = t + edgeDelay[e]!;
        const grp = edgeGroup[e]!;
        if (grp < 0) {
          if (arrival < time[w]!) this.offer(w, arrival, e);
          continue;
        }
        if (this.groupLost[grp]!++ === 0) this.touchedGroups[this.touchedGroupCount++] = grp;
        const need = groupNeed[grp]!;
        const base = groupSlotStart[grp]!;
        const filled = this.groupFilled[grp]!;
        if (filled < need) {
          this.slotPush(base, filled, arrival, e);
          this.groupFilled[grp] = filled + 1;
          if (filled + 1 < need) continue;
        } else {
          if (arrival >= this.slotTime[base]!) continue;
          this.slotReplaceTop(base, need, arrival, e);
        }
        const groupTime = this.slotTime[base]!;
        if (groupTime < time[w]!) this.offer(w, groupTime, this.slotEdge[base]!);
      }
    }
    this.heapSize = 0;
  }

  /** Back to the unfailed state, touching only what the last run touched. */
  reset(): void {
    for (let i = 0; i < this.touchedNodeCount; i++) {
      const v = this.touchedNodes[i]!;
      this.time[v] = Infinity;
      this.cause[v] = CAUSE_NONE;
      this.done[v] = 0;
    }
    this.touchedNodeCount = 0;
    this.orderLength = 0;
    for (let i = 0; i < this.touchedGroupCount; i++) {
      const grp = this.touchedGroups[i]!;
      this.groupLost[grp] = 0;
      this.groupFilled[grp] = 0;
    }
    this.touchedGroupCount = 0;
    this.busy = false;
  }

  /**
   * The dependencies group `grp` has lost by time `limit`, by arrival: each settled dependency
   * whose failure time + time-to-impact ≤ limit.
   */
  lostMembers(grp: number, limit: number): { edge: number; arrival: number }[] {
    const g = this.graph;
    const w = g.groupDependent[grp]!;
    const out: { edge: number; arrival: number }[] = [];
    for (let i = g.dependenciesStart[w]!, end = g.dependenciesStart[w + 1]!; i < end; i++) {
      const e = g.dependenciesEdges[i]!;
      if (g.edgeGroup[e] !== grp) continue;
      const d = g.edgeDependency[e]!;
      if (!this.done[d]) continue;
      const arrival = this.time[d]! + g.edgeDelay[e]!;
      if (arrival <= limit) out.push({ edge: e, arrival });
    }
    return out.sort((a, b) => a.arrival - b.arrival || a.edge - b.edge);
  }

  private offer(v: number, t: number, why: number): void {
    if (!(t < this.time[v]!)) return;
    if (this.time[v] === Infinity) this.touchedNodes[this.touchedNodeCount++] = v;
    this.time[v] = t;
    this.cause[v] = why;
    this.heapPush(t, v);
  }

  // Binary min-heap of (time, node); ties go to the lower node index so runs are reproducible.
  private heapPush(key: number, val: number): void {
    if (this.heapSize === this.heapKey.length) {
      const k = new Float64Array(this.heapSize * 2);
      k.set(this.heapKey);
      this.heapKey = k;
      const v = new Int32Array(this.heapSize * 2);
      v.set(this.heapVal);
      this.heapVal = v;
    }
    const keys = this.heapKey;
    const vals = this.heapVal;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p]!;
      if (pk < key || (pk === key && vals[p]! <= val)) break;
      keys[i] = pk;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  private heapPop(): void {
    const keys = this.heapKey;
    const vals = this.heapVal;
    const n = --this.heapSize;
    if (n === 0) return;
    const key = keys[n]!;
    const val = vals[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (keys[r]! < keys[c]! || (keys[r] === keys[c] && vals[r]! < vals[c]!))) c = r;
      const ck = keys[c]!;
      if (key < ck || (key === ck && val <= vals[c]!)) break;
      keys[i] = ck;
      vals[i] = vals[c]!;
      i = c;
    }
    keys[i] = key;
    vals[i] = val;
  }

  // Per-group max-heap of the smallest arrivals, in slotTime/slotEdge[base … base+need).
  private slotPush(base: number, size: number, t: number, e: number): void {
    const st = this.slotTime;
    const se = this.slotEdge;
    let i = size;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (st[base + p]! > t) break; // on a tie the newer arrival goes up: it tipped the group
      st[base + i] = st[base + p]!;
      se[base + i] = se[base + p]!;
      i = p;
    }
    st[base + i] = t;
    se[base + i] = e;
  }

  private slotReplaceTop(base: number, size: number, t: number, e: number): void {
    const st = this.slotTime;
    const se = this.slotEdge;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && st[base + c + 1]! > st[base + c]!) c++;
      if (st[base + c]! <= t) break;
      st[base + i] = st[base + c]!;
      se[base + i] = se[base + c]!;
      i = c;
    }
    st[base + i] = t;
    se[base + i] = e;
  }
}

const cache = new WeakMap<ImpactGraph, Propagation>();

/**
 * Run a propagation and read its state with `read` before the scratch space is reset. The
 * scratch arrays are kept per graph, so repeated queries allocate nothing of graph size.
 */
export function withPropagation<T>(
  graph: ImpactGraph,
  roots: readonly { index: number; at: number }[],
  horizon: number,
  within: Uint8Array | null,
  read: (p: Propagation) => T,
): T {
  let p = cache.get(graph);
  if (!p || p.busy) {
    const fresh = new Propagation(graph);
    if (!p) cache.set(graph, fresh);
    p = fresh;
  }
  p.busy = true;
  try {
    p.run(roots, horizon, within);
    return read(p);
  } finally {
    p.reset();
  }
}

import type { CorrelationCondition, CorrelationRule } from './types.js';

/** One contribution to a group: an event (or a chained result) matched by a referenced rule. */
export interface Entry {
  /** event time, ms */
  t: number;
  /** arrival order; breaks ties between equal event times */
  seq: number;
  /** position of the matched reference in `correlation.rules` */
  pos: number;
  /** number for value_sum/avg/percentile, distinct-key string for value_count, 0 otherwise */
  v: number | string;
  /** temporal_ordered: chain state after this entry, kept on every CHECKPOINT-th entry */
  dp: Float64Array | undefined;
}

/** Time order; for one event listed under several positions, the later position first (see OrderedAggregator). */
export function compareEntries(a: Entry, b: Entry): number {
  return a.t - b.t || a.seq - b.seq || b.pos - a.pos;
}

/**
 * Aggregate over the entries of one sliding window. Entries are added in
 * time order and removed oldest first as the window slides, so every
 * operation is O(1) except the percentile's sorted insert/remove.
 */
export interface Aggregator {
  add(e: Entry): void;
  remove(e: Entry): void;
  /** the aggregate for the window ending at `anchorMs` */
  value(anchorMs: number): number;
  /** entries currently in the window */
  readonly size: number;
}

class CountAggregator implements Aggregator {
  size = 0;
  add(): void {
    this.size++;
  }
  remove(): void {
    this.size--;
  }
  value(): number {
    return this.size;
  }
}

class DistinctAggregator implements Aggregator {
  size = 0;
  readonly #counts = new Map<number | string, number>();
  add(e: Entry): void {
    this.size++;
    this.#counts.set(e.v, (this.#counts.get(e.v) ?? 0) + 1);
  }
  remove(e: Entry): void {
    this.size--;
    const n = this.#counts.get(e.v) ?? 0;
    if (n <= 1) this.#counts.delete(e.v);
    else this.#counts.set(e.v, n - 1);
  }
  value(): number {
    return this.#counts.size;
  }
}

class SumAggregator implements Aggregator {
  size = 0;
  #sum = 0;
  constructor(private readonly average: boolean) {}
  add(e: Entry): void {
    this.size++;
    this.#sum += e.v as number;
  }
  remove(e: Entry): void {
    this.size--;
    // Resetting on empty stops floating-point residue from outliving the values that caused it.
    this.#sum = this.size === 0 ? 0 : this.#sum - (e.v as number);
  }
  value(): number {
    if (!this.average) return this.#sum;
    return this.size === 0 ? Number.NaN : this.#sum / this.size;
  }
}

/** First index in sorted `a` whose value is >= x. */
function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A sorted multiset of numbers in blocks of at most 2·BLOCK, so insert and
 * remove move O(√n)-ish elements instead of the whole array: late events make
 * the engine add and remove many values per event, and one flat sorted array
 * of a large window made that cost quadratic.
 */
const BLOCK = 64;

class SortedBlocks {
  readonly #blocks: number[][] = [];
  size = 0;

  /** The first block whose largest value is >= v (or the last block). */
  #blockFor(v: number): number {
    let lo = 0;
    let hi = this.#blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.#blocks[mid]!;
      if (b[b.length - 1]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(v: number): void {
    this.size++;
    if (this.#blocks.length === 0) {
      this.#blocks.push([v]);
      return;
    }
    const bi = this.#blockFor(v);
    const b = this.#blocks[bi]!;
    b.splice(lowerBound(b, v), 0, v);
    if (b.length > 2 * BLOCK) this.#blocks.splice(bi + 1, 0, b.splice(BLOCK));
  }

  remove(v: number): void {
    if (this.#blocks.length === 0) return;
    const bi = this.#blockFor(v);
    const b = this.#blocks[bi]!;
    const i = lowerBound(b, v);
    if (b[i] !== v) return;
    this.size--;
    b.splice(i, 1);
    if (b.length === 0) this.#blocks.splice(bi, 1);
  }

  /** The k-th smallest value, 0-based. */
  at(k: number): number {
    for (const b of this.#blocks) {
      if (k < b.length) return b[k]!;
      k -= b.length;
    }
    return Number.NaN;
  }
}

/** Linear interpolation between closest ranks (numpy's default, Elasticsearch's exact case). */
class PercentileAggregator implements Aggregator {
  readonly #values = new SortedBlocks();
  constructor(private readonly percentile: number) {}
  get size(): number {
    return this.#values.size;
  }
  add(e: Entry): void {
    this.#values.insert(e.v as number);
  }
  remove(e: Entry): void {
    this.#values.remove(e.v as number);
  }
  value(): number {
    const n = this.#values.size;
    if (n === 0) return Number.NaN;
    const rank = (this.percentile / 100) * (n - 1);
    const lo = Math.floor(rank);
    const low = this.#values.at(lo);
    return rank === lo ? low : low + (this.#values.at(lo + 1) - low) * (rank - lo);
  }
}

/** temporal: how many of the referenced rules have at least one event in the window. */
class TemporalAggregator implements Aggregator {
  size = 0;
  #distinct = 0;
  readonly #perRule: Uint32Array;
  constructor(rules: number) {
    this.#perRule = new Uint32Array(rules);
  }
  add(e: Entry): void {
    this.size++;
    if (this.#perRule[e.pos]!++ === 0) this.#distinct++;
  }
  remove(e: Entry): void {
    this.size--;
    if (--this.#perRule[e.pos]! === 0) this.#distinct--;
  }
  value(): number {
    return this.#distinct;
  }
}

/**
 * temporal_ordered: the length of the longest prefix of `correlation.rules`
 * seen in that order inside the window.
 *
 * start[p] is the latest start time of a chain rules[0] … rules[p] seen so
 * far. Keeping the latest start keeps the tightest chain, so a chain fits in
 * the window exactly when start[p] >= anchor − timespan. start is
 * non-increasing in p, so the prefix length is the count of leading p that
 * fit. One event listed under several positions reaches add() later position
 * first (compareEntries), so it cannot fill two consecutive steps alone.
 * Window slides need no removal: a stale start simply stops fitting.
 */
export class OrderedAggregator implements Aggregator {
  size = 0;
  #start: Float64Array;
  constructor(
    rules: number,
    private readonly timespanMs: number,
  ) {
    this.#start = new Float64Array(rules).fill(Number.NaN);
  }
  add(e: Entry): void {
    this.size++;
    if (e.pos === 0) this.#start[0] = e.t;
    else if (!Number.isNaN(this.#start[e.pos - 1]!)) this.#start[e.pos] = this.#start[e.pos - 1]!;
  }
  remove(): void {
    this.size--;
  }
  snapshot(): Float64Array {
    return this.#start.slice();
  }
  /** Resumes from a snapshot taken after an entry, with `size` entries in that entry's window. */
  restore(snapshot: Float64Array, size: number): void {
    this.#start = snapshot.slice();
    this.size = size;
  }
  value(anchorMs: number): number {
    const from = anchorMs - this.timespanMs;
    let n = 0;
    // NaN >= from is false, so an unstarted step ends the prefix.
    while (n < this.#start.length && this.#start[n]! >= from) n++;
    return n;
  }
}

export function createAggregator(rule: CorrelationRule): Aggregator {
  switch (rule.type) {
    case 'event_count':
      return new CountAggregator();
    case 'value_count':
      return new DistinctAggregator();
    case 'value_sum':
      return new SumAggregator(false);
    case 'value_avg':
      return new SumAggregator(true);
    case 'value_percentile':
    case 'value_median':
      return new PercentileAggregator(rule.condition.percentile ?? 50);
    case 'temporal':
      return new TemporalAggregator(rule.rules.length);
    case 'temporal_ordered':
      return new OrderedAggregator(rule.rules.length, rule.timespanMs);
  }
}

/** All criteria present must hold; NaN (an average of nothing) never satisfies. */
export function conditionHolds(c: CorrelationCondition, v: number): boolean {
  if (Number.isNaN(v)) return false;
  if (c.gt !== undefined && !(v > c.gt)) return false;
  if (c.gte !== undefined && !(v >= c.gte)) return false;
  if (c.lt !== undefined && !(v < c.lt)) return false;
  if (c.lte !== undefined && !(v <= c.lte)) return false;
  if (c.eq !== undefined && v !== c.eq) return false;
  if (c.neq !== undefined && v === c.neq) return false;
  return true;
}

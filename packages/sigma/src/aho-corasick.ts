/** Aho-Corasick multi-literal search with case folding, packed into typed arrays. */

/**
 * Lower-case mapping of every UTF-16 code unit, so scans fold case as they read instead of
 * allocating a lower-cased copy of each field; 0xffff marks the few characters whose lower
 * case is not one code unit (the scan then falls back to `toLowerCase`).
 */
export const FOLD = (() => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    const l = String.fromCharCode(c).toLowerCase();
    t[c] = l.length === 1 ? l.charCodeAt(0) : 0xffff;
  }
  return t;
})();

/**
 * Literal ids a scan found: a buffer reused from scan to scan, so finding costs no allocation
 * once it has grown. `length` may be set back to forget hits.
 */
export class Hits {
  ids = new Int32Array(32);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = id;
  }

  toArray(): number[] {
    return Array.from(this.ids.subarray(0, this.length));
  }
}

/** ASCII transitions of a dense node are one table row: most scanned text is ASCII. */
const ROW = 128;
/** Rows built up front beyond the root and its children (the widest nodes get them). */
const DENSE_BUDGET = 256;
/** A node with at least this many ASCII children gets a row up front, budget permitting. */
const DENSE_MIN_CHILDREN = 4;
/** A node the scan steps from this many times without a row gets one (it is on a hot path). */
const PROMOTE_AFTER = 32;
/** Rows one automaton may gain while scanning (512 bytes each). */
const PROMOTED_PER_AUTOMATON = 1024;

/** Rows that automata sharing it may still gain while scanning (an engine's memory bound). */
export interface RowBudget {
  rows: number;
}

/**
 * Multi-literal search over lower-cased text; reports the ids of the literals it contains.
 * Built as one map of trie edges, then packed into typed arrays. Dense nodes have one row over
 * ASCII holding the transition with failure links already followed, so a character costs one
 * table read: the root, its children and the widest other nodes from the start, and any node
 * the scans keep stepping from (text that follows a long literal prefix, like `c:\windows\`)
 * once it proves hot. Other nodes keep their few transitions sorted in one shared array, with
 * failure links.
 *
 * The scan's state is a number: `rowOffset << 1 | out` for a dense node (≥ 0), or
 * `-(node + 1) << 1 | out` for another; `out` is 1 where literals end. So a dense step is a
 * single read that depends on the previous one, and a character that ends no literal costs no
 * further read.
 */
export class AhoCorasick {
  /** while adding: `node * 0x10000 + char` → child */
  #edges = new Map<number, number>();
  #nodes = 1;
  /** while adding: node → ids of the literals ending there */
  #ends = new Map<number, number[]>();
  /** node → offset of its row in #table, or -1 */
  #rowOf = new Int32Array(0);
  /** row index → node */
  #nodeOfRow = new Int32Array(0);
  /** rows of states, ROW per dense node */
  #table = new Int32Array(0);
  #rows = 0;
  #promoted = 0;
  /** steps taken from each row-less node, towards promotion */
  #heat = new Uint8Array(0);
  /** sparse transitions of each node: chars[start … start+count) sorted, child nodes beside */
  #start = new Int32Array(0);
  #count = new Int32Array(0);
  #chars = new Uint16Array(0);
  #child = new Int32Array(0);
  #fail = new Int32Array(0);
  #rootState = 0;
  #outStart = new Int32Array(0);
  #outCount = new Int32Array(0);
  #outIds = new Int32Array(0);
  #built = false;
  readonly #budget: RowBudget;

  /** `budget`: shared with other automata to bound their rows together; its own by default */
  constructor(budget: RowBudget = { rows: PROMOTED_PER_AUTOMATON }) {
    this.#budget = budget;
  }

  add(lit: string, id: number): void {
    if (this.#built) throw new Error('AhoCorasick: add after build');
    let node = 0;
    for (let i = 0; i < lit.length; i++) {
      const key = node * 0x10000 + lit.charCodeAt(i);
      let n = this.#edges.get(key);
      if (n === undefined) {
        n = this.#nodes++;
        this.#edges.set(key, n);
      }
      node = n;
    }
    const ends = this.#ends.get(node);
    if (ends) ends.push(id);
    else this.#ends.set(node, [id]);
  }

  build(): void {
    if (this.#built) return;
    const n = this.#nodes;
    // edges sorted by parent, then character: each node's transitions are one sorted run
    const keys = Float64Array.from(this.#edges.keys()).sort();
    const chars = new Uint16Array(keys.length);
    const child = new Int32Array(keys.length);
    const start = new Int32Array(n);
    const count = new Int32Array(n);
    keys.forEach((key, k) => {
      const parent = Math.floor(key / 0x10000);
      if (count[parent] === 0) start[parent] = k;
      count[parent]!++;
      chars[k] = key % 0x10000;
      child[k] = this.#edges.get(key)!;
    });
    this.#edges = new Map();
    this.#start = start;
    this.#count = count;
    this.#chars = chars;
    this.#child = child;
    this.#rowOf = new Int32Array(n).fill(-1);
    this.#heat = new Uint8Array(n);
    // breadth-first order: failure links point to shallower nodes, which come first
    const order = new Int32Array(n);
    let len = 1;
    for (let qi = 0; qi < len; qi++) {
      const node = order[qi]!;
      for (let k = start[node]!; k < start[node]! + count[node]!; k++) order[len++] = child[k]!;
    }
    const fail = new Int32Array(n);
    this.#fail = fail;
    /** the step over transitions and the failure links found so far, as a node */
    const failStep = (node: number, c: number): number => {
      for (;;) {
        const t = this.#goto(node, c);
        if (t >= 0) return t;
        if (node === 0) return 0;
        node = fail[node]!;
      }
    };
    const outs = this.#ends;
    for (const node of order) {
      for (let k = start[node]!; k < start[node]! + count[node]!; k++) {
        const f = node === 0 ? 0 : failStep(fail[node]!, chars[k]!);
        fail[child[k]!] = f;
        const inherited = outs.get(f);
        if (inherited) outs.set(child[k]!, [...(outs.get(child[k]!) ?? []), ...inherited]);
      }
    }
    this.#outStart = new Int32Array(n);
    this.#outCount = new Int32Array(n);
    const ids: number[] = [];
    for (let node = 0; node < n; node++) {
      const o = outs.get(node);
      this.#outStart[node] = ids.length;
      this.#outCount[node] = o?.length ?? 0;
      if (o) ids.push(...o);
    }
    this.#outIds = Int32Array.from(ids);
    this.#ends = new Map();
    // dense nodes: the root, its children, then the widest nodes, in breadth-first order so a
    // row's failure transitions read rows already filled
    const ascii = (node: number): number => {
      let a = 0;
      for (let k = start[node]!; k < start[node]! + count[node]!; k++) if (chars[k]! < ROW) a++;
      return a;
    };
    const shallow = 1 + count[0]!;
    const wide = new Set(
      Array.from(order.subarray(shallow))
        .map((node) => ({ node, width: ascii(node) }))
        .filter((x) => x.width >= DENSE_MIN_CHILDREN)
        .sort((x, y) => y.width - x.width)
        .slice(0, DENSE_BUDGET)
        .map((x) => x.node),
    );
    const dense = Array.from(order).filter((node, i) => i < shallow || wide.has(node));
    this.#table = new Int32Array(dense.length * ROW);
    this.#nodeOfRow = new Int32Array(dense.length);
    dense.forEach((node, i) => {
      this.#rowOf[node] = i * ROW;
      this.#nodeOfRow[i] = node;
    });
    this.#rows = dense.length;
    this.#rootState = this.#state(0);
    for (const node of dense) this.#table.set(this.#rowFor(node), this.#rowOf[node]);
    this.#built = true;
  }

  /** The state of a node (see the class comment). */
  #state(node: number): number {
    const row = this.#rowOf[node]!;
    const out = this.#outCount[node]! > 0 ? 1 : 0;
    return row >= 0 ? (row << 1) | out : (-(node + 1) << 1) | out;
  }

  #node(state: number): number {
    return state >= 0 ? this.#nodeOfRow[state >> 8]! : -(state >> 1) - 1;
  }

  /** Trie transition only (no failure link); -1 when there is none. */
  #goto(node: number, c: number): number {
    const s = this.#start[node]!;
    const end = s + this.#count[node]!;
    const chars = this.#chars;
    let k = s;
    while (k < end && chars[k]! < c) k++;
    return k < end && chars[k] === c ? this.#child[k]! : -1;
  }

  /** The automaton's step from a node, as a state: rows, else transitions and failure links. */
  #step(node: number, c: number): number {
    for (;;) {
      const row = c < ROW ? this.#rowOf[node]! : -1;
      if (row >= 0) return this.#table[row + c]!;
      const t = this.#goto(node, c);
      if (t >= 0) return this.#state(t);
      if (node === 0) return this.#rootState;
      node = this.#fail[node]!;
    }
  }

  /** A node's row: its own transitions, and its failure node's for the other characters. */
  #rowFor(node: number): Int32Array {
    const row = new Int32Array(ROW);
    for (let c = 0; c < ROW; c++) {
      const t = this.#goto(node, c);
      row[c] =
        t >= 0 ? this.#state(t) : node === 0 ? this.#rootState : this.#step(this.#fail[node]!, c);
    }
    return row;
  }

  /**
   * Appends to `hits` the id of every literal occurring in `text`, compared case-insensitively
   * (an id may repeat). No callback and no allocation: this runs for every field of every event.
   */
  scan(text: string, hits: Hits): void {
    if (!this.#built) this.build();
    let table = this.#table;
    const fold = FOLD;
    const mark = hits.length;
    const len = text.length;
    let state = this.#rootState;
    // where in the table the current state was read (-1: not from a row)
    let from = -1;
    for (let i = 0; i < len; i++) {
      const c = fold[text.charCodeAt(i)]!;
      // the common step, a dense row; the rest is out of line to keep this loop small
      if (state >= 0 && c < ROW) {
        from = (state >> 1) + c;
        state = table[from]!;
      } else {
        if (c === 0xffff) {
          // a character that lower-cases to several: redo this text the slow, exact way
          hits.length = mark;
          this.#scanLowered(text.toLowerCase(), hits);
          return;
        }
        state = this.#slowStep(state, c, from);
        from = -1;
        table = this.#table; // a promotion may have grown it
      }
      if ((state & 1) !== 0) this.#emit(state, hits);
    }
  }

  /**
   * A step the rows do not cover: a non-ASCII character, or a node without a row — which gets
   * one once it proves hot. `from`: where the current state was read, to point it at the row.
   */
  #slowStep(state: number, c: number, from: number): number {
    const node = this.#node(state);
    if (c < ROW) {
      let row = this.#rowOf[node]!;
      if (row < 0 && ++this.#heat[node]! >= PROMOTE_AFTER && this.#promote(node))
        row = this.#rowOf[node]!;
      if (row >= 0) {
        // the transition that led here predates the row: it leads to the row from now on
        if (state < 0 && from >= 0) this.#table[from] = this.#state(node);
        return this.#table[row + c]!;
      }
    }
    return this.#step(node, c);
  }

  #promote(node: number): boolean {
    this.#heat[node] = 0;
    if (this.#promoted >= PROMOTED_PER_AUTOMATON || this.#budget.rows <= 0) return false;
    const row = this.#rowFor(node);
    const offset = this.#rows * ROW;
    if (offset + ROW > this.#table.length) {
      const grown = new Int32Array(Math.max(this.#table.length * 2, offset + ROW));
      grown.set(this.#table);
      this.#table = grown;
      const rows = new Int32Array(grown.length / ROW);
      rows.set(this.#nodeOfRow);
      this.#nodeOfRow = rows;
    }
    this.#table.set(row, offset);
    this.#rowOf[node] = offset;
    this.#nodeOfRow[this.#rows] = node;
    this.#rows++;
    this.#promoted++;
    this.#budget.rows--;
    return true;
  }

  #emit(state: number, hits: Hits): void {
    const node = this.#node(state);
    const os = this.#outStart[node]!;
    const end = os + this.#outCount[node]!;
    for (let j = os; j < end; j++) hits.push(this.#outIds[j]!);
  }

  /** The same scan over text already lower-cased (no folding table), for the rare exact case. */
  #scanLowered(text: string, hits: Hits): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const state = this.#step(node, text.charCodeAt(i));
      node = this.#node(state);
      if ((state & 1) !== 0) this.#emit(state, hits);
    }
  }

  /** Dense rows and nodes, for tests and memory accounting. */
  get size(): { nodes: number; denseRows: number } {
    return { nodes: this.#fail.length, denseRows: this.#rows };
  }
}

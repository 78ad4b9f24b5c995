/** Aho-Corasick multi-literal search with case folding, packed into typed arrays. */

/**
 * Lower-case mapping of every UTF-16 code unit, so scans fold case as they read instead of
 * allocating a lower-cased copy of each field; 0xffff marks the few characters whose lower
 * case is not one code unit (the scan then falls back to `toLowerCase`).
 */
const FOLD = (() => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    const l = String.fromCharCode(c).toLowerCase();
    t[c] = l.length === 1 ? l.charCodeAt(0) : 0xffff;
  }
  return t;
})();

/**
 * Multi-literal search over lower-cased text; reports the ids of the literals it contains.
 * Built as a trie of Maps, then packed into typed arrays: the root has a direct table over
 * ASCII, other nodes keep their few transitions sorted in one shared array.
 */
export class AhoCorasick {
  #trie: Map<number, number>[] = [new Map<number, number>()];
  #outs: number[][] = [[]];
  #root = new Int32Array(0);
  #start = new Int32Array(0);
  #count = new Int32Array(0);
  #chars = new Uint16Array(0);
  #targets = new Int32Array(0);
  #fail = new Int32Array(0);
  #outStart = new Int32Array(0);
  #outCount = new Int32Array(0);
  #outIds = new Int32Array(0);
  #built = false;

  add(lit: string, id: number): void {
    let node = 0;
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(i);
      let n = this.#trie[node]!.get(c);
      if (n === undefined) {
        n = this.#trie.length;
        this.#trie.push(new Map<number, number>());
        this.#outs.push([]);
        this.#trie[node]!.set(c, n);
      }
      node = n;
    }
    this.#outs[node]!.push(id);
  }

  #goto(node: number, c: number): number {
    if (node === 0 && c < 128) return this.#root[c]!;
    const s = this.#start[node]!;
    const n = this.#count[node]!;
    const chars = this.#chars;
    for (let k = s; k < s + n; k++) {
      const ch = chars[k]!;
      if (ch === c) return this.#targets[k]!;
      if (ch > c) break;
    }
    return -1;
  }

  build(): void {
    const trie = this.#trie;
    const n = trie.length;
    this.#root = new Int32Array(128).fill(-1);
    this.#start = new Int32Array(n);
    this.#count = new Int32Array(n);
    this.#chars = new Uint16Array(n);
    this.#targets = new Int32Array(n);
    let k = 0;
    for (let node = 0; node < n; node++) {
      const entries = [...trie[node]!.entries()].sort((x, y) => x[0] - y[0]);
      if (node === 0) for (const [c, t] of entries) if (c < 128) this.#root[c] = t;
      this.#start[node] = k;
      this.#count[node] = entries.length;
      for (const [c, t] of entries) {
        this.#chars[k] = c;
        this.#targets[k] = t;
        k++;
      }
    }
    // fail links and output sets, breadth first
    const fail = new Int32Array(n);
    const outs = this.#outs;
    const queue: number[] = [...trie[0]!.values()];
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi]!;
      for (const [c, child] of trie[node]!) {
        let f = fail[node]!;
        let t = this.#goto(f, c);
        while (t < 0 && f !== 0) {
          f = fail[f]!;
          t = this.#goto(f, c);
        }
        fail[child] = t >= 0 && t !== child ? t : 0;
        const inherited = outs[fail[child]]!;
        if (inherited.length > 0) outs[child] = [...outs[child]!, ...inherited];
        queue.push(child);
      }
    }
    this.#fail = fail;
    this.#outStart = new Int32Array(n);
    this.#outCount = new Int32Array(n);
    const ids: number[] = [];
    for (let node = 0; node < n; node++) {
      this.#outStart[node] = ids.length;
      this.#outCount[node] = outs[node]!.length;
      ids.push(...outs[node]!);
    }
    this.#outIds = Int32Array.from(ids);
    this.#trie = [];
    this.#outs = [];
    this.#built = true;
  }

  /**
   * Appends to `hits` the id of every literal occurring in `text`, compared case-insensitively
   * (an id may repeat). No callback and no allocation: this runs for every field of every event.
   */
  scan(text: string, hits: number[]): void {
    if (!this.#built) this.build();
    const root = this.#root;
    const fail = this.#fail;
    const outStart = this.#outStart;
    const outCount = this.#outCount;
    const outIds = this.#outIds;
    const mark = hits.length;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = FOLD[text.charCodeAt(i)]!;
      if (c === 0xffff) {
        // a character that lower-cases to several: redo this text the slow, exact way
        hits.length = mark;
        this.#scanLowered(text.toLowerCase(), hits);
        return;
      }
      let t = node === 0 && c < 128 ? root[c]! : this.#goto(node, c);
      while (t < 0 && node !== 0) {
        node = fail[node]!;
        t = node === 0 && c < 128 ? root[c]! : this.#goto(node, c);
      }
      node = t < 0 ? 0 : t;
      const oc = outCount[node]!;
      if (oc > 0) {
        const os = outStart[node]!;
        for (let j = os; j < os + oc; j++) hits.push(outIds[j]!);
      }
    }
  }

  #scanLowered(text: string, hits: number[]): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = node === 0 && c < 128 ? this.#root[c]! : this.#goto(node, c);
      while (t < 0 && node !== 0) {
        node = this.#fail[node]!;
        t = node === 0 && c < 128 ? this.#root[c]! : this.#goto(node, c);
      }
      node = t < 0 ? 0 : t;
      const os = this.#outStart[node]!;
      for (let j = os; j < os + this.#outCount[node]!; j++) hits.push(this.#outIds[j]!);
    }
  }
}

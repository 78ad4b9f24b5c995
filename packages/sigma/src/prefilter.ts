/**
 * Prefiltering: most rules need some literal in some field (`CommandLine|contains: 'vssadmin'`
 * cannot match a command line without "vssadmin"). Per route, every field's literals go into
 * one Aho-Corasick automaton, so an event costs one pass over each such field instead of one
 * test per rule; only rules whose literal was seen (and rules with no literal) are evaluated.
 */
import { AhoCorasick } from './aho-corasick.js';
import type { Atom } from './compiler.js';
import { KEYWORD_SLOT } from './compiler.js';
import type { EventView } from './event-view.js';
import { scalarString } from './event-view.js';

export { AhoCorasick };

interface SlotFilter {
  slot: number;
  ac: AhoCorasick;
  /** literal id → positions (in the route list) of the rules it admits */
  admits: number[][];
}

/** A route's rules with their prefilter. */
export class RoutePlan<T> {
  readonly items: T[];
  readonly #always: number[] = [];
  readonly #slots: SlotFilter[] = [];
  #stamp: Int32Array;
  #gen = 0;
  readonly #found: Int32Array;
  readonly #all: Int32Array;
  readonly #hits: number[] = [];

  constructor(items: T[], atomsOf: (item: T) => Atom[] | null) {
    this.items = items;
    this.#stamp = new Int32Array(items.length);
    this.#found = new Int32Array(items.length);
    this.#all = Int32Array.from(items.keys());
    const bySlot = new Map<
      number,
      { ac: AhoCorasick; ids: Map<string, number>; admits: number[][] }
    >();
    items.forEach((item, pos) => {
      const atoms = atomsOf(item);
      if (atoms === null || atoms.length === 0) {
        this.#always.push(pos);
        return;
      }
      for (const a of atoms) {
        let f = bySlot.get(a.slot);
        if (!f) {
          f = { ac: new AhoCorasick(), ids: new Map(), admits: [] };
          bySlot.set(a.slot, f);
        }
        let id = f.ids.get(a.lit);
        if (id === undefined) {
          id = f.admits.length;
          f.ids.set(a.lit, id);
          f.admits.push([]);
          f.ac.add(a.lit, id);
        }
        const list = f.admits[id]!;
        if (list[list.length - 1] !== pos) list.push(pos);
      }
    });
    for (const [slot, f] of bySlot) {
      f.ac.build();
      this.#slots.push({ slot, ac: f.ac, admits: f.admits });
    }
  }

  /**
   * Positions (in route order) of the rules worth evaluating for this event: those whose
   * literal occurs in its field, and those without literals. The returned array is reused.
   */
  candidates(view: EventView): Int32Array {
    if (this.#slots.length === 0) return this.#all;
    this.#gen++;
    if (this.#gen > 0x3fffffff) {
      this.#gen = 1;
      this.#stamp.fill(0);
    }
    const gen = this.#gen;
    const stamp = this.#stamp;
    const found = this.#found;
    let n = 0;
    for (const pos of this.#always) {
      stamp[pos] = gen;
      found[n++] = pos;
    }
    const hits = this.#hits;
    for (const f of this.#slots) {
      hits.length = 0;
      if (f.slot === KEYWORD_SLOT) {
        for (const leaf of view.keywordLeaves()) f.ac.scan(leaf, hits);
      } else {
        const v = view.value(f.slot);
        const str = scalarString(v);
        if (str !== undefined) f.ac.scan(str, hits);
        else if (Array.isArray(v)) {
          for (const el of v as unknown[]) {
            const e = scalarString(el);
            if (e !== undefined) f.ac.scan(e, hits);
          }
        }
      }
      const admits = f.admits;
      for (let h = 0; h < hits.length; h++) {
        const list = admits[hits[h]!]!;
        for (let k = 0; k < list.length; k++) {
          const pos = list[k]!;
          if (stamp[pos] !== gen) {
            stamp[pos] = gen;
            found[n++] = pos;
          }
        }
      }
    }
    return found.subarray(0, n).sort();
  }
}

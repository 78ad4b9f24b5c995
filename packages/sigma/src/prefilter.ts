/**
 * Prefiltering: most rules need some literal in some field (`CommandLine|contains: 'vssadmin'`
 * cannot match a command line without "vssadmin"). Per route, every field's literals go into
 * one Aho-Corasick automaton, so an event costs one pass over each such field instead of one
 * test per rule; only rules whose required literals were seen (and rules with no literal) are
 * evaluated.
 *
 * A rule's requirement is a conjunction of clauses, each a disjunction of literals (see
 * `Requirement` in compiler.ts): `Image|endswith: '\wmic.exe'` and `CommandLine|contains: …`
 * both have to be seen before the rule is worth evaluating.
 */
import { AhoCorasick, Hits } from './aho-corasick.js';
import type { RowBudget } from './aho-corasick.js';
import { WuManber } from './wu-manber.js';
import type { Requirement } from './compiler.js';
import { KEYWORD_SLOT, MAX_CLAUSES } from './compiler.js';
import type { EventView } from './event-view.js';
import { scalarString } from './event-view.js';

export { AhoCorasick, Hits, WuManber };
export type { RowBudget };

/** What a field's literals are searched with. */
export interface LiteralSearch {
  scan(text: string, hits: Hits): void;
}

/** Wu-Manber is chosen when its window would move at least this far on average. */
const MIN_EXPECTED_SHIFT = 3;

/**
 * The search for one field's literals: Wu-Manber when the literals are long enough that most
 * characters can be skipped, Aho-Corasick (every character read once) otherwise.
 */
export function literalSearch(lits: Map<string, number>, budget?: RowBudget): LiteralSearch {
  let min = Infinity;
  for (const lit of lits.keys()) min = Math.min(min, lit.length);
  if (min >= 4) {
    const wm = new WuManber();
    for (const [lit, id] of lits) wm.add(lit, id);
    if (wm.expectedShift() >= MIN_EXPECTED_SHIFT) return wm;
  }
  const ac = new AhoCorasick(budget);
  for (const [lit, id] of lits) ac.add(lit, id);
  ac.build();
  return ac;
}

/** clause entries are packed as `position << CLAUSE_BITS | clause` */
const CLAUSE_BITS = 2;
if (MAX_CLAUSES > 1 << CLAUSE_BITS) throw new Error('prefilter: too many clauses per rule');

interface SlotFilter {
  slot: number;
  ac: LiteralSearch;
  /** literal id → packed (position, clause) entries it satisfies */
  admits: Int32Array[];
  /** literal id → generation it was last seen in, so a repeated literal is expanded once */
  seen: Int32Array;
}

/** Above this many candidates the sort is left to the typed array (insertion sort below). */
const INSERTION_SORT_MAX = 48;

/** A route's rules with their prefilter. */
export class RoutePlan<T> {
  readonly items: T[];
  /** candidates of the last `candidates()` call, in route order, in `found[0 … n)` */
  readonly found: Int32Array;
  readonly #always: Int32Array;
  readonly #slots: SlotFilter[] = [];
  /** clauses each rule needs satisfied */
  readonly #need: Uint8Array;
  readonly #count: Uint8Array;
  readonly #posStamp: Int32Array;
  readonly #clauseStamp: Int32Array;
  #gen = 0;
  readonly #hits = new Hits();

  /** `budget`: bounds the rows the route's automata gain while scanning (see AhoCorasick) */
  constructor(items: T[], requirementOf: (item: T) => Requirement, budget?: RowBudget) {
    this.items = items;
    const n = items.length;
    this.found = new Int32Array(n);
    this.#need = new Uint8Array(n);
    this.#count = new Uint8Array(n);
    this.#posStamp = new Int32Array(n);
    this.#clauseStamp = new Int32Array(n << CLAUSE_BITS);
    const always: number[] = [];
    const bySlot = new Map<number, { ids: Map<string, number>; admits: number[][] }>();
    items.forEach((item, pos) => {
      const req = requirementOf(item);
      if (req === null || req.length === 0) {
        always.push(pos);
        return;
      }
      // a clause no literal can satisfy: the rule cannot match (a never-matching value)
      if (req.some((clause) => clause.length === 0)) return;
      const clauses = req.slice(0, MAX_CLAUSES);
      this.#need[pos] = clauses.length;
      clauses.forEach((clause, k) => {
        for (const a of clause) {
          let f = bySlot.get(a.slot);
          if (!f) {
            f = { ids: new Map(), admits: [] };
            bySlot.set(a.slot, f);
          }
          let id = f.ids.get(a.lit);
          if (id === undefined) {
            id = f.admits.length;
            f.ids.set(a.lit, id);
            f.admits.push([]);
          }
          const entry = (pos << CLAUSE_BITS) | k;
          const list = f.admits[id]!;
          if (!list.includes(entry)) list.push(entry);
        }
      });
    });
    this.#always = Int32Array.from(always);
    for (const [slot, f] of bySlot) {
      this.#slots.push({
        slot,
        ac: literalSearch(f.ids, budget),
        admits: f.admits.map((l) => Int32Array.from(l)),
        seen: new Int32Array(f.admits.length),
      });
    }
  }

  /**
   * Finds the rules worth evaluating for this event — those whose every clause has a literal in
   * its field, and those without literals — and returns how many; their positions (in route
   * order) are `found[0 … n)`, overwritten by the next call.
   */
  candidates(view: EventView): number {
    const found = this.found;
    const always = this.#always;
    let n = 0;
    for (; n < always.length; n++) found[n] = always[n]!;
    const slots = this.#slots;
    if (slots.length === 0) return n;
    if (++this.#gen > 0x3fffffff) this.#rewind();
    const gen = this.#gen;
    const need = this.#need;
    const count = this.#count;
    const posStamp = this.#posStamp;
    const clauseStamp = this.#clauseStamp;
    const hits = this.#hits;
    let sorted = true;
    for (let s = 0; s < slots.length; s++) {
      const f = slots[s]!;
      hits.length = 0;
      if (f.slot === KEYWORD_SLOT) {
        for (let i = 0, n = view.keywordCount(); i < n; i++) f.ac.scan(view.keywordLeaf(i), hits);
      } else {
        const v = view.value(f.slot);
        if (typeof v === 'string') f.ac.scan(v, hits);
        else if (v === undefined || v === null) continue;
        else {
          const str = scalarString(v);
          if (str !== undefined) f.ac.scan(str, hits);
          else if (Array.isArray(v)) {
            for (const el of v as unknown[]) {
              const e = scalarString(el);
              if (e !== undefined) f.ac.scan(e, hits);
            }
          }
        }
      }
      if (hits.length === 0) continue;
      const seen = f.seen;
      const admits = f.admits;
      const ids = hits.ids;
      for (let h = 0; h < hits.length; h++) {
        const lit = ids[h]!;
        if (seen[lit] === gen) continue;
        seen[lit] = gen;
        const list = admits[lit]!;
        for (let k = 0; k < list.length; k++) {
          const entry = list[k]!;
          if (clauseStamp[entry] === gen) continue;
          clauseStamp[entry] = gen;
          const pos = entry >> CLAUSE_BITS;
          let c = 1;
          if (posStamp[pos] === gen) c = count[pos]! + 1;
          else posStamp[pos] = gen;
          count[pos] = c;
          if (c === need[pos]) {
            if (n > 0 && found[n - 1]! > pos) sorted = false;
            found[n++] = pos;
          }
        }
      }
    }
    if (!sorted) {
      if (n > INSERTION_SORT_MAX) found.subarray(0, n).sort();
      else {
        for (let i = 1; i < n; i++) {
          const x = found[i]!;
          let j = i - 1;
          while (j >= 0 && found[j]! > x) {
            found[j + 1] = found[j]!;
            j--;
          }
          found[j + 1] = x;
        }
      }
    }
    return n;
  }

  #rewind(): void {
    this.#gen = 1;
    this.#posStamp.fill(0);
    this.#clauseStamp.fill(0);
    for (const f of this.#slots) f.seen.fill(0);
  }
}

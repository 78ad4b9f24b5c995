/**
 * Wu-Manber multi-literal search with case folding: for literal sets whose shortest literal is
 * long (keywords such as `lsadump::`, hash values), most characters of a text are never read.
 * The text is read in windows of the shortest literal's length; the window's last two
 * characters say how far the next possible match can start, and only a window ending in a
 * two-character block some literal has there is compared with those literals.
 *
 * Same contract as `AhoCorasick`: `add` literals (already lower-cased), then `scan` reports the
 * ids of those occurring in a text, compared as `AhoCorasick` compares them.
 */
import { FOLD } from './aho-corasick.js';
import type { Hits } from './aho-corasick.js';

const TABLE_BITS = 12;
const TABLE = 1 << TABLE_BITS;
/** Windows longer than this gain little and cost more blocks per literal. */
const MAX_WINDOW = 64;
/** The only character whose lower case is two code units (see FOLD). */
const DOTTED_CAPITAL_I = '\u0130';

function hash(a: number, b: number): number {
  return (Math.imul(a, 67) + b) & (TABLE - 1);
}

export class WuManber {
  #lits: string[] = [];
  #ids: number[] = [];
  /** window length: the shortest literal's, at most MAX_WINDOW */
  #m = 0;
  #shift = new Uint8Array(0);
  /** hash → range in #cands of the literals whose window ends in that block */
  #candStart = new Int32Array(0);
  #cands = new Int32Array(0);
  #built = false;

  add(lit: string, id: number): void {
    if (this.#built) throw new Error('WuManber: add after build');
    this.#lits.push(lit);
    this.#ids.push(id);
  }

  /** Shortest literal; Wu-Manber needs at least 2 (one block). */
  get minLength(): number {
    let m = Infinity;
    for (const l of this.#lits) m = Math.min(m, l.length);
    return m;
  }

  build(): void {
    if (this.#built) return;
    const lits = this.#lits;
    const m = Math.min(this.minLength, MAX_WINDOW);
    if (!(m >= 2)) throw new Error('WuManber: literals must be at least 2 characters');
    this.#m = m;
    const shift = new Uint8Array(TABLE).fill(m - 1);
    const lists: number[][] = Array.from({ length: TABLE }, () => []);
    lits.forEach((lit, p) => {
      for (let j = 1; j < m; j++) {
        const h = hash(lit.charCodeAt(j - 1), lit.charCodeAt(j));
        const s = m - 1 - j;
        if (s < shift[h]!) shift[h] = s;
        if (s === 0) lists[h]!.push(p);
      }
    });
    this.#shift = shift;
    this.#candStart = new Int32Array(TABLE + 1);
    const cands: number[] = [];
    for (let h = 0; h < TABLE; h++) {
      this.#candStart[h] = cands.length;
      cands.push(...lists[h]!);
    }
    this.#candStart[TABLE] = cands.length;
    this.#cands = Int32Array.from(cands);
    this.#built = true;
  }

  /**
   * Average distance the window moves over printable ASCII text, as a guide to whether this
   * search beats an automaton reading every character.
   */
  expectedShift(): number {
    this.build();
    let sum = 0;
    let n = 0;
    for (let a = 32; a < 127; a++) {
      for (let b = 32; b < 127; b++) {
        const s = this.#shift[hash(FOLD[a]!, FOLD[b]!)]!;
        sum += s === 0 ? 1 : s;
        n++;
      }
    }
    return sum / n;
  }

  /** Appends to `hits` the id of every literal occurring in `text` (an id may repeat). */
  scan(text: string, hits: Hits): void {
    if (!this.#built) this.build();
    // U+0130 lower-cases to two code units: such text is searched lower-cased, as AhoCorasick does
    if (text.includes(DOTTED_CAPITAL_I)) this.#search(text.toLowerCase(), hits, false);
    else this.#search(text, hits, true);
  }

  #search(text: string, hits: Hits, fold: boolean): void {
    const m = this.#m;
    const len = text.length;
    const shift = this.#shift;
    const f = FOLD;
    let i = m - 1;
    while (i < len) {
      let a = text.charCodeAt(i - 1);
      let b = text.charCodeAt(i);
      if (fold) {
        a = f[a]!;
        b = f[b]!;
      }
      const h = hash(a, b);
      const s = shift[h]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      const end = this.#candStart[h + 1]!;
      for (let k = this.#candStart[h]!; k < end; k++) {
        const p = this.#cands[k]!;
        const lit = this.#lits[p]!;
        if (start + lit.length > len) continue;
        let j = 0;
        if (fold) while (j < lit.length && f[text.charCodeAt(start + j)] === lit.charCodeAt(j)) j++;
        else while (j < lit.length && text.charCodeAt(start + j) === lit.charCodeAt(j)) j++;
        if (j === lit.length) hits.push(this.#ids[p]!);
      }
      i++;
    }
  }
}

/**
 * Compiles detections to predicates over an EventView: literals are lower-cased once, field
 * paths become cache slots, regexes and CIDR masks are built here, never per event.
 */
import type { EventView } from './event-view.js';
import { scalarString } from './event-view.js';
import { STAR, compileStringTest, hasWildcards } from './sigma-string.js';
import type { Part, SigmaString } from './sigma-string.js';
import { buildItemSpec } from './modifiers.js';
import type { ItemSpec, Placeholders, TimePart, ValueSpec } from './modifiers.js';
import { cidrMatcher } from './cidr.js';
import type { Cidr } from './cidr.js';
import { parseCondition } from './condition.js';
import type { Condition } from './condition.js';
import type { DetectionItem, SearchNode } from './types.js';

export type Pred = (ev: EventView) => boolean;
type ScalarTest = (raw: unknown, lower: string | undefined, ev: EventView) => boolean;

export interface CompileContext {
  /** cache slot of a rule field name under the variant being compiled */
  slot(field: string): number;
  placeholders: Placeholders;
  warnings: string[];
  /** rule field names the detection reads */
  fieldsUsed: Set<string>;
  /** Filled with each predicate's prefilter requirement (see `Requirement`). */
  atoms?: Map<Pred, Requirement>;
}

/** A literal that must occur in a field's lower-cased value (slot -1: the keyword text). */
export interface Atom {
  slot: number;
  lit: string;
}

/**
 * What a predicate needs to match, for the prefilter: a conjunction of clauses, each a list of
 * atoms of which at least one must occur. If the predicate matches, every clause holds. null:
 * no such literals can be named; a clause with no atoms: the predicate never matches.
 */
export type Requirement = Atom[][] | null;

/** Clauses kept per predicate (the most selective ones). */
export const MAX_CLAUSES = 4;

export const KEYWORD_SLOT = -1;

function longestLiteral(s: SigmaString): string | undefined {
  let best = '';
  for (const p of s) if (typeof p === 'string' && p.length > best.length) best = p;
  return best === '' ? undefined : best.toLowerCase();
}

/**
 * A literal every match of a regular expression must contain, or undefined when none can be
 * named safely: only runs of plain characters at the top level count (no alternation there,
 * nothing inside groups or classes, a character made optional by its quantifier excluded).
 */
export function regexLiteral(source: string): string | undefined {
  let best = '';
  let run = '';
  let depth = 0;
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '[') {
        const close = classEnd(source, i);
        if (close < 0) return undefined;
        i = close;
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    let lit: string | undefined;
    let next = i + 1;
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) return undefined;
      next = i + 2;
      if (/[^A-Za-z0-9]/.test(e)) lit = e;
      else if (e === 'x' || e === 'u' || e === 'c' || /[0-9]/.test(e))
        return best || run || undefined;
    } else if (c === '|') return undefined;
    else if (c === '(') {
      end();
      depth = 1;
      continue;
    } else if (c === '[') {
      end();
      const close = classEnd(source, i);
      if (close < 0) return undefined;
      i = close;
      continue;
    } else if (c === '{') {
      end();
      const close = source.indexOf('}', i);
      if (close < 0) return undefined;
      i = close;
      continue;
    } else if (!'.^$*+?}'.includes(c)) lit = c;
    const q = source[next];
    if (lit === undefined) {
      end();
      i = next - 1;
      continue;
    }
    if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(source.slice(next)))) {
      end();
      i = next - 1;
      continue;
    }
    run += lit;
    if (q === '+' || q === '{') end();
    i = next - 1;
  }
  end();
  if (depth !== 0) return undefined;
  return best === '' ? undefined : best.toLowerCase();
}

function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return -1;
}

/**
 * A lower bound on the length (in UTF-16 code units) of any match of a regular expression
 * without the `u` flag, or 0 when unsure: a field shorter than that cannot match, so the
 * expression need not run (`.{1000,}` on a short command line would otherwise try every start).
 */
export function regexMinLength(source: string, flags = ''): number {
  if (flags.includes('u') || flags.includes('v')) return 0;
  const r = minAlternatives(source, 0, false);
  return r === undefined || r.end !== source.length ? 0 : r.min;
}

/** Minimum over `a|b|…` from `i` up to a closing parenthesis (inGroup) or the end. */
function minAlternatives(
  src: string,
  i: number,
  inGroup: boolean,
): { min: number; end: number } | undefined {
  let best = Infinity;
  let seq = 0;
  for (;;) {
    if (i >= src.length) {
      if (inGroup) return undefined;
      return { min: Math.min(best, seq), end: i };
    }
    const c = src[i]!;
    if (c === '|') {
      best = Math.min(best, seq);
      seq = 0;
      i++;
      continue;
    }
    if (c === ')') {
      if (!inGroup) return undefined;
      return { min: Math.min(best, seq), end: i };
    }
    // one term: an atom and its quantifier
    let atom: number;
    let next: number;
    if (c === '(') {
      let from = i + 1;
      let zeroWidth = false;
      if (src.startsWith('?:', from)) from += 2;
      else if (src.startsWith('?=', from) || src.startsWith('?!', from)) {
        from += 2;
        zeroWidth = true;
      } else if (src.startsWith('?<=', from) || src.startsWith('?<!', from)) {
        from += 3;
        zeroWidth = true;
      } else if (src.startsWith('?<', from)) {
        const close = src.indexOf('>', from);
        if (close < 0) return undefined;
        from = close + 1;
      } else if (src[from] === '?') return undefined;
      const inner = minAlternatives(src, from, true);
      if (inner === undefined) return undefined;
      atom = zeroWidth ? 0 : inner.min;
      next = inner.end + 1;
    } else if (c === '[') {
      const close = classEnd(src, i);
      if (close < 0) return undefined;
      atom = 1;
      next = close + 1;
    } else if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) return undefined;
      next = i + 2;
      atom = 1;
      if (e === 'b' || e === 'B') atom = 0;
      else if (e >= '0' && e <= '9') {
        // a back reference (may match nothing) or a legacy octal escape: counted as nothing
        atom = 0;
        while (next < src.length && src[next]! >= '0' && src[next]! <= '9') next++;
      } else if (e === 'k' && src[next] === '<') {
        atom = 0;
        const close = src.indexOf('>', next);
        next = close < 0 ? src.length : close + 1;
      } else if (e === 'x' && /^[0-9a-fA-F]{2}/.test(src.slice(next, next + 2))) next += 2;
      else if (e === 'u' && /^[0-9a-fA-F]{4}/.test(src.slice(next, next + 4))) next += 4;
      else if (e === 'c') {
        // `\cX` is one control character; a lone `\c` is a backslash, then `c`
        if (/^[A-Za-z]/.test(src.slice(next, next + 1))) next++;
        else next = i + 1;
      }
    } else if (c === '^' || c === '$') {
      atom = 0;
      next = i + 1;
    } else if (c === '*' || c === '+' || c === '?') {
      return undefined;
    } else {
      atom = 1;
      next = i + 1;
    }
    // quantifier, possibly lazy
    let times = 1;
    let quantified = true;
    const q = src[next];
    if (q === '*' || q === '?') times = 0;
    else if (q === '+') times = 1;
    else if (q === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(next));
      if (m) {
        times = Number(m[1]);
        next += m[0].length - 1;
      } else quantified = false;
    } else quantified = false;
    if (quantified) {
      next++;
      if (src[next] === '?') next++;
    }
    seq += atom * times;
    i = next;
  }
}

/** Atoms of one OR group of value specs on a slot; null when some value has no literal. */
function specAtoms(specs: ValueSpec[], slot: number): Atom[] | null {
  const out: Atom[] = [];
  for (const sp of specs) {
    if (sp.t === 'never') continue;
    if (sp.t === 're') {
      const lit = regexLiteral(sp.re.source);
      if (lit === undefined || lit.includes('\n')) return null;
      out.push({ slot, lit });
      continue;
    }
    if (sp.t !== 'str') return null;
    if (sp.num !== undefined) {
      const text = plainString(sp.s);
      if (text === undefined || text !== String(sp.num)) return null;
    }
    const lit = longestLiteral(sp.s);
    // keyword leaves are scanned one by one, so a literal spanning lines is left to the rule
    if (lit === undefined || (slot === KEYWORD_SLOT && lit.includes('\n'))) return null;
    out.push({ slot, lit });
  }
  return out;
}

function plainString(s: SigmaString): string | undefined {
  return s.length === 1 && typeof s[0] === 'string' ? s[0] : undefined;
}

function itemAtoms(spec: ItemSpec, slot: number): Requirement {
  if (spec.neg) return null;
  const flat = spec.groups.flat();
  if (flat.some((s) => s.t === 'null' || s.t === 'exists')) return null;
  if (!spec.all || spec.groups.length === 1) return clauseReq(specAtoms(flat, slot));
  return allOfReq(spec.groups.map((g) => clauseReq(specAtoms(g, slot))));
}

function clauseReq(clause: Atom[] | null): Requirement {
  return clause === null ? null : [clause];
}

function score(a: Atom[]): number {
  // longer shortest literal first, then fewer atoms; a clause that cannot hold beats all
  if (a.length === 0) return Infinity;
  let min = Infinity;
  for (const x of a) min = Math.min(min, x.lit.length);
  return Math.min(min, 12) * 1000 - a.length;
}

/** For an AND: every child's clauses hold; the most selective few are kept. */
function allOfReq(list: Requirement[]): Requirement {
  const clauses: Atom[][] = [];
  for (const r of list) if (r !== null) clauses.push(...r);
  if (clauses.length === 0) return null;
  if (clauses.length <= MAX_CLAUSES) return clauses;
  return clauses
    .map((c, i) => ({ c, i, s: score(c) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .slice(0, MAX_CLAUSES)
    .sort((x, y) => x.i - y.i)
    .map((x) => x.c);
}

/** For an OR: every child must name literals, and any of them may be the one. */
function anyOfReq(list: Requirement[]): Requirement {
  if (list.length === 1) return list[0]!;
  const out: Atom[] = [];
  for (const r of list) {
    if (r === null) return null;
    // any one clause of a child is necessary for it; the most selective is taken
    let best: Atom[] | undefined;
    for (const c of r) if (best === undefined || score(c) > score(best)) best = c;
    if (best === undefined) return null;
    out.push(...best);
  }
  return [out];
}

function note(ctx: CompileContext, pred: Pred, req: Requirement): Pred {
  ctx.atoms?.set(pred, req);
  return pred;
}

function atomsOf(ctx: CompileContext, pred: Pred): Requirement {
  return ctx.atoms?.get(pred) ?? null;
}

export class CompileError extends Error {}

const lowerParts = (s: SigmaString): SigmaString =>
  s.map((p) => (typeof p === 'string' ? p.toLowerCase() : p));

function toNum(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function parseTime(raw: unknown): Date | undefined {
  if (typeof raw === 'number') {
    // seconds (Zeek `ts`) or milliseconds since the epoch
    const d = new Date(raw < 1e11 ? raw * 1000 : raw);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof raw !== 'string') return undefined;
  let s = raw.trim();
  // `2025-11-27 07:40:10.132` (Sysmon UtcTime) has no zone: it is UTC.
  if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t);
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
}

export function timePart(d: Date, part: TimePart): number {
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}

/** Groups case-insensitive literal shapes so a long OR list costs one pass of string methods. */
function insensitiveStringTest(specs: Extract<ValueSpec, { t: 'str' }>[]): ScalarTest {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const contains: string[] = [];
  const generic: ((v: string) => boolean)[] = [];
  const nums: number[] = [];
  const bools: boolean[] = [];
  for (const spec of specs) {
    const s = lowerParts(spec.s);
    if (spec.num !== undefined) nums.push(spec.num);
    if (spec.bool !== undefined) bools.push(spec.bool);
    const lit = (p: Part | undefined): p is string => typeof p === 'string';
    if (s.length === 0) exact.add('');
    else if (s.length === 1 && lit(s[0])) exact.add(s[0]);
    else if (s.length === 2 && lit(s[0]) && s[1] === STAR) prefixes.push(s[0]);
    else if (s.length === 2 && s[0] === STAR && lit(s[1])) suffixes.push(s[1]);
    else if (s.length === 3 && s[0] === STAR && lit(s[1]) && s[2] === STAR) contains.push(s[1]);
    else generic.push(compileStringTest(s));
  }
  const np = prefixes.length;
  const ns = suffixes.length;
  const nc = contains.length;
  const ng = generic.length;
  const hasExact = exact.size > 0;
  const hasNum = nums.length > 0 || bools.length > 0;
  return (raw, lower) => {
    if (lower === undefined) return false;
    if (hasExact && exact.has(lower)) return true;
    for (let i = 0; i < ns; i++) if (lower.endsWith(suffixes[i]!)) return true;
    for (let i = 0; i < np; i++) if (lower.startsWith(prefixes[i]!)) return true;
    for (let i = 0; i < nc; i++) if (lower.includes(contains[i]!)) return true;
    for (let i = 0; i < ng; i++) if (generic[i]!(lower)) return true;
    if (hasNum) {
      if (typeof raw === 'number' && nums.includes(raw)) return true;
      if (typeof raw === 'boolean' && bools.includes(raw)) return true;
    }
    return false;
  };
}

function specTest(spec: ValueSpec, ctx: CompileContext): ScalarTest {
  switch (spec.t) {
    case 'str': {
      if (!spec.cased) return insensitiveStringTest([spec]);
      const test = compileStringTest(spec.s);
      return (raw) => {
        const s = scalarString(raw);
        return s !== undefined && test(s);
      };
    }
    case 're': {
      const re = spec.re;
      const min = regexMinLength(re.source, re.flags);
      return (raw) => {
        const s = scalarString(raw);
        return s !== undefined && s.length >= min && re.test(s);
      };
    }
    case 'cmp': {
      const n = spec.n;
      switch (spec.op) {
        case 'lt':
          return (raw) => {
            const v = toNum(raw);
            return v !== undefined && v < n;
          };
        case 'lte':
          return (raw) => {
            const v = toNum(raw);
            return v !== undefined && v <= n;
          };
        case 'gt':
          return (raw) => {
            const v = toNum(raw);
            return v !== undefined && v > n;
          };
        case 'gte':
          return (raw) => {
            const v = toNum(raw);
            return v !== undefined && v >= n;
          };
      }
      break;
    }
    case 'cidr': {
      const m = cidrMatcher([spec.net]);
      return (raw) => typeof raw === 'string' && m(raw);
    }
    case 'time': {
      const { part, n } = spec;
      return (raw) => {
        const d = parseTime(raw);
        return d !== undefined && timePart(d, part) === n;
      };
    }
    case 'fieldref': {
      ctx.fieldsUsed.add(spec.field);
      const other = ctx.slot(spec.field);
      const { sw, ew, cased } = spec;
      return (raw, lower, ev) => {
        const a = cased ? scalarString(raw) : lower;
        const b = cased ? scalarString(ev.value(other)) : ev.lower(other);
        if (a === undefined || b === undefined) return false;
        if (sw && ew) return a.includes(b);
        if (sw) return a.startsWith(b);
        if (ew) return a.endsWith(b);
        return a === b;
      };
    }
    case 'never':
      return () => false;
    case 'null':
    case 'exists':
      break;
  }
  throw new CompileError(`internal: no scalar test for '${spec.t}'`);
}

/** One OR group of value specs → scalar test (null handled by the caller). */
function orTest(specs: ValueSpec[], ctx: CompileContext): ScalarTest {
  const insensitive = specs.filter(
    (s): s is Extract<ValueSpec, { t: 'str' }> => s.t === 'str' && !s.cased,
  );
  const cidrs = specs.filter((s): s is Extract<ValueSpec, { t: 'cidr' }> => s.t === 'cidr');
  const rest = specs.filter(
    (s) => !(s.t === 'str' && !s.cased) && s.t !== 'cidr' && s.t !== 'null',
  );
  const tests: ScalarTest[] = [];
  if (insensitive.length > 0) tests.push(insensitiveStringTest(insensitive));
  if (cidrs.length > 0) {
    const m = cidrMatcher(cidrs.map((c): Cidr => c.net));
    tests.push((raw) => typeof raw === 'string' && m(raw));
  }
  for (const s of rest) tests.push(specTest(s, ctx));
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0]!;
  return (raw, lower, ev) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(raw, lower, ev)) return true;
    return false;
  };
}

function fieldItem(spec: ItemSpec, field: string, ctx: CompileContext): Pred {
  const slot = ctx.slot(field);
  const flat = spec.groups.flat();
  const exists = flat.find((s): s is Extract<ValueSpec, { t: 'exists' }> => s.t === 'exists');
  let pred: Pred;
  if (exists) {
    const want = exists.b;
    pred = (ev) => (ev.value(slot) !== undefined) === want;
  } else {
    const evalGroup = (specs: ValueSpec[]): Pred => {
      const acceptsNull = specs.some((s) => s.t === 'null');
      const test = orTest(specs, ctx);
      return (ev) => {
        const v = ev.value(slot);
        if (v === undefined || v === null) return acceptsNull;
        if (Array.isArray(v)) {
          const arr = v as unknown[];
          for (let i = 0; i < arr.length; i++) {
            const el = arr[i];
            if (el === null || el === undefined) {
              if (acceptsNull) return true;
              continue;
            }
            const s = scalarString(el);
            if (test(el, s?.toLowerCase(), ev)) return true;
          }
          return false;
        }
        return test(v, ev.lower(slot), ev);
      };
    };
    if (!spec.all || spec.groups.length === 1) pred = evalGroup(flat);
    else {
      const preds = spec.groups.map(evalGroup);
      pred = (ev) => {
        for (let i = 0; i < preds.length; i++) if (!preds[i]!(ev)) return false;
        return true;
      };
    }
  }
  if (spec.neg) {
    const inner = pred;
    return (ev) => !inner(ev);
  }
  return pred;
}

function keywordGroup(specs: ValueSpec[]): Pred {
  const plain: string[] = [];
  const leafTests: ((leaf: string, lower: string) => boolean)[] = [];
  for (const s of specs) {
    if (s.t === 'str') {
      const parts = s.cased ? s.s : lowerParts(s.s);
      if (!s.cased && !hasWildcards(parts) && parts.length <= 1) {
        plain.push(typeof parts[0] === 'string' ? parts[0] : '');
        continue;
      }
      const test = compileStringTest(parts, true);
      leafTests.push(s.cased ? (leaf) => test(leaf) : (_leaf, lower) => test(lower));
    } else if (s.t === 're') {
      const re = s.re;
      const min = regexMinLength(re.source, re.flags);
      leafTests.push((leaf) => leaf.length >= min && re.test(leaf));
    } else if (s.t !== 'never') {
      throw new CompileError(`a keyword search cannot use a '${s.t}' value`);
    }
  }
  return (ev) => {
    if (plain.length > 0) {
      const text = ev.keywordText();
      for (let i = 0; i < plain.length; i++) if (text.includes(plain[i]!)) return true;
    }
    if (leafTests.length > 0) {
      for (let i = 0, n = ev.keywordCount(); i < n; i++) {
        const leaf = ev.keywordLeaf(i);
        const lower = leaf.toLowerCase();
        for (let k = 0; k < leafTests.length; k++) if (leafTests[k]!(leaf, lower)) return true;
      }
    }
    return false;
  };
}

function keywordItem(spec: ItemSpec): Pred {
  if (!spec.all) return keywordGroup(spec.groups.flat());
  const preds = spec.groups.map(keywordGroup);
  return (ev) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i]!(ev)) return false;
    return true;
  };
}

function itemCost(item: DetectionItem): number {
  if (item.field === null) return 8;
  const m = item.modifiers;
  if (m.includes('re')) return 6;
  if (m.includes('contains') || m.includes('windash'))
    return 3 + Math.min(item.values.length, 20) / 10;
  if (m.includes('startswith') || m.includes('endswith'))
    return 2 + Math.min(item.values.length, 20) / 10;
  return 1;
}

export function compileItem(item: DetectionItem, ctx: CompileContext): Pred {
  let spec: ItemSpec;
  try {
    spec = buildItemSpec(item, ctx.placeholders);
  } catch (e) {
    const where = item.origin?.line ? ` (line ${item.origin.line})` : '';
    const key = [item.field ?? '', ...item.modifiers].join('|');
    throw new CompileError(`'${key}'${where}: ${(e as Error).message}`);
  }
  ctx.warnings.push(...spec.warnings);
  if (spec.field === null) {
    const kw = spec.groups.map((g) => clauseReq(specAtoms(g, KEYWORD_SLOT)));
    return note(ctx, keywordItem(spec), spec.all ? allOfReq(kw) : anyOfReq(kw));
  }
  ctx.fieldsUsed.add(spec.field);
  const pred = fieldItem(spec, spec.field, ctx);
  return note(ctx, pred, itemAtoms(spec, ctx.slot(spec.field)));
}

export function allOf(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [Pred, Pred];
    return (ev) => a(ev) && b(ev);
  }
  return (ev) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i]!(ev)) return false;
    return true;
  };
}

export function anyOf(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [Pred, Pred];
    return (ev) => a(ev) || b(ev);
  }
  return (ev) => {
    for (let i = 0; i < preds.length; i++) if (preds[i]!(ev)) return true;
    return false;
  };
}

export function compileSearch(node: SearchNode, ctx: CompileContext): Pred {
  switch (node.kind) {
    case 'item':
      return compileItem(node.item, ctx);
    case 'and': {
      const items = [...node.items].sort((a, b) => itemCost(a) - itemCost(b));
      const preds = items.map((i) => compileItem(i, ctx));
      return note(ctx, allOf(preds), allOfReq(preds.map((p) => atomsOf(ctx, p))));
    }
    case 'or': {
      const preds = node.alternatives.map((a) => compileSearch(a, ctx));
      return note(ctx, anyOf(preds), anyOfReq(preds.map((p) => atomsOf(ctx, p))));
    }
  }
}

export function compileCondition(
  c: Condition,
  ids: Record<string, Pred>,
  ctx?: CompileContext,
): Pred {
  switch (c.t) {
    case 'id': {
      const p = ids[c.name];
      if (!p) throw new CompileError(`undefined search identifier '${c.name}'`);
      return p;
    }
    case 'and': {
      const preds = c.args.map((a) => compileCondition(a, ids, ctx));
      const p = allOf(preds);
      return ctx ? note(ctx, p, allOfReq(preds.map((x) => atomsOf(ctx, x)))) : p;
    }
    case 'or': {
      const preds = c.args.map((a) => compileCondition(a, ids, ctx));
      const p = anyOf(preds);
      return ctx ? note(ctx, p, anyOfReq(preds.map((x) => atomsOf(ctx, x)))) : p;
    }
    case 'not': {
      const p = compileCondition(c.arg, ids, ctx);
      return (ev) => !p(ev);
    }
    case 'const': {
      const v = c.value;
      return () => v;
    }
  }
}

/** A detection section plus its condition(s) (a list of conditions is OR). */
export function compileDetection(
  detection: Record<string, SearchNode>,
  conditions: string[],
  ctx: CompileContext,
): Pred {
  const names = Object.keys(detection);
  const ids: Record<string, Pred> = {};
  const parsed = conditions.map((c) => {
    try {
      return parseCondition(c, names);
    } catch (e) {
      throw new CompileError(`condition '${c}': ${(e as Error).message}`);
    }
  });
  const used = new Set<string>();
  for (const p of parsed) collect(p, used);
  for (const name of names) {
    // Identifiers no condition mentions still have to be valid, but need no predicate.
    const pred = compileSearch(detection[name]!, ctx);
    if (used.has(name)) ids[name] = pred;
  }
  const preds = parsed.map((p) => compileCondition(p, ids, ctx));
  return note(ctx, anyOf(preds), anyOfReq(preds.map((p) => atomsOf(ctx, p))));
}

function collect(c: Condition, out: Set<string>): void {
  if (c.t === 'id') out.add(c.name);
  else if (c.t === 'not') collect(c.arg, out);
  else if (c.t === 'and' || c.t === 'or') for (const a of c.args) collect(a, out);
}

/**
 * Value modifiers (sigma-appendix-modifiers 2.1): turns a detection item's values and modifier
 * chain into value specifications the compiler turns into predicates. Modifiers apply in the
 * order written; an expanding modifier (windash, base64offset, expand) makes an OR group that
 * stays one value under `all`.
 */
import type { DetectionItem, DetectionScalar } from './types.js';
import {
  QMARK,
  STAR,
  endsWithStar,
  hasWildcards,
  isPlaceholder,
  mapLiterals,
  normalise,
  parseSigmaString,
  plainText,
  startsWithStar,
  windashVariants,
} from './sigma-string.js';
import type { Part, SigmaString } from './sigma-string.js';
import { parseCidr } from './cidr.js';
import type { Cidr } from './cidr.js';

export const KNOWN_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'ignorecase',
  'multiline',
  'dotall',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
]);

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';

export type ValueSpec =
  | { t: 'str'; s: SigmaString; cased: boolean; num?: number; bool?: boolean }
  | { t: 're'; re: RegExp }
  | { t: 'cmp'; op: CompareOp; n: number }
  | { t: 'null' }
  | { t: 'exists'; b: boolean }
  | { t: 'cidr'; net: Cidr }
  | { t: 'time'; part: TimePart; n: number }
  | { t: 'fieldref'; field: string; sw: boolean; ew: boolean; cased: boolean }
  | { t: 'never'; reason: string };

export interface ItemSpec {
  field: string | null;
  /** one OR group of alternatives per value written in the rule */
  groups: ValueSpec[][];
  /** `all`: every group must match (otherwise any) */
  all: boolean;
  /** `neq`: the item is negated */
  neg: boolean;
  warnings: string[];
}

export class ModifierError extends Error {}

/** Placeholder name → replacement values (Sigma strings: wildcards allowed). */
export type Placeholders = Record<string, string[]>;

type Work =
  | { k: 'str'; s: SigmaString; text: string; cased: boolean; binary: boolean }
  | { k: 'num'; n: number; text: string }
  | { k: 'bool'; b: boolean }
  | { k: 'null' }
  | { k: 're'; src: string; flags: Set<string> }
  | { k: 'final'; spec: ValueSpec };

const STRING_MODS = new Set([
  'contains',
  'startswith',
  'endswith',
  'cased',
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'expand',
]);

function asStr(w: Work, mod: string): Extract<Work, { k: 'str' }> {
  if (w.k === 'str') return w;
  if (w.k === 'num') return { k: 'str', s: [w.text], text: w.text, cased: false, binary: false };
  throw new ModifierError(`modifier '${mod}' needs a string value`);
}

function utf8Bytes(s: string): number[] {
  return Array.from(Buffer.from(s, 'utf8'));
}

function bytesOf(w: Extract<Work, { k: 'str' }>): number[] {
  const text = plainText(w.s);
  if (w.binary) return Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  return utf8Bytes(text);
}

function encode16(lit: string, be: boolean): string {
  let out = '';
  for (let i = 0; i < lit.length; i++) {
    const c = lit.charCodeAt(i);
    out += be ? String.fromCharCode(c >> 8, c & 0xff) : String.fromCharCode(c & 0xff, c >> 8);
  }
  return out;
}

function b64(bytes: number[]): string {
  return Buffer.from(bytes).toString('base64');
}

export function base64OffsetVariants(bytes: number[]): string[] {
  const start = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = b64([...new Array<number>(i).fill(0x20), ...bytes]);
    const cut = endCut[(bytes.length + i) % 3]!;
    out.push(enc.slice(start[i], cut ? enc.length - cut : undefined));
  }
  return out;
}

function fromScalar(v: DetectionScalar): Work {
  switch (v.kind) {
    case 'string':
      return { k: 'str', s: parseSigmaString(v.value), text: v.value, cased: false, binary: false };
    case 'number':
      return { k: 'num', n: v.value, text: v.text };
    case 'boolean':
      return { k: 'bool', b: v.value };
    case 'null':
      return { k: 'null' };
  }
}

function toNumber(w: Work, mod: string): number {
  if (w.k === 'num') return w.n;
  if (w.k === 'str' && !hasWildcards(w.s)) {
    const n = Number(w.text);
    if (w.text.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw new ModifierError(`modifier '${mod}' needs a number`);
}

function expandPlaceholders(
  w: Extract<Work, { k: 'str' }>,
  placeholders: Placeholders,
  warnings: string[],
): Work[] {
  const s = parseSigmaString(w.text, true);
  let results: Part[][] = [[]];
  for (const p of s) {
    if (!isPlaceholder(p)) {
      results = results.map((r) => [...r, p]);
      continue;
    }
    const values = placeholders[p.placeholder];
    if (!values || values.length === 0) {
      warnings.push(
        `placeholder %${p.placeholder}% has no configured value: this value never matches`,
      );
      return [
        {
          k: 'final',
          spec: { t: 'never', reason: `placeholder %${p.placeholder}% not configured` },
        },
      ];
    }
    const next: Part[][] = [];
    for (const r of results) for (const v of values) next.push([...r, ...parseSigmaString(v)]);
    results = next;
  }
  // The next modifier in a chain (`|expand|cidr`, `|expand|hour`) reads the expanded text.
  return results.map((r) => {
    const expanded = normalise(r);
    return { ...w, s: expanded, text: plainText(expanded) };
  });
}

function applyModifier(
  w: Work,
  mod: string,
  index: number,
  item: DetectionItem,
  placeholders: Placeholders,
  warnings: string[],
): Work[] {
  if (w.k === 'final') {
    if (w.spec.t === 'never') return [w];
    if (w.spec.t === 'fieldref') {
      if (mod === 'contains') return [{ k: 'final', spec: { ...w.spec, sw: true, ew: true } }];
      if (mod === 'startswith') return [{ k: 'final', spec: { ...w.spec, sw: true } }];
      if (mod === 'endswith') return [{ k: 'final', spec: { ...w.spec, ew: true } }];
      if (mod === 'cased') return [{ k: 'final', spec: { ...w.spec, cased: true } }];
    }
    throw new ModifierError(`modifier '${mod}' cannot follow the modifiers before it`);
  }
  if (w.k === 're') {
    switch (mod) {
      case 'i':
      case 'ignorecase':
        w.flags.add('i');
        return [w];
      case 'm':
      case 'multiline':
        w.flags.add('m');
        return [w];
      case 's':
      case 'dotall':
        w.flags.add('s');
        return [w];
      // A regular expression is searched anywhere already; the anchoring modifiers change nothing.
      case 'contains':
      case 'startswith':
      case 'endswith':
        return [w];
      case 'expand':
        return [w];
      default:
        throw new ModifierError(`modifier '${mod}' cannot be applied to a regular expression`);
    }
  }
  if (w.k === 'null' && mod !== 'exists')
    throw new ModifierError(`modifier '${mod}' cannot be applied to null`);
  switch (mod) {
    case 'contains': {
      const s = asStr(w, mod);
      let v = s.s;
      if (!startsWithStar(v)) v = [STAR, ...v];
      if (!endsWithStar(v)) v = [...v, STAR];
      return [{ ...s, s: normalise(v) }];
    }
    case 'startswith': {
      const s = asStr(w, mod);
      return [{ ...s, s: endsWithStar(s.s) ? s.s : normalise([...s.s, STAR]) }];
    }
    case 'endswith': {
      const s = asStr(w, mod);
      return [{ ...s, s: startsWithStar(s.s) ? s.s : normalise([STAR, ...s.s]) }];
    }
    case 'cased':
      return [{ ...asStr(w, mod), cased: true }];
    case 'windash': {
      const s = asStr(w, mod);
      return windashVariants(s.s).map((v) => ({ ...s, s: v }));
    }
    case 're': {
      if (index > 0) throw new ModifierError("'re' must be the first modifier");
      if (w.k !== 'str' && w.k !== 'num') throw new ModifierError("'re' needs a string value");
      return [{ k: 're', src: w.text, flags: new Set() }];
    }
    case 'i':
    case 'm':
    case 's':
    case 'ignorecase':
    case 'multiline':
    case 'dotall':
      throw new ModifierError(`modifier '${mod}' only applies after 're'`);
    case 'base64': {
      const s = asStr(w, mod);
      if (hasWildcards(s.s))
        throw new ModifierError('base64 encoding of a value with wildcards is not allowed');
      const enc = b64(bytesOf(s));
      return [{ k: 'str', s: [enc], text: enc, cased: true, binary: false }];
    }
    case 'base64offset': {
      const s = asStr(w, mod);
      if (hasWildcards(s.s))
        throw new ModifierError('base64 encoding of a value with wildcards is not allowed');
      // Base64 is case-sensitive: changing the case changes the decoded bytes.
      return base64OffsetVariants(bytesOf(s)).map((enc) => ({
        k: 'str',
        s: [enc],
        text: enc,
        cased: true,
        binary: false,
      }));
    }
    case 'utf16le':
    case 'wide':
    case 'utf16be':
    case 'utf16': {
      const s = asStr(w, mod);
      const be = mod === 'utf16be';
      let v = mapLiterals(s.s, (lit) => encode16(lit, be));
      if (mod === 'utf16') v = normalise(['\xff\xfe', ...v]);
      return [{ ...s, s: v, text: plainText(v), binary: true }];
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return [{ k: 'final', spec: { t: 'cmp', op: mod, n: toNumber(w, mod) } }];
    case 'minute':
    case 'hour':
    case 'day':
    case 'week':
    case 'month':
    case 'year':
      return [{ k: 'final', spec: { t: 'time', part: mod, n: toNumber(w, mod) } }];
    case 'cidr': {
      // Only a placeholder expansion may come first: it yields the networks cidr then reads.
      if (index > 0 && !(index === 1 && item.modifiers[0] === 'expand'))
        throw new ModifierError("'cidr' must be the first modifier (or come right after 'expand')");
      const s = asStr(w, mod);
      const net = parseCidr(s.text);
      if (!net) throw new ModifierError(`'${s.text}' is not an IPv4 or IPv6 CIDR network`);
      return [{ k: 'final', spec: { t: 'cidr', net } }];
    }
    case 'exists': {
      if (item.field === null) throw new ModifierError("'exists' needs a field");
      let b: boolean | undefined;
      if (w.k === 'bool') b = w.b;
      else if (w.k === 'str' && /^(true|false)$/i.test(w.text)) b = w.text.toLowerCase() === 'true';
      if (b === undefined) throw new ModifierError("'exists' needs true or false");
      return [{ k: 'final', spec: { t: 'exists', b } }];
    }
    case 'expand': {
      const s = asStr(w, mod);
      return expandPlaceholders(s, placeholders, warnings);
    }
    case 'fieldref': {
      const s = asStr(w, mod);
      if (hasWildcards(s.s))
        throw new ModifierError('a field reference must not contain wildcards');
      return [
        {
          k: 'final',
          spec: { t: 'fieldref', field: plainText(s.s), sw: false, ew: false, cased: false },
        },
      ];
    }
    case 'all':
    case 'neq':
      return [w];
    default:
      throw new ModifierError(`unknown modifier '${mod}'`);
  }
}

function finalise(w: Work): ValueSpec {
  switch (w.k) {
    case 'final':
      return w.spec;
    case 'str':
      return { t: 'str', s: w.s, cased: w.cased };
    case 'num':
      return { t: 'str', s: [w.text], cased: false, num: w.n };
    case 'bool':
      return { t: 'str', s: [String(w.b)], cased: false, bool: w.b };
    case 'null':
      return { t: 'null' };
    case 're': {
      let src = w.src;
      const flags = new Set(w.flags);
      // Inline flags at the very start, as PCRE and Python allow, become JavaScript flags.
      const inline = /^\(\?([imsx]+)\)/.exec(src);
      if (inline) {
        for (const f of inline[1]!) if (f !== 'x') flags.add(f);
        src = src.slice(inline[0].length);
      }
      try {
        return { t: 're', re: new RegExp(src, [...flags].join('')) };
      } catch (e) {
        throw new ModifierError(`invalid regular expression /${w.src}/: ${(e as Error).message}`);
      }
    }
  }
}

/** Applies an item's modifier chain to its values. Throws ModifierError when they do not fit. */
export function buildItemSpec(item: DetectionItem, placeholders: Placeholders = {}): ItemSpec {
  const warnings: string[] = [];
  const mods = item.modifiers;
  const all = mods.includes('all');
  const neg = mods.includes('neq');
  if (item.field === null) {
    for (const m of mods) {
      if (
        !STRING_MODS.has(m) &&
        m !== 'all' &&
        m !== 're' &&
        !['i', 'm', 's', 'ignorecase', 'multiline', 'dotall'].includes(m)
      ) {
        throw new ModifierError(`modifier '${m}' cannot be used in a keyword search`);
      }
    }
  }
  if (mods.includes('exists') && item.values.length !== 1)
    throw new ModifierError("'exists' takes a single true or false");
  const groups: ValueSpec[][] = [];
  for (const value of item.values) {
    let work: Work[] = [fromScalar(value)];
    let index = 0;
    for (const mod of mods) {
      if (mod === 'all' || mod === 'neq') continue;
      work = work.flatMap((w) => applyModifier(w, mod, index, item, placeholders, warnings));
      index++;
    }
    groups.push(work.map(finalise));
  }
  return { field: item.field, groups, all, neg, warnings };
}

export { QMARK, STAR };

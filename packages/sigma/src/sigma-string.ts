/**
 * Sigma string values: literal text with `*` / `?` wildcards and, under `expand`, `%name%`
 * placeholders. Escapes follow the rules specification: `\*`, `\?` and `\\` are literal; a
 * backslash before anything else stays a backslash.
 */

export const STAR = Object.freeze({ wildcard: '*' as const });
export const QMARK = Object.freeze({ wildcard: '?' as const });
export interface Placeholder {
  placeholder: string;
}
export type Part = string | typeof STAR | typeof QMARK | Placeholder;
export type SigmaString = Part[];

export function parseSigmaString(text: string, placeholders = false): SigmaString {
  const out: Part[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) out.push(lit);
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '*' || n === '?' || n === '\\' || (placeholders && n === '%')) {
        lit += n;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*') {
      flush();
      out.push(STAR);
    } else if (c === '?') {
      flush();
      out.push(QMARK);
    } else if (placeholders && c === '%') {
      const end = text.indexOf('%', i + 1);
      const name = end > i + 1 ? text.slice(i + 1, end) : '';
      if (/^[\w.-]+$/.test(name)) {
        flush();
        out.push({ placeholder: name });
        i = end;
      } else {
        lit += c;
      }
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

export function isPlaceholder(p: Part): p is Placeholder {
  return typeof p === 'object' && 'placeholder' in p;
}

export function hasWildcards(s: SigmaString): boolean {
  return s.some((p) => p === STAR || p === QMARK);
}

export function plainText(s: SigmaString): string {
  return s
    .map((p) => (typeof p === 'string' ? p : isPlaceholder(p) ? `%${p.placeholder}%` : p.wildcard))
    .join('');
}

export function startsWithStar(s: SigmaString): boolean {
  return s[0] === STAR;
}
export function endsWithStar(s: SigmaString): boolean {
  return s[s.length - 1] === STAR;
}

/** Applies `fn` to every literal run, keeping wildcards and placeholders where they are. */
export function mapLiterals(s: SigmaString, fn: (lit: string) => string): SigmaString {
  return s.map((p) => (typeof p === 'string' ? fn(p) : p));
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/**
 * `windash`: a `-` or `/` that starts a word (no word character before it, one after it) may be
 * written with any of the five dash characters; every combination is produced.
 */
export function windashVariants(s: SigmaString): SigmaString[] {
  // Each literal run is split at the switchable positions; the product of choices is expanded.
  type Slot = string | string[];
  const slots: Slot[] = [];
  const tail: Part[][] = [];
  let cur: Part[] = [];
  for (const p of s) {
    if (typeof p !== 'string') {
      cur.push(p);
      continue;
    }
    let last = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c !== '-' && c !== '/') continue;
      const before = i === 0 ? '' : p[i - 1]!;
      const after = p[i + 1] ?? '';
      if (/\w/.test(before) || !/\w/.test(after)) continue;
      if (i > last) cur.push(p.slice(last, i));
      tail.push(cur);
      slots.push(DASHES);
      cur = [];
      last = i + 1;
    }
    if (last < p.length) cur.push(p.slice(last));
  }
  tail.push(cur);
  if (slots.length === 0) return [s];
  let results: Part[][] = [[...tail[0]!]];
  for (let k = 0; k < slots.length; k++) {
    const choices = slots[k] as string[];
    const next: Part[][] = [];
    for (const r of results) for (const ch of choices) next.push([...r, ch, ...tail[k + 1]!]);
    results = next;
  }
  return results.map(normalise);
}

/** Merges adjacent literal runs so matchers see the fewest pieces. */
export function normalise(s: Part[]): SigmaString {
  const out: Part[] = [];
  for (const p of s) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else if (p !== '') out.push(p);
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Builds a test over an already case-folded (or, when cased, raw) string. Anchored at both ends
 * unless `unanchored` (keyword search). Shapes that need no regex use string methods.
 */
export function compileStringTest(s: SigmaString, unanchored = false): (v: string) => boolean {
  let parts = s;
  if (unanchored) {
    parts = normalise([STAR, ...parts, STAR]);
    if (parts.length > 1 && parts[0] === STAR && parts[1] === STAR) parts = parts.slice(1);
  }
  // collapse runs of `*`
  const compact: Part[] = [];
  for (const p of parts) if (!(p === STAR && compact[compact.length - 1] === STAR)) compact.push(p);
  parts = compact;
  if (parts.some((p) => p === QMARK)) {
    const body = parts
      .map((p) =>
        typeof p === 'string'
          ? escapeRegex(p)
          : p === STAR
            ? '[\\s\\S]*'
            : p === QMARK
              ? '[\\s\\S]'
              : '',
      )
      .join('');
    const re = new RegExp(`^${body}$`);
    return (v) => re.test(v);
  }
  if (parts.length === 0) return (v) => v === '';
  if (parts.length === 1) {
    const p = parts[0]!;
    if (p === STAR) return () => true;
    const lit = p as string;
    return (v) => v === lit;
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (parts.length === 2) {
    if (first === STAR) {
      const lit = last as string;
      return (v) => v.endsWith(lit);
    }
    const lit = first as string;
    return (v) => v.startsWith(lit);
  }
  if (parts.length === 3 && first === STAR && last === STAR) {
    const lit = parts[1] as string;
    return (v) => v.includes(lit);
  }
  const prefix = first === STAR ? '' : (first as string);
  const suffix = last === STAR ? '' : (last as string);
  const middle = parts.filter(
    (p, i) => typeof p === 'string' && !(i === 0 && prefix) && !(i === parts.length - 1 && suffix),
  ) as string[];
  const minLen = prefix.length + suffix.length;
  return (v) => {
    if (v.length < minLen || !v.startsWith(prefix) || !v.endsWith(suffix)) return false;
    let pos = prefix.length;
    const end = v.length - suffix.length;
    for (const m of middle) {
      const at = v.indexOf(m, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}

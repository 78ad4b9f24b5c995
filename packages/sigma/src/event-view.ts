/**
 * Per-event field access with a cache: every distinct field path is resolved at most once per
 * event however many rules read it, and its lower-cased string form is computed once too.
 */

export type Resolver = (root: Record<string, unknown>) => unknown;

const MAX_DEPTH = 16;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ "#text": …, "#attributes": … }` (evtx_dump) stands for its text. */
export function unwrap(v: unknown): unknown {
  if (isRecord(v) && '#text' in v) return v['#text'];
  return v;
}

const strippedKeys = new WeakMap<object, Map<string, string>>();

/** Windows event detail names may hold spaces (`Threat Name`); rules write them without. */
function strippedLookup(obj: Record<string, unknown>, key: string): unknown {
  let m = strippedKeys.get(obj);
  if (!m) {
    m = new Map();
    for (const k in obj) if (k.includes(' ')) m.set(k.replaceAll(' ', ''), k);
    strippedKeys.set(obj, m);
  }
  const real = m.get(key);
  return real === undefined ? undefined : obj[real];
}

const dotted = new WeakMap<object, boolean>();

function hasDottedKeys(obj: Record<string, unknown>): boolean {
  let d = dotted.get(obj);
  if (d === undefined) {
    d = false;
    for (const k in obj) {
      if (k.includes('.')) {
        d = true;
        break;
      }
    }
    dotted.set(obj, d);
  }
  return d;
}

function walk(obj: unknown, segs: string[], from: number, depth: number, loose = false): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (from === segs.length) return obj;
  if (!isRecord(obj)) return undefined;
  const seg = segs[from]!;
  if (seg === '*') {
    for (const k in obj) {
      const found = walk(obj[k], segs, from + 1, depth + 1, loose);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(obj, seg)) {
    const found = walk(obj[seg], segs, from + 1, depth + 1, loose);
    if (found !== undefined) return found;
  }
  // keys holding dots (`{ source: { 'geo.country': … } }`), longest first; most objects have none
  if (from < segs.length - 1 && hasDottedKeys(obj)) {
    for (let to = segs.length; to > from + 1; to--) {
      const key = segs.slice(from, to).join('.');
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const found = walk(obj[key], segs, to, depth + 1, loose);
      if (found !== undefined) return found;
    }
  }
  if (loose && from === segs.length - 1) return strippedLookup(obj, seg);
  return undefined;
}

/** Resolver for one dotted path: exact key first, then nested objects (keys may hold dots). */
export function pathResolver(path: string, loose = false): Resolver {
  if (!loose && !path.includes('.') && !path.includes('*')) {
    return (root) =>
      Object.prototype.hasOwnProperty.call(root, path) ? unwrap(root[path]) : undefined;
  }
  const segs = path.split('.');
  const simple = !segs.includes('*');
  const last = segs.length - 1;
  return (root) => {
    if (Object.prototype.hasOwnProperty.call(root, path)) return unwrap(root[path]);
    if (simple) {
      // the common case: plain nesting, one property read per segment
      let o: unknown = root;
      for (let i = 0; i < last && isRecord(o); i++) o = o[segs[i]!];
      if (isRecord(o)) {
        // reached the parent: the field is there or nowhere (dotted keys only matter higher up)
        const key = segs[last]!;
        if (Object.prototype.hasOwnProperty.call(o, key)) return unwrap(o[key]);
        return loose ? unwrap(strippedLookup(o, key)) : undefined;
      }
    }
    return unwrap(walk(root, segs, 0, 0, loose));
  };
}

/** First candidate path that holds a value wins. */
export function firstOf(resolvers: Resolver[]): Resolver {
  if (resolvers.length === 1) return resolvers[0]!;
  return (root) => {
    for (const r of resolvers) {
      const v = r(root);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export function scalarString(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return undefined;
  }
}

export class EventView {
  root: Record<string, unknown> = {};
  /** text outside `root` that keyword searches also see (a ParsedEvent's message) */
  message: string | undefined;
  private gen = 1;
  private stamp = new Int32Array(64);
  private lstamp = new Int32Array(64);
  private vals: unknown[] = [];
  private lowers: (string | undefined)[] = [];
  private kwStamp = 0;
  private kwLower: string | undefined;
  private kwLeaves: string[] = [];

  constructor(private readonly resolvers: Resolver[]) {}

  reset(root: Record<string, unknown>, message?: string): void {
    this.root = root;
    this.message = message;
    this.gen++;
    if (this.gen > 0x3fffffff) {
      this.gen = 1;
      this.stamp.fill(0);
      this.lstamp.fill(0);
    }
    if (this.stamp.length < this.resolvers.length) {
      const n = Math.max(this.resolvers.length, this.stamp.length * 2);
      this.stamp = new Int32Array(n);
      this.lstamp = new Int32Array(n);
    }
  }

  value(slot: number): unknown {
    if (this.stamp[slot] === this.gen) return this.vals[slot];
    let v: unknown;
    try {
      v = this.resolvers[slot]!(this.root);
    } catch {
      v = undefined;
    }
    this.vals[slot] = v;
    this.stamp[slot] = this.gen;
    return v;
  }

  /** Lower-cased string form of a scalar field; undefined for missing, null, objects, arrays. */
  lower(slot: number): string | undefined {
    if (this.lstamp[slot] === this.gen) return this.lowers[slot];
    const s = scalarString(this.value(slot));
    const l = s === undefined ? undefined : s.toLowerCase();
    this.lowers[slot] = l;
    this.lstamp[slot] = this.gen;
    return l;
  }

  private collectKeywords(): void {
    if (this.kwStamp === this.gen) return;
    const leaves: string[] = [];
    if (this.message !== undefined) leaves.push(this.message);
    const visit = (v: unknown, depth: number): void => {
      if (depth > MAX_DEPTH || leaves.length > 10_000) return;
      const s = scalarString(v);
      if (s !== undefined) leaves.push(s);
      else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
      else if (isRecord(v)) for (const k in v) visit(v[k], depth + 1);
    };
    visit(this.root, 0);
    this.kwLeaves = leaves;
    this.kwLower = undefined;
    this.kwStamp = this.gen;
  }

  /** Every scalar value of the event, for keyword searches. */
  keywordLeaves(): string[] {
    this.collectKeywords();
    return this.kwLeaves;
  }

  /** All scalar values joined by newlines and lower-cased, for plain keyword `contains`. */
  keywordText(): string {
    this.collectKeywords();
    this.kwLower ??= this.kwLeaves.join('\n').toLowerCase();
    return this.kwLower;
  }
}

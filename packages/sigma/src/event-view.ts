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

/**
 * Facts about the containers of the event being evaluated (does an object hold keys with spaces,
 * or with dots), remembered for the few objects a lookup visits and forgotten at the next event:
 * cheaper than a WeakMap, allocates nothing for the usual objects that have no such keys, and
 * never outlives a change to the event.
 */
let epoch = 1;
const CACHE = 4;
const cacheObj: (object | undefined)[] = new Array<object | undefined>(CACHE).fill(undefined);
const cacheEpoch = new Int32Array(CACHE);
/** null: no key with a space; otherwise stripped key → real key */
const cacheStripped: (Map<string, string> | null | undefined)[] = new Array<
  Map<string, string> | null | undefined
>(CACHE).fill(undefined);
/** 0 unknown, 1 no dotted key, 2 some */
const cacheDotted = new Int8Array(CACHE);
let cacheNext = 0;

/** Forgets what was learnt about the previous event's objects. */
export function newEventEpoch(): void {
  epoch = epoch >= 0x3fffffff ? 1 : epoch + 1;
  if (epoch === 1) cacheEpoch.fill(0);
}

function cacheSlot(obj: object): number {
  for (let i = 0; i < CACHE; i++) if (cacheObj[i] === obj && cacheEpoch[i] === epoch) return i;
  const i = cacheNext;
  cacheNext = (cacheNext + 1) % CACHE;
  cacheObj[i] = obj;
  cacheEpoch[i] = epoch;
  cacheStripped[i] = undefined;
  cacheDotted[i] = 0;
  return i;
}

/** Windows event detail names may hold spaces (`Threat Name`); rules write them without. */
function strippedLookup(obj: Record<string, unknown>, key: string): unknown {
  const i = cacheSlot(obj);
  let m = cacheStripped[i];
  if (m === undefined) {
    m = null;
    for (const k in obj) {
      if (!k.includes(' ')) continue;
      m ??= new Map();
      m.set(k.replaceAll(' ', ''), k);
    }
    cacheStripped[i] = m;
  }
  if (m === null) return undefined;
  const real = m.get(key);
  return real === undefined ? undefined : obj[real];
}

function hasDottedKeys(obj: Record<string, unknown>): boolean {
  const i = cacheSlot(obj);
  let d = cacheDotted[i]!;
  if (d === 0) {
    d = 1;
    for (const k in obj) {
      if (k.includes('.')) {
        d = 2;
        break;
      }
    }
    cacheDotted[i] = d;
  }
  return d === 2;
}

/** `joined[from][to]` is `segs.slice(from, to).join('.')`, built once per path. */
type Joined = string[][];

function joinedKeys(segs: string[]): Joined {
  const out: Joined = [];
  for (let from = 0; from < segs.length; from++) {
    const row: string[] = [];
    for (let to = 0; to <= segs.length; to++) row.push(segs.slice(from, to).join('.'));
    out.push(row);
  }
  return out;
}

function walk(
  obj: unknown,
  segs: string[],
  joined: Joined,
  from: number,
  depth: number,
  loose: boolean,
): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (from === segs.length) return obj;
  if (!isRecord(obj)) return undefined;
  const seg = segs[from]!;
  if (seg === '*') {
    for (const k in obj) {
      const found = walk(obj[k], segs, joined, from + 1, depth + 1, loose);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(obj, seg)) {
    const found = walk(obj[seg], segs, joined, from + 1, depth + 1, loose);
    if (found !== undefined) return found;
  }
  // keys holding dots (`{ source: { 'geo.country': … } }`), longest first; most objects have none
  if (from < segs.length - 1 && hasDottedKeys(obj)) {
    for (let to = segs.length; to > from + 1; to--) {
      const key = joined[from]![to]!;
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const found = walk(obj[key], segs, joined, to, depth + 1, loose);
      if (found !== undefined) return found;
    }
  }
  if (loose && from === segs.length - 1) return strippedLookup(obj, seg);
  return undefined;
}

/**
 * What a path's leading segments lead to in the current event, shared by the resolvers of every
 * field below them (`Event.EventData` for all of a Windows event's fields), so it is looked up
 * once per event instead of once per field — with what the fields' lookups need to know about
 * it, learnt at most once per event.
 */
interface Lead {
  epoch: number;
  root: object | undefined;
  /** simple paths: the parent reached by plain nesting; `*` paths: own segments before `*` */
  value: unknown;
  /** simple paths: the parent's keys with spaces, stripped (null: none; undefined: not yet) */
  stripped: Map<string, string> | null | undefined;
  /** `*` paths stopped short: does an object on the way hold dotted keys (undefined: not yet) */
  dottedOnWay: boolean | undefined;
}
const leads = new Map<string, Lead>();
const MAX_LEADS = 4096;

function sharedLead(key: string): Lead {
  let m = leads.get(key);
  if (!m) {
    m = {
      epoch: 0,
      root: undefined,
      value: undefined,
      stripped: undefined,
      dottedOnWay: undefined,
    };
    if (leads.size < MAX_LEADS) leads.set(key, m);
  }
  return m;
}

/** Plain nesting: `root[segs[0]]…[segs[n-1]]`, stopping at the first non-object. */
function nested(root: Record<string, unknown>, segs: string[], n: number): unknown {
  let o: unknown = root;
  for (let i = 0; i < n && isRecord(o); i++) o = o[segs[i]!];
  return o;
}

/** How many leading segments are own keys of nested objects (stops before `n`). */
function ownDepth(root: Record<string, unknown>, segs: string[], n: number): number {
  let o: unknown = root;
  let i = 0;
  while (i < n && isRecord(o) && Object.prototype.hasOwnProperty.call(o, segs[i]!)) {
    o = o[segs[i]!];
    i++;
  }
  return i;
}

function strippedKeys(obj: Record<string, unknown>): Map<string, string> | null {
  let m: Map<string, string> | null = null;
  for (const k in obj) {
    if (!k.includes(' ')) continue;
    m ??= new Map();
    m.set(k.replaceAll(' ', ''), k);
  }
  return m;
}

/** Does an object on the way along `segs[0 … i]` hold keys with dots? */
function dottedOnWay(root: Record<string, unknown>, segs: string[], i: number): boolean {
  let p: unknown = root;
  for (let j = 0; j <= i && isRecord(p); j++) {
    if (hasDottedKeys(p)) return true;
    p = p[segs[j]!];
  }
  return false;
}

/** The root of the current event and whether it holds dotted keys, learnt once per event. */
let rootEpoch = 0;
let rootObj: object | undefined;
let rootDotted = false;

function rootHasDottedKeys(root: Record<string, unknown>): boolean {
  if (rootEpoch !== epoch || rootObj !== root) {
    rootEpoch = epoch;
    rootObj = root;
    rootDotted = hasDottedKeys(root);
  }
  return rootDotted;
}

/**
 * Resolver for one dotted path: exact key first, then nested objects (keys may hold dots).
 * `perEvent`: the resolver is only called through an EventView, which starts a new event on
 * `reset`, so what the path's leading segments lead to is shared with other resolvers until
 * then; other resolvers learn it on every call.
 */
export function pathResolver(path: string, loose = false, perEvent = false): Resolver {
  if (!loose && !path.includes('.') && !path.includes('*')) {
    return (root) =>
      Object.prototype.hasOwnProperty.call(root, path) ? unwrap(root[path]) : undefined;
  }
  const segs = path.split('.');
  const joined = joinedKeys(segs);
  const star = segs.indexOf('*');
  const last = segs.length - 1;
  const dotted = segs.length > 1;
  const head = star < 0 ? last : star;
  const shared = perEvent
    ? sharedLead(`${star < 0 ? 'n' : 'o'}\u0000${segs.slice(0, head).join('\u0000')}`)
    : undefined;
  const own: Lead = {
    epoch: 0,
    root: undefined,
    value: undefined,
    stripped: undefined,
    dottedOnWay: undefined,
  };
  return (root) => {
    // a key holding the whole dotted path: only an object with dotted keys can have one
    if (
      (!dotted || (perEvent ? rootHasDottedKeys(root) : hasDottedKeys(root))) &&
      Object.prototype.hasOwnProperty.call(root, path)
    )
      return unwrap(root[path]);
    const lead = shared ?? own;
    if (lead.epoch !== epoch || lead.root !== root || !perEvent) {
      lead.epoch = epoch;
      lead.root = root;
      lead.value = star < 0 ? nested(root, segs, last) : ownDepth(root, segs, star);
      lead.stripped = undefined;
      lead.dottedOnWay = undefined;
    }
    if (star < 0) {
      // the common case: plain nesting; reached the parent, the field is there or nowhere
      // (dotted keys only matter higher up)
      const parent = lead.value;
      if (isRecord(parent)) {
        const key = segs[last]!;
        if (Object.prototype.hasOwnProperty.call(parent, key)) return unwrap(parent[key]);
        if (!loose) return undefined;
        if (lead.stripped === undefined) lead.stripped = strippedKeys(parent);
        const real = lead.stripped?.get(key);
        return real === undefined ? undefined : unwrap(parent[real]);
      }
    } else {
      // `Event.UserData.*.Field`: where a segment before `*` is missing, only keys holding dots
      // on the way there could still lead on (as `walk` would find)
      const i = lead.value as number;
      if (i < star) {
        lead.dottedOnWay ??= dottedOnWay(root, segs, i);
        return lead.dottedOnWay ? unwrap(walk(root, segs, joined, 0, 0, loose)) : undefined;
      }
    }
    return unwrap(walk(root, segs, joined, 0, 0, loose));
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

const MAX_LEAVES = 10_000;

/** Where collectLeaves writes: `leaves[0 … n)`. */
interface LeafSink {
  leaves: string[];
  n: number;
}
const KEYWORD_SINK: LeafSink = { leaves: [], n: 0 };

function collectLeaves(v: unknown, depth: number, sink: LeafSink): void {
  if (depth > MAX_DEPTH || sink.n > MAX_LEAVES) return;
  switch (typeof v) {
    case 'string':
      sink.leaves[sink.n++] = v;
      return;
    case 'number':
    case 'boolean':
    case 'bigint':
      sink.leaves[sink.n++] = String(v);
      return;
    case 'object':
      if (v === null) return;
      if (Array.isArray(v)) for (const x of v as unknown[]) collectLeaves(x, depth + 1, sink);
      else for (const k in v) collectLeaves((v as Record<string, unknown>)[k], depth + 1, sink);
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
  /** the event's scalar values, `kwLeaves[0 … kwCount)`; the array is reused from event to event */
  private kwLeaves: string[] = [];
  private kwCount = 0;

  constructor(private readonly resolvers: Resolver[]) {}

  reset(root: Record<string, unknown>, message?: string): void {
    this.root = root;
    this.message = message;
    newEventEpoch();
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
    const before = this.kwCount;
    const sink = KEYWORD_SINK;
    sink.leaves = this.kwLeaves;
    sink.n = 0;
    if (this.message !== undefined) sink.leaves[sink.n++] = this.message;
    collectLeaves(this.root, 0, sink);
    const n = sink.n;
    sink.leaves = [];
    // forget the previous event's longer tail rather than keep its strings alive
    for (let i = n; i < before; i++) this.kwLeaves[i] = '';
    this.kwCount = n;
    this.kwLower = undefined;
    this.kwStamp = this.gen;
  }

  /** Number of scalar values of the event, for keyword searches: `keywordLeaf(0 … n-1)`. */
  keywordCount(): number {
    this.collectKeywords();
    return this.kwCount;
  }

  /** One scalar value of the event (after `keywordCount()`), as text. */
  keywordLeaf(i: number): string {
    return this.kwLeaves[i]!;
  }

  /** All scalar values joined by newlines and lower-cased, for plain keyword `contains`. */
  keywordText(): string {
    this.collectKeywords();
    this.kwLower ??= this.kwLeaves.slice(0, this.kwCount).join('\n').toLowerCase();
    return this.kwLower;
  }
}

import { systemClock, type Clock } from '@prahari/core';

import {
  OrderedAggregator,
  compareEntries,
  conditionHolds,
  createAggregator,
  type Aggregator,
  type Entry,
} from './aggregate.js';
import { pathResolver, type Resolver } from '../event-view.js';
import type {
  CorrelationEvidence,
  CorrelationParseError,
  CorrelationReference,
  CorrelationResult,
  CorrelationRule,
  CorrelationRuleRef,
  CorrelationStats,
} from './types.js';

export interface CorrelationEngineOptions {
  /** wall clock; only used to refuse event times too far in the future as watermark (default: system clock) */
  clock?: Clock;
  /** how far behind the watermark an event may arrive and still count (default 60 s) */
  allowedLatenessMs?: number;
  /** live groups across all correlation rules; the stalest is evicted beyond it (default 100,000) */
  maxGroups?: number;
  /** entries kept per group; the oldest are dropped beyond it (default 10,000) */
  maxEventsPerGroup?: number;
  /**
   * events held across all groups, counting window entries and evidence
   * (default 500,000); beyond it the stalest groups are evicted. Evidence holds
   * events by reference, so memory is about this × the size of an event.
   */
  maxStateEvents?: number;
  /** events kept as evidence per group and per result (default 100) */
  maxEvidence?: number;
  /**
   * event times beyond clock + this move the watermark no further (default: half the lateness).
   * Kept under the lateness, so that an event dated by a correct clock is never too late behind
   * a watermark that a fast clock, or a local time read as UTC, pushed to this limit.
   */
  maxFutureMs?: number;
  /** also return results of correlations that only feed another correlation (default false) */
  emitIntermediate?: boolean;
}

interface EvidenceItem extends CorrelationEvidence {
  seq: number;
}

interface Group {
  key: string;
  values: Record<string, unknown>;
  /** sorted by compareEntries; entries[head..] are live */
  entries: Entry[];
  head: number;
  /** the aggregator holds entries[lo..last stepped] */
  lo: number;
  agg: Aggregator;
  maxT: number;
  /** periods (window end ÷ timespan, floored) that already produced a result; a few recent ones */
  fired: number[];
  /** ring buffer of the most recent contributing events */
  evidence: EvidenceItem[];
  evidenceNext: number;
  lastEvidenceSeq: number;
  /** temporal_ordered: entries since the last chain-state checkpoint */
  sinceCheckpoint: number;
}

const CHECKPOINT = 32;

interface Target {
  c: Compiled;
  positions: number[];
}

interface Compiled {
  rule: CorrelationRule;
  /** insertion order is update order: the first group is the stalest */
  groups: Map<string, Group>;
  lastTouched: Group | undefined;
  /** per group-by entry, how to read its field for each position in `rules` (aliases differ per rule) */
  groupFields: { name: string; byPos: Resolver[] }[];
  /** value_* types: how to read the aggregated field(s), per position */
  valueFields: Resolver[][] | undefined;
  parents: Target[];
  intermediate: boolean;
  ref: CorrelationRuleRef;
}

/**
 * Problems that span rules: a correlation id or name used twice, correlations
 * referencing each other in a cycle, and — when `known` lists the loaded base
 * rules — references that resolve to nothing. The engine refuses the first two.
 */
export function checkCorrelationReferences(
  rules: CorrelationRule[],
  known?: CorrelationRuleRef[],
): CorrelationParseError[] {
  const errors: CorrelationParseError[] = [];
  const at = (r: CorrelationRule, path: string, message: string): void => {
    errors.push(
      r.origin.line === undefined ? { path, message } : { path, message, line: r.origin.line },
    );
  };
  const byRef = new Map<string, CorrelationRule>();
  for (const r of rules) {
    for (const [key, value] of [
      ['id', r.id],
      ['name', r.name],
    ] as const) {
      if (value === undefined) continue;
      const other = byRef.get(value);
      if (other !== undefined && other !== r) {
        at(r, key, `correlation ${key} '${value}' is also used by correlation '${other.title}'`);
      } else {
        byRef.set(value, r);
      }
    }
  }
  const knownRefs = new Set<string>();
  for (const k of known ?? []) {
    if (k.id !== undefined) knownRefs.add(k.id);
    if (k.name !== undefined) knownRefs.add(k.name);
  }
  if (known !== undefined) {
    for (const r of rules) {
      r.rules.forEach((ref, i) => {
        if (!byRef.has(ref) && !knownRefs.has(ref)) {
          at(
            r,
            `correlation.rules.${i}`,
            `rule '${ref}' is neither a loaded rule's id or name nor a correlation's`,
          );
        }
      });
    }
  }
  // Depth-first search; a grey node reached again closes a cycle.
  const state = new Map<CorrelationRule, 'grey' | 'black'>();
  const visit = (r: CorrelationRule, path: CorrelationRule[]): void => {
    state.set(r, 'grey');
    for (const ref of r.rules) {
      const child = byRef.get(ref);
      if (child === undefined) continue;
      const s = state.get(child);
      if (s === 'grey') {
        const cycle = [...path.slice(path.indexOf(child)), r, child].map(
          (x) => x.name ?? x.id ?? x.title,
        );
        at(
          r,
          'correlation.rules',
          `correlation rules reference each other in a cycle: ${cycle.join(' → ')}`,
        );
      } else if (s === undefined) {
        visit(child, [...path, r]);
      }
    }
    state.set(r, 'black');
  };
  for (const r of rules) if (!state.has(r)) visit(r, []);
  return errors;
}

function keyPart(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  // A number and its string form ("4625" / 4625) must land in the same group.
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // Cyclic or BigInt-holding values cannot key a group; treat them as missing rather than throw mid-update.
    return undefined;
  }
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Last index in entries[from, to) whose time is < t, plus one. */
function firstAtOrAfter(entries: Entry[], from: number, to: number, t: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Streaming evaluation of Sigma correlation rules over event time.
 * Semantics (windows, lateness, re-arm, chaining, bounds) are described in
 * CONTRACT.md beside this file.
 */
export class CorrelationEngine {
  readonly #compiled: Compiled[];
  readonly #byRef = new Map<string, Target[]>();
  /** targets of rules found both by id and by name, merged once */
  readonly #merged = new Map<string, Target[]>();
  readonly #clock: Clock;
  readonly #lateness: number;
  readonly #maxGroups: number;
  readonly #maxEntries: number;
  readonly #maxState: number;
  /** window entries plus evidence items held by all groups */
  #held = 0;
  readonly #maxEvidence: number;
  readonly #maxFuture: number;
  readonly #emitIntermediate: boolean;
  #watermark = Number.NEGATIVE_INFINITY;
  /** clock + maxFuture, refreshed only when an event passes it, so the clock is not read per event */
  #futureLimit = Number.NEGATIVE_INFINITY;
  #seq = 0;
  #groups = 0;
  #evictions = 0;
  #tooLate = 0;
  #expired = 0;
  #missingField = 0;
  #droppedEvents = 0;
  #future = 0;
  #invalidTime = 0;

  constructor(rules: CorrelationRule[], options: CorrelationEngineOptions = {}) {
    const problems = checkCorrelationReferences(rules);
    if (problems.length > 0) {
      throw new Error(`invalid correlation rules: ${problems.map((p) => p.message).join('; ')}`);
    }
    this.#clock = options.clock ?? systemClock;
    this.#lateness = Math.max(0, options.allowedLatenessMs ?? 60_000);
    this.#maxGroups = Math.max(1, options.maxGroups ?? 100_000);
    this.#maxEntries = Math.max(1, options.maxEventsPerGroup ?? 10_000);
    this.#maxState = Math.max(1, options.maxStateEvents ?? 500_000);
    this.#maxEvidence = Math.max(0, options.maxEvidence ?? 100);
    this.#maxFuture = Math.max(0, options.maxFutureMs ?? this.#lateness / 2);
    this.#emitIntermediate = options.emitIntermediate ?? false;

    this.#compiled = rules.map((rule) => {
      // The package's one field lookup (exact dotted key, then nested path, evtx `#text`), so
      // correlations read fields exactly as detection does.
      const fieldFor = (name: string, pos: number): Resolver =>
        pathResolver(rule.aliases[name]?.[rule.rules[pos]!] ?? name);
      const positions = rule.rules.map((_, pos) => pos);
      return {
        rule,
        groups: new Map(),
        lastTouched: undefined,
        groupFields: rule.groupBy.map((name) => ({
          name,
          byPos: positions.map((p) => fieldFor(name, p)),
        })),
        valueFields:
          rule.condition.field === undefined
            ? undefined
            : positions.map((p) => rule.condition.field!.map((f) => fieldFor(f, p))),
        parents: [],
        intermediate: false,
        ref: { id: rule.id, name: rule.name, title: rule.title },
      };
    });

    for (const c of this.#compiled) {
      c.rule.rules.forEach((ref, pos) => this.#addTarget(ref, c, pos));
    }
    const byIdOrName = new Map<string, Compiled>();
    for (const c of this.#compiled) {
      if (c.rule.id !== undefined) byIdOrName.set(c.rule.id, c);
      if (c.rule.name !== undefined) byIdOrName.set(c.rule.name, c);
    }
    for (const c of this.#compiled) {
      c.rule.rules.forEach((ref, pos) => {
        const child = byIdOrName.get(ref);
        if (child === undefined) return;
        const existing = child.parents.find((t) => t.c === c);
        if (existing) existing.positions.push(pos);
        else child.parents.push({ c, positions: [pos] });
        if (!c.rule.generate) child.intermediate = true;
      });
    }
    for (const targets of this.#byRef.values())
      for (const t of targets) t.positions.sort((a, b) => b - a);
    for (const c of this.#compiled) for (const t of c.parents) t.positions.sort((a, b) => b - a);
  }

  #addTarget(ref: string, c: Compiled, pos: number): void {
    let targets = this.#byRef.get(ref);
    if (targets === undefined) {
      targets = [];
      this.#byRef.set(ref, targets);
    }
    const existing = targets.find((t) => t.c === c);
    if (existing) existing.positions.push(pos);
    else targets.push({ c, positions: [pos] });
  }

  /** Every reference made by the loaded correlations, with whether the referenced rule keeps its own output. */
  references(): CorrelationReference[] {
    const out: CorrelationReference[] = [];
    for (const [ref, targets] of this.#byRef) {
      out.push({
        ref,
        referencedBy: targets.map((t) => t.c.rule.id ?? t.c.rule.title),
        isCorrelation: this.#compiled.some((c) => c.rule.id === ref || c.rule.name === ref),
        generate: targets.every((t) => t.c.rule.generate),
      });
    }
    return out;
  }

  /** True when some correlation references this rule (by id or name). */
  isReferenced(ref: CorrelationRuleRef): boolean {
    return this.#targets(ref).length > 0;
  }

  /**
   * True when the rule's own matches should not become alerts: a correlation
   * references it with `generate: false` (pySigma's reading: one such
   * correlation is enough).
   */
  isOutputSuppressed(ref: CorrelationRuleRef): boolean {
    return this.#targets(ref).some((t) => !t.c.rule.generate);
  }

  #targets(ref: CorrelationRuleRef): Target[] {
    const byId = ref.id === undefined ? undefined : this.#byRef.get(ref.id);
    const byName = ref.name === undefined ? undefined : this.#byRef.get(ref.name);
    if (byName === undefined || byName === byId) return byId ?? [];
    if (byId === undefined) return byName;
    const cacheKey = `${ref.id}\u0000${ref.name}`;
    const cached = this.#merged.get(cacheKey);
    if (cached !== undefined) return cached;
    // A correlation may list the same rule by id and by name; merge so the event counts once per position.
    const merged = byId.map((t) => ({ c: t.c, positions: [...t.positions] }));
    for (const t of byName) {
      const m = merged.find((x) => x.c === t.c);
      if (m === undefined) merged.push({ c: t.c, positions: [...t.positions] });
      else for (const p of t.positions) if (!m.positions.includes(p)) m.positions.push(p);
    }
    for (const m of merged) m.positions.sort((a, b) => b - a);
    // Only pairs that both resolve are cached, so the cache is bounded by the referenced rules.
    this.#merged.set(cacheKey, merged);
    return merged;
  }

  /**
   * Feed one base-rule match. Returns the correlation results it completes,
   * including those of correlations chained on top of them.
   *
   * An event without a time of its own (`undefined`) is placed at the
   * watermark — the latest event time seen — or at the clock before any: the
   * wall clock would make every event of a replayed file too late.
   */
  onMatch(
    ref: CorrelationRuleRef,
    event: Record<string, unknown>,
    eventTimeMs: number | undefined,
  ): CorrelationResult[] {
    const targets = this.#targets(ref);
    if (targets.length === 0) return [];
    if (eventTimeMs === undefined) {
      eventTimeMs = Number.isFinite(this.#watermark)
        ? this.#watermark
        : this.#clock.now().getTime();
    }
    if (!Number.isFinite(eventTimeMs)) {
      this.#invalidTime++;
      return [];
    }
    if (eventTimeMs < this.#watermark - this.#lateness) {
      this.#tooLate++;
      return [];
    }
    this.#advance(eventTimeMs);
    const out: CorrelationResult[] = [];
    const seq = ++this.#seq;
    for (const t of targets) this.#feed(t, ref, event, eventTimeMs, seq, out);
    // After the feeds, so no group is evicted while it is being updated.
    while (this.#held > this.#maxState && this.#groups > 1) this.#evictOldest();
    return this.#emitIntermediate ? out : out.filter((r) => !r.intermediate);
  }

  #advance(t: number): void {
    if (t <= this.#watermark) return;
    if (t > this.#futureLimit) {
      this.#futureLimit = this.#clock.now().getTime() + this.#maxFuture;
      if (t > this.#futureLimit) {
        this.#future++;
        t = this.#futureLimit;
        if (t <= this.#watermark) return;
      }
    }
    this.#watermark = t;
  }

  #feed(
    target: Target,
    ref: CorrelationRuleRef,
    event: Record<string, unknown>,
    t: number,
    seq: number,
    out: CorrelationResult[],
  ): void {
    const c = target.c;
    this.#sweep(c);
    const fired: CorrelationResult[] = [];
    // Only temporal types count a rule per position; elsewhere an event listed
    // twice (by id and by name) is still one event.
    const temporal = c.rule.type === 'temporal' || c.rule.type === 'temporal_ordered';
    const positions = temporal ? target.positions : target.positions.slice(-1);
    for (const pos of positions) {
      const raw: unknown[] = [];
      const parts: string[] = [];
      let missing = false;
      for (const gf of c.groupFields) {
        const v = gf.byPos[pos]!(event);
        const part = keyPart(v);
        if (part === undefined) {
          missing = true;
          break;
        }
        raw.push(v);
        parts.push(part);
      }
      let v: number | string = 0;
      if (!missing && c.valueFields !== undefined) {
        const fields = c.valueFields[pos]!;
        if (c.rule.type === 'value_count') {
          const distinct = fields.map((f) => keyPart(f(event)));
          if (distinct.some((d) => d === undefined)) missing = true;
          else v = distinct.length === 1 ? distinct[0]! : JSON.stringify(distinct);
        } else {
          const n = toNumber(fields[0]!(event));
          if (n === undefined) missing = true;
          else v = n;
        }
      }
      if (missing) {
        this.#missingField++;
        continue;
      }
      const key = parts.length === 1 ? parts[0]! : JSON.stringify(parts);
      const g = this.#group(c, key, raw);
      this.#insert(
        c,
        g,
        { t, seq, pos, v, dp: undefined },
        { eventTimeMs: t, rule: ref, event, seq },
        fired,
      );
      this.#touch(c, g);
    }
    for (const r of fired) {
      out.push(r);
      if (c.parents.length === 0) continue;
      const chained: Record<string, unknown> = { ...r.group, sigma_correlation: r };
      // A fresh sequence number: the result comes after the event that completed it.
      const chainedSeq = ++this.#seq;
      for (const p of c.parents) this.#feed(p, c.ref, chained, r.windowEndMs, chainedSeq, out);
    }
  }

  #group(c: Compiled, key: string, raw: unknown[]): Group {
    const existing = c.groups.get(key);
    if (existing !== undefined) return existing;
    // fromEntries makes own properties even of names like `__proto__`.
    const values = Object.fromEntries(c.groupFields.map((gf, i) => [gf.name, raw[i]]));
    if (this.#groups >= this.#maxGroups) this.#evictOldest();
    const g: Group = {
      key,
      values,
      entries: [],
      head: 0,
      lo: 0,
      agg: createAggregator(c.rule),
      maxT: Number.NEGATIVE_INFINITY,
      fired: [],
      evidence: [],
      evidenceNext: 0,
      lastEvidenceSeq: 0,
      sinceCheckpoint: 0,
    };
    c.groups.set(key, g);
    c.lastTouched = g;
    this.#groups++;
    return g;
  }

  #touch(c: Compiled, g: Group): void {
    if (c.lastTouched === g) return;
    c.groups.delete(g.key);
    c.groups.set(g.key, g);
    c.lastTouched = g;
  }

  /** Each rule's map is in update order, so the global stalest group is one of the heads. */
  #evictOldest(): void {
    let victim: Compiled | undefined;
    let victimT = Number.POSITIVE_INFINITY;
    for (const c of this.#compiled) {
      const head = c.groups.values().next();
      if (head.done !== true && head.value.maxT < victimT) {
        victim = c;
        victimT = head.value.maxT;
      }
    }
    if (victim === undefined) return;
    const key = victim.groups.keys().next().value!;
    this.#drop(victim, key);
    this.#evictions++;
  }

  #drop(c: Compiled, key: string): void {
    const g = c.groups.get(key);
    if (g === undefined) return;
    c.groups.delete(key);
    if (c.lastTouched === g) c.lastTouched = undefined;
    this.#groups--;
    this.#held -= g.entries.length - g.head + g.evidence.length;
  }

  /**
   * Drops stale groups from the head of the rule's update-ordered map, stopping
   * at the first live one: amortised O(1) per event. Update order is nearly
   * event-time order (it differs by at most the lateness), so a stale group
   * behind a live head waits a little longer and is dropped by expire().
   */
  #sweep(c: Compiled): void {
    const cutoff = this.#watermark - c.rule.timespanMs - this.#lateness;
    for (const [key, g] of c.groups) {
      if (g.maxT >= cutoff) return;
      this.#drop(c, key);
      this.#expired++;
    }
  }

  /**
   * Drops every group with nothing inside the window of a future event, taking
   * `nowMs` (event time; in live operation the wall clock) or else the
   * watermark as the present. Does not move the watermark.
   */
  expire(nowMs?: number): void {
    const now = nowMs ?? this.#watermark;
    for (const c of this.#compiled) {
      const cutoff = now - c.rule.timespanMs - this.#lateness;
      for (const [key, g] of c.groups) {
        if (g.maxT < cutoff) {
          this.#drop(c, key);
          this.#expired++;
        }
      }
    }
  }

  stats(): CorrelationStats {
    return {
      groups: this.#groups,
      evictions: this.#evictions,
      tooLate: this.#tooLate,
      expired: this.#expired,
      missingField: this.#missingField,
      droppedEvents: this.#droppedEvents,
      future: this.#future,
      invalidTime: this.#invalidTime,
      heldEvents: this.#held,
      watermarkMs: this.#watermark,
    };
  }

  #insert(c: Compiled, g: Group, e: Entry, ev: EvidenceItem, fired: CorrelationResult[]): void {
    this.#prune(c, g);
    this.#remember(g, ev);
    const entries = g.entries;
    const last = entries.length > g.head ? entries[entries.length - 1]! : undefined;
    if (last === undefined || compareEntries(e, last) >= 0) {
      entries.push(e);
      this.#held++;
      g.maxT = e.t;
      this.#cap(g);
      this.#step(c, g, entries.length - 1, fired);
      return;
    }
    // Late: insert in order, then replay every window the event can belong to.
    let lo = g.head;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(entries[mid]!, e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    entries.splice(lo, 0, e);
    this.#held++;
    if (c.rule.type === 'temporal_ordered') {
      this.#cap(g);
      this.#replay(c, g, e.t, Math.max(lo, g.head), fired);
      return;
    }
    // Every other aggregate is order-free: keep the newest window current…
    if (e.t >= g.maxT - c.rule.timespanMs) g.agg.add(e);
    else g.lo++;
    this.#cap(g);
    // …and test the earlier windows the event joins by walking back from it.
    this.#walkBack(c, g, e.t, fired);
  }

  /**
   * Adds entries[i] to the window ending at its time, slides the start, and
   * tests the condition. One result per group per period: windows ending in a
   * period that already produced one are not tested again.
   */
  #step(c: Compiled, g: Group, i: number, fired: CorrelationResult[]): void {
    const e = g.entries[i]!;
    g.agg.add(e);
    if (g.agg instanceof OrderedAggregator) this.#checkpoint(g, e);
    const from = e.t - c.rule.timespanMs;
    while (g.entries[g.lo]!.t < from) g.agg.remove(g.entries[g.lo++]!);
    // Ties: the window ending at t holds every event at t, so test after the last of them.
    const next = g.entries[i + 1];
    if (next !== undefined && next.t === e.t) return;
    const period = Math.floor(e.t / c.rule.timespanMs);
    if (g.fired.includes(period)) return;
    const value = g.agg.value(e.t);
    if (!conditionHolds(c.rule.condition, value)) return;
    this.#markFired(c, g, period);
    fired.push(this.#result(c, g, e.t, g.entries[g.lo]!.t, g.agg.size, value));
  }

  #markFired(c: Compiled, g: Group, period: number): void {
    g.fired.push(period);
    // Only periods a future window can end in are worth remembering.
    const oldest = Math.floor((this.#watermark - this.#lateness) / c.rule.timespanMs);
    if (g.fired.length > 4) g.fired = g.fired.filter((p) => p >= oldest);
  }

  /**
   * Tests the windows ending at each entry from the newest back to `fromT`,
   * deriving each from the newest window (which the aggregator holds) by
   * removing entries at the right end and adding older ones at the left. The
   * entries touched lie within (newest − fromT) of either end of the window —
   * within the lateness — so a late event costs what arrived during its
   * delay, not the size of the window. The aggregator is restored afterwards.
   */
  #walkBack(c: Compiled, g: Group, fromT: number, fired: CorrelationResult[]): void {
    const ts = c.rule.timespanMs;
    const entries = g.entries;
    const newest = entries.length - 1;
    let open = false;
    for (let p = Math.floor(fromT / ts); p <= Math.floor(entries[newest]!.t / ts) && !open; p++) {
      open = !g.fired.includes(p);
    }
    if (!open) return;
    const agg = g.agg;
    const removed: Entry[] = [];
    const added: Entry[] = [];
    // Earliest satisfying window per open period: the one in-order arrival would have reported.
    const found = new Map<number, { end: number; first: number; size: number; value: number }>();
    let left = g.lo;
    let right = newest;
    while (right >= g.head && entries[right]!.t >= fromT) {
      const end = entries[right]!.t;
      while (left > g.head && entries[left - 1]!.t >= end - ts) {
        agg.add(entries[--left]!);
        added.push(entries[left]!);
      }
      const period = Math.floor(end / ts);
      if (!g.fired.includes(period)) {
        const value = agg.value(end);
        if (conditionHolds(c.rule.condition, value)) {
          found.set(period, { end, first: entries[left]!.t, size: agg.size, value });
        }
      }
      while (right >= g.head && entries[right]!.t === end) {
        agg.remove(entries[right]!);
        removed.push(entries[right--]!);
      }
    }
    for (const e of removed) agg.add(e);
    for (const e of added) agg.remove(e);
    for (const period of [...found.keys()].sort((a, b) => a - b)) {
      const w = found.get(period)!;
      this.#markFired(c, g, period);
      fired.push(this.#result(c, g, w.end, w.first, w.size, w.value));
    }
  }

  /** Every CHECKPOINT-th ordered entry keeps the chain state, so a late event replays from near itself. */
  #checkpoint(g: Group, e: Entry): void {
    if (++g.sinceCheckpoint >= CHECKPOINT) {
      e.dp = (g.agg as OrderedAggregator).snapshot();
      g.sinceCheckpoint = 0;
    } else {
      // A snapshot from before a late insertion no longer describes this position.
      e.dp = undefined;
    }
  }

  /**
   * temporal_ordered only (its chain state depends on order): re-runs the
   * chain over the entries from the late one at index `at` onwards, testing
   * every window that ends at or after `fromT` — exactly the windows a late
   * event joins. It resumes from the nearest checkpoint before the event, or
   * else starts afresh one timespan before it (chains starting earlier cannot
   * fit a window ending at or after `fromT`), whichever is later.
   */
  #replay(c: Compiled, g: Group, fromT: number, at: number, fired: CorrelationResult[]): void {
    const entries = g.entries;
    const ts = c.rule.timespanMs;
    const fresh = firstAtOrAfter(entries, g.head, entries.length, fromT - ts);
    let from = fresh;
    const agg = new OrderedAggregator(c.rule.rules.length, ts);
    g.lo = fresh;
    for (let j = at - 1; j >= fresh; j--) {
      const dp = entries[j]!.dp;
      if (dp === undefined) continue;
      g.lo = firstAtOrAfter(entries, g.head, j + 1, entries[j]!.t - ts);
      agg.restore(dp, j - g.lo + 1);
      from = j + 1;
      break;
    }
    g.agg = agg;
    g.sinceCheckpoint = 0;
    for (let i = from; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.t < fromT) {
        agg.add(e);
        this.#checkpoint(g, e);
      } else {
        this.#step(c, g, i, fired);
      }
    }
    g.maxT = entries[entries.length - 1]!.t;
  }

  #result(
    c: Compiled,
    g: Group,
    end: number,
    firstEventMs: number,
    eventCount: number,
    value: number,
  ): CorrelationResult {
    const evidence = g.evidence
      .filter((x) => x.eventTimeMs >= firstEventMs && x.eventTimeMs <= end)
      .sort((a, b) => a.eventTimeMs - b.eventTimeMs || a.seq - b.seq)
      .map(({ eventTimeMs, rule, event }) => ({ eventTimeMs, rule, event }));
    return {
      rule: {
        ...(c.rule.id !== undefined && { id: c.rule.id }),
        ...(c.rule.name !== undefined && { name: c.rule.name }),
        title: c.rule.title,
        ...(c.rule.level !== undefined && { level: c.rule.level }),
        type: c.rule.type,
      },
      group: { ...g.values },
      windowStartMs: end - c.rule.timespanMs,
      windowEndMs: end,
      firstEventMs,
      value,
      condition: c.rule.condition,
      eventCount,
      evidence,
      evidenceTruncated: eventCount > evidence.length,
      intermediate: c.intermediate,
    };
  }

  #remember(g: Group, ev: EvidenceItem): void {
    // One event listed under several positions is one piece of evidence.
    if (this.#maxEvidence === 0 || g.lastEvidenceSeq === ev.seq) return;
    g.lastEvidenceSeq = ev.seq;
    if (g.evidence.length < this.#maxEvidence) {
      g.evidence.push(ev);
      this.#held++;
    } else {
      g.evidence[g.evidenceNext] = ev;
      g.evidenceNext = (g.evidenceNext + 1) % this.#maxEvidence;
    }
  }

  /** Removes entries no future window can hold: older than watermark − timespan − lateness. */
  #prune(c: Compiled, g: Group): void {
    const cutoff = this.#watermark - c.rule.timespanMs - this.#lateness;
    while (g.head < g.entries.length && g.entries[g.head]!.t < cutoff) this.#dropHead(g);
    this.#compact(g);
  }

  #cap(g: Group): void {
    while (g.entries.length - g.head > this.#maxEntries) {
      this.#dropHead(g);
      this.#droppedEvents++;
    }
  }

  #dropHead(g: Group): void {
    if (g.lo === g.head) {
      // The aggregator only holds entries up to the last one stepped; skip the rest.
      if (g.agg.size > 0) g.agg.remove(g.entries[g.lo]!);
      g.lo++;
    }
    g.head++;
    this.#held--;
  }

  #compact(g: Group): void {
    if (g.head === 0) return;
    if (g.head === g.entries.length) {
      g.entries.length = 0;
      g.lo = 0;
      g.head = 0;
      // Every event the group remembers is older than its pruned entries: no window will show it.
      this.#held -= g.evidence.length;
      g.evidence = [];
      g.evidenceNext = 0;
    } else if (g.head > 64 && g.head * 2 > g.entries.length) {
      g.entries.splice(0, g.head);
      g.lo -= g.head;
      g.head = 0;
    }
  }
}

/**
 * The Sigma engine: compiles every rule once per field-mapping variant, routes each event to the
 * rules of its logsource, evaluates, applies filters and feeds correlations.
 */
import { EventView, firstOf, pathResolver, scalarString, unwrap } from './event-view.js';
import type { Resolver } from './event-view.js';
import { CompileError, allOf, compileDetection } from './compiler.js';
import type { CompileContext, Pred, Requirement } from './compiler.js';
import { RoutePlan } from './prefilter.js';
import type { Placeholders } from './modifiers.js';
import { builtinPipelines } from './pipelines.js';
import type { CategoryMapping, Pipeline } from './pipelines.js';
import type { LoadError, LogSource, Match, SigmaFilter, SigmaRule } from './types.js';
import type { RuleSet } from './loader.js';
import { CorrelationEngine, checkCorrelationReferences } from './correlation/index.js';
import type {
  CorrelationEngineOptions,
  CorrelationResult,
  CorrelationRule,
} from './correlation/index.js';

export interface EngineOptions {
  /** a loaded rule set, or rules alone */
  rules: RuleSet | SigmaRule[];
  /** extra filters (those of a RuleSet are used too) */
  filters?: SigmaFilter[];
  /** extra correlation rules (those of a RuleSet are used too) */
  correlations?: CorrelationRule[];
  /** field mapping; defaults to the built-in Windows evtx and Prahari pipelines */
  pipelines?: Pipeline[];
  /** values for `|expand` placeholders, e.g. `{ Administrators: ['admin*', 'root'] }` */
  placeholders?: Placeholders;
  /** options for the correlation engine */
  correlation?: CorrelationEngineOptions;
  /**
   * Also return matches of rules that a correlation references with `generate: false` (the
   * specification suppresses them; tests and offline hunts may want them).
   */
  includeSuppressed?: boolean;
  /**
   * Time every rule's evaluation on one event in this many (0, the default: never), so
   * `ruleCosts()` can name the slow rules at a small cost.
   */
  profileEvery?: number;
}

/** What profiling measured of one rule (see `EngineOptions.profileEvery`). */
export interface RuleCost {
  ruleId?: string;
  title: string;
  /** evaluations timed */
  sampled: number;
  /** their total time, ms */
  sampledMs: number;
  /** mean time per evaluation, µs */
  meanMicros: number;
}

export interface EvaluateOptions {
  /** the event's logsource when it is a raw JSON object; ParsedEvents carry their own */
  logsource?: LogSource;
}

interface Variant {
  pipeline: Pipeline;
  /** field renames of a category mapping (Security 4688 `Image` → `NewProcessName`) */
  renames?: Record<string, string>;
  key: string;
}

interface Compiled {
  /** the rule's index in `rules` */
  index: number;
  rule: SigmaRule;
  pred: Pred;
  fields: [string, number][];
  suppressed: boolean;
  /** prefilter requirement (see prefilter.ts); null: always evaluated */
  atoms: Requirement;
}

type RouteOf = RoutePlan<Compiled>;

interface PipelineMeta {
  detect?: Resolver;
  time: Resolver[];
  chSlot: number;
  idSlot: number;
  /** classified routes by raw channel → raw event id */
  routes: Map<unknown, Map<unknown, RoutePlan<Compiled>>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lsKey(ls: LogSource): string {
  return `${ls.product ?? ''}|${ls.category ?? ''}|${ls.service ?? ''}`;
}

/** A rule applies to an event logsource when every part the rule names is the event's. */
function logsourceFits(rule: LogSource, event: LogSource): boolean {
  return (
    (rule.product === undefined || rule.product === event.product) &&
    (rule.category === undefined || rule.category === event.category) &&
    (rule.service === undefined || rule.service === event.service)
  );
}

function normaliseLs(ls: LogSource | Record<string, unknown>): LogSource {
  const out: LogSource = {};
  if (typeof ls.product === 'string') out.product = ls.product.toLowerCase();
  if (typeof ls.category === 'string') out.category = ls.category.toLowerCase();
  if (typeof ls.service === 'string') out.service = ls.service.toLowerCase();
  return out;
}

const MAX_ROUTES = 4096;

export class SigmaEngine {
  readonly rules: SigmaRule[];
  readonly filters: SigmaFilter[];
  readonly correlations: CorrelationRule[];
  /** compile errors (the rule is left out) and warnings (it runs, with the stated behaviour) */
  readonly errors: LoadError[] = [];
  readonly correlation: CorrelationEngine | undefined;

  readonly #pipelines: Pipeline[];
  readonly #default: Pipeline;
  readonly #placeholders: Placeholders;
  readonly #includeSuppressed: boolean;
  readonly #profileEvery: number;
  #costRuns: Float64Array = new Float64Array(0);
  #costMs: Float64Array = new Float64Array(0);
  readonly #slotKeys = new Map<string, number>();
  readonly #resolvers: Resolver[] = [];
  readonly #view: EventView;
  /** rule index → variant key → compiled (null: does not compile) */
  readonly #compiled: Map<string, Compiled | null>[] = [];
  readonly #ok: boolean[] = [];
  readonly #routes = new Map<string, RoutePlan<Compiled>>();
  readonly #evtxServiceByChannel = new Map<string, string>();
  readonly #evtxCategories = new Map<string, CategoryMapping[]>();
  /** per pipeline, resolvers built once rather than per event */
  readonly #meta = new Map<Pipeline, PipelineMeta>();
  /** ParsedEvent routes by raw product → category → service */
  readonly #lsRoutes = new Map<unknown, Map<unknown, Map<unknown, RoutePlan<Compiled>>>>();
  #lsRouteCount = 0;
  /** rows the prefilter automata of all routes may gain while scanning: 8 MB */
  readonly #rowBudget = { rows: 16_384 };
  #classifiedRouteCount = 0;
  #evaluated = 0;

  constructor(options: EngineOptions) {
    const set = Array.isArray(options.rules) ? undefined : options.rules;
    this.rules = Array.isArray(options.rules) ? options.rules : options.rules.rules;
    this.filters = [...(set?.filters ?? []), ...(options.filters ?? [])];
    this.correlations = [...(set?.correlations ?? []), ...(options.correlations ?? [])];
    this.#pipelines = options.pipelines ?? builtinPipelines;
    this.#default = this.#pipelines.find((p) => p.detect === undefined) ?? { name: 'identity' };
    this.#placeholders = options.placeholders ?? {};
    this.#includeSuppressed = options.includeSuppressed ?? false;
    this.#profileEvery = Math.max(0, Math.floor(options.profileEvery ?? 0));
    this.#costRuns = new Float64Array(this.rules.length);
    this.#costMs = new Float64Array(this.rules.length);
    this.#view = new EventView(this.#resolvers);
    this.correlation = this.#makeCorrelation(options.correlation);
    for (const p of this.#pipelines) {
      const c = p.classifier;
      if (!c) continue;
      for (const [service, channels] of Object.entries(c.services)) {
        for (const ch of channels)
          this.#evtxServiceByChannel.set(`${p.name}\u0000${ch.toLowerCase()}`, service);
      }
      for (const m of c.categories) {
        for (const id of m.ids) {
          const k = `${p.name}\u0000${m.service}\u0000${id}`;
          const list = this.#evtxCategories.get(k) ?? [];
          list.push(m);
          this.#evtxCategories.set(k, list);
        }
      }
    }
    for (const p of this.#pipelines) {
      const meta: PipelineMeta = {
        detect: p.detect !== undefined && p.classifier ? pathResolver(p.detect) : undefined,
        time: (p.timeFields ?? []).map((t) => pathResolver(t)),
        chSlot: -1,
        idSlot: -1,
        routes: new Map(),
      };
      if (p.classifier) {
        const base = { pipeline: p, key: p.name };
        const chPaths = this.#paths(p.classifier.serviceField, base);
        const idPaths = this.#paths(p.classifier.idField, base);
        meta.chSlot = this.#slot(chPaths.join('\u0001'), () =>
          firstOf(chPaths.map((x) => pathResolver(x))),
        );
        meta.idSlot = this.#slot(idPaths.join('\u0001'), () =>
          firstOf(idPaths.map((x) => pathResolver(x))),
        );
      }
      this.#meta.set(p, meta);
    }
    // Every rule compiles once now, so errors show before the first event; other field-mapping
    // variants (which cannot fail where this one succeeded) compile when an event first needs them.
    this.rules.forEach((rule, i) => {
      this.#compiled[i] = new Map();
      const base = this.#compile(i, { pipeline: this.#default, key: this.#default.name });
      this.#ok[i] = base !== null;
    });
  }

  #makeCorrelation(options: CorrelationEngineOptions | undefined): CorrelationEngine | undefined {
    if (this.correlations.length === 0) return undefined;
    const known = this.rules.map((r) => ({ id: r.id, name: r.name, title: r.title }));
    for (const e of checkCorrelationReferences(this.correlations, known)) {
      this.errors.push({
        line: e.line,
        severity: 'warning',
        message: `correlation: ${e.path ? `${e.path}: ` : ''}${e.message}`,
      });
    }
    try {
      return new CorrelationEngine(this.correlations, options);
    } catch (e) {
      this.errors.push({
        severity: 'error',
        message: `correlation rules not loaded: ${(e as Error).message}`,
      });
      return undefined;
    }
  }

  /** Rules that compiled. */
  get compiledCount(): number {
    return this.#ok.filter(Boolean).length;
  }

  get evaluatedCount(): number {
    return this.#evaluated;
  }

  #variantOf(p: Pipeline, m: CategoryMapping): Variant {
    return m.fields
      ? { pipeline: p, renames: m.fields, key: `${p.name}\u0000${JSON.stringify(m.fields)}` }
      : { pipeline: p, key: p.name };
  }

  #slot(key: string, make: () => Resolver): number {
    let s = this.#slotKeys.get(key);
    if (s === undefined) {
      s = this.#resolvers.length;
      this.#resolvers.push(make());
      this.#slotKeys.set(key, s);
    }
    return s;
  }

  /** Where a rule field is looked up under a variant, as candidate event paths. */
  #paths(field: string, v: Variant, rule: LogSource = {}): string[] {
    const p = v.pipeline;
    const name = v.renames?.[field] ?? field;
    const explicit = p.fields?.[name];
    if (explicit) return explicit;
    if (p.fieldTemplates) return p.fieldTemplates.map((t) => t.replaceAll('{field}', name));
    const paths = [name];
    for (const a of p.aliases ?? []) {
      // aliases serve rules written for that logsource (or a narrower one)
      if (!logsourceFits(a.logsource, rule)) continue;
      const extra = a.fields[field];
      if (extra) paths.push(...extra);
    }
    return paths;
  }

  #compile(index: number, v: Variant): Compiled | null {
    const cache = this.#compiled[index]!;
    const hit = cache.get(v.key);
    if (hit !== undefined) return hit;
    const rule = this.rules[index]!;
    const fieldsUsed = new Set<string>();
    const warnings: string[] = [];
    const slotOf = (field: string): number => {
      const paths = this.#paths(field, v, rule.logsource);
      const loose = v.pipeline.looseKeys === true;
      return this.#slot(`${loose ? 'L' : 'S'}${paths.join('\u0001')}`, () =>
        firstOf(paths.map((x) => pathResolver(x, loose, true))),
      );
    };
    const atoms = new Map<Pred, Requirement>();
    const ctx: CompileContext = {
      slot: slotOf,
      placeholders: this.#placeholders,
      warnings,
      fieldsUsed,
      atoms,
    };
    let compiled: Compiled | null;
    try {
      let pred = compileDetection(rule.detection, rule.conditions, ctx);
      // a filter only narrows the rule, so the rule's own literals stay necessary
      const ruleAtoms = atoms.get(pred) ?? null;
      const filters = this.filters.filter((f) => this.#filterApplies(f, rule));
      if (filters.length > 0) {
        pred = allOf([
          pred,
          ...filters.map((f) =>
            compileDetection(f.detection, [f.condition], { ...ctx, fieldsUsed: new Set() }),
          ),
        ]);
      }
      const ref = { id: rule.id, name: rule.name, title: rule.title };
      compiled = {
        index,
        rule,
        pred,
        fields: [...fieldsUsed].map((f) => [f, slotOf(f)]),
        suppressed: this.correlation?.isOutputSuppressed(ref) ?? false,
        atoms: ruleAtoms,
      };
      if (v.pipeline === this.#default) {
        for (const w of new Set(warnings))
          this.errors.push({
            ...rule.origin,
            rule: rule.id ?? rule.title,
            severity: 'warning',
            message: w,
          });
      }
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      this.errors.push({
        ...rule.origin,
        rule: rule.id ?? rule.title,
        severity: 'error',
        message: e.message,
      });
      compiled = null;
    }
    cache.set(v.key, compiled);
    return compiled;
  }

  #filterApplies(f: SigmaFilter, rule: SigmaRule): boolean {
    if (!logsourceFits(f.logsource, rule.logsource)) return false;
    if (f.rules === 'any') return true;
    return f.rules.some((r) => r === rule.id || r === rule.name || r === rule.title);
  }

  #route(key: string, build: () => Compiled[]): RoutePlan<Compiled> {
    let r = this.#routes.get(key);
    if (r === undefined) {
      r = new RoutePlan(build(), (c) => c.atoms, this.#rowBudget);
      if (this.#routes.size < MAX_ROUTES) this.#routes.set(key, r);
    }
    return r;
  }

  /**
   * Route of a logsource as an event states it (raw, not yet lower-cased). Cached by its three
   * values in nested maps, so a routed event builds no key string.
   */
  #routeByLogsource(ls: LogSource | Record<string, unknown>): RoutePlan<Compiled> {
    const { product, category, service } = ls;
    const byCategory = this.#lsRoutes.get(product);
    const byService = byCategory?.get(category);
    const hit = byService?.get(service);
    if (hit) return hit;
    const plan = this.#routeByNormalLs(normaliseLs(ls));
    const cacheable = (v: unknown): boolean => v === undefined || typeof v === 'string';
    if (
      this.#lsRouteCount < MAX_ROUTES &&
      cacheable(product) &&
      cacheable(category) &&
      cacheable(service)
    ) {
      let c = byCategory;
      if (!c) this.#lsRoutes.set(product, (c = new Map<unknown, Map<unknown, RouteOf>>()));
      let s = c.get(category);
      if (!s) c.set(category, (s = new Map<unknown, RouteOf>()));
      s.set(service, plan);
      this.#lsRouteCount++;
    }
    return plan;
  }

  #routeByNormalLs(ls: LogSource): RoutePlan<Compiled> {
    return this.#route(`ls\u0000${lsKey(ls)}`, () => {
      const out: Compiled[] = [];
      this.rules.forEach((rule, i) => {
        if (!this.#ok[i] || !logsourceFits(rule.logsource, ls)) return;
        const c = this.#compile(i, { pipeline: this.#default, key: this.#default.name });
        if (c) out.push(c);
      });
      return out;
    });
  }

  #routeAll(): RoutePlan<Compiled> {
    return this.#route('all', () => {
      const out: Compiled[] = [];
      this.rules.forEach((_r, i) => {
        const c = this.#ok[i]
          ? this.#compile(i, { pipeline: this.#default, key: this.#default.name })
          : null;
        if (c) out.push(c);
      });
      return out;
    });
  }

  #routeClassified(p: Pipeline): RoutePlan<Compiled> {
    const meta = this.#meta.get(p)!;
    // cached by the raw channel and id values, so a routed event builds no key string
    const rawChannel = this.#view.value(meta.chSlot);
    const rawId = this.#view.value(meta.idSlot);
    const byId = meta.routes.get(rawChannel);
    const hit = byId?.get(rawId);
    if (hit) return hit;
    const plan = this.#routeClassifiedSlow(p, meta);
    const cacheable = (v: unknown): boolean =>
      v === undefined || typeof v === 'string' || typeof v === 'number';
    if (this.#classifiedRouteCount < MAX_ROUTES && cacheable(rawChannel) && cacheable(rawId)) {
      let m = byId;
      if (!m) meta.routes.set(rawChannel, (m = new Map<unknown, RouteOf>()));
      m.set(rawId, plan);
      this.#classifiedRouteCount++;
    }
    return plan;
  }

  #routeClassifiedSlow(p: Pipeline, meta: PipelineMeta): RoutePlan<Compiled> {
    const c = p.classifier!;
    const channel = this.#view.lower(meta.chSlot) ?? '';
    const id = scalarString(this.#view.value(meta.idSlot)) ?? '';
    const routeKey = `${p.name}\u0000${channel}\u0000${id}`;
    const cached = this.#routes.get(routeKey);
    if (cached) return cached;
    const service = this.#evtxServiceByChannel.get(`${p.name}\u0000${channel}`);
    const cats = service
      ? (this.#evtxCategories.get(`${p.name}\u0000${service}\u0000${id}`) ?? [])
      : [];
    return this.#route(routeKey, () => {
      const out: Compiled[] = [];
      this.rules.forEach((rule, i) => {
        if (!this.#ok[i]) return;
        const rl = rule.logsource;
        if (rl.product !== undefined && rl.product !== c.product) return;
        if (rl.service !== undefined && rl.service !== service) return;
        if (rl.category === undefined) {
          const comp = this.#compile(i, { pipeline: p, key: p.name });
          if (comp) out.push(comp);
          return;
        }
        const m = cats.find((x) => x.category === rl.category);
        if (!m) return;
        const comp = this.#compile(i, this.#variantOf(p, m));
        if (comp) out.push(comp);
      });
      return out;
    });
  }

  #eventTime(p: Pipeline, root: Record<string, unknown>): number | undefined {
    for (const resolve of this.#meta.get(p)?.time ?? []) {
      const v = resolve(root);
      if (v === undefined || v === null) continue;
      if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
      if (typeof v === 'string') {
        const s =
          /^\d{4}-\d\d-\d\d \d\d:\d\d/.test(v) && !/[zZ+]|-\d\d:?\d\d$/.test(v.slice(10))
            ? `${v.replace(' ', 'T')}Z`
            : v;
        const t = Date.parse(s);
        if (!Number.isNaN(t)) return t;
      }
    }
    return undefined;
  }

  /**
   * Tests one event against the rules of its logsource. Accepts a Prahari ParsedEvent (fields +
   * logsource), an evtx_dump Windows event, or any JSON object (with `options.logsource`, or
   * tested against every rule). Never throws: odd input yields no matches.
   */
  evaluate(event: unknown, options?: EvaluateOptions): Match[] {
    if (!isRecord(event)) return [];
    this.#evaluated++;
    let root: Record<string, unknown> = event;
    let list: RoutePlan<Compiled>;
    let pipeline = this.#default;
    const fields = event['fields'];
    const evLs = event['logsource'];
    const parsed = isRecord(fields) && isRecord(evLs);
    try {
      if (parsed) {
        root = fields;
        const message = event['message'];
        this.#view.reset(root, typeof message === 'string' ? message : undefined);
        list = this.#routeByLogsource(evLs);
      } else {
        this.#view.reset(root);
        let classified: Pipeline | undefined;
        for (const p of this.#pipelines) {
          const d = this.#meta.get(p)?.detect;
          if (d && isRecord(d(root))) {
            classified = p;
            break;
          }
        }
        if (classified) {
          pipeline = classified;
          list = this.#routeClassified(classified);
        } else if (options?.logsource) {
          list = this.#routeByLogsource(options.logsource);
        } else {
          list = this.#routeAll();
        }
      }
    } catch {
      return [];
    }
    const view = this.#view;
    let n: number;
    try {
      n = list.candidates(view);
    } catch {
      return [];
    }
    if (n === 0) return [];
    const found = list.found;
    const items = list.items;
    let out: Match[] | undefined;
    // the event time is read only once a rule matches: most events match nothing
    let timeMs: number | undefined;
    let timed = false;
    const profile = this.#profileEvery > 0 && this.#evaluated % this.#profileEvery === 0;
    for (let i = 0; i < n; i++) {
      const c = items[found[i]!]!;
      let hit = false;
      const started = profile ? performance.now() : 0;
      try {
        hit = c.pred(view);
      } catch {
        hit = false;
      }
      if (profile) {
        this.#costMs[c.index]! += performance.now() - started;
        this.#costRuns[c.index]!++;
      }
      if (!hit) continue;
      if (!timed) {
        try {
          timeMs = parsed ? this.#parsedEventTime(event, root) : this.#eventTime(pipeline, root);
        } catch {
          return [];
        }
        timed = true;
      }
      out ??= [];
      const m = this.#match(c, timeMs);
      if (!c.suppressed || this.#includeSuppressed) out.push(m);
      if (this.correlation) {
        const results = this.#correlate(c, root, pipeline, timeMs);
        for (const r of results) out.push(this.#correlationMatch(r));
      }
    }
    return out ?? [];
  }

  #parsedEventTime(
    event: Record<string, unknown>,
    root: Record<string, unknown>,
  ): number | undefined {
    const et = event['eventTime'];
    const t = typeof et === 'string' ? Date.parse(et) : NaN;
    return Number.isNaN(t) ? this.#eventTime(this.#default, root) : t;
  }

  #match(c: Compiled, timeMs: number | undefined): Match {
    const fields: Record<string, unknown> = {};
    for (const [name, slot] of c.fields) {
      const v = this.#view.value(slot);
      if (v !== undefined) fields[name] = v;
    }
    const r = c.rule;
    return {
      kind: 'detection',
      ruleId: r.id,
      ruleName: r.name,
      title: r.title,
      level: r.level,
      status: r.status,
      tags: r.tags,
      logsource: r.logsource,
      fields,
      eventTimeMs: timeMs,
    };
  }

  /** The event as rule field names see it, for correlation group-by and aggregated fields. */
  #sigmaView(root: Record<string, unknown>, p: Pipeline): Record<string, unknown> {
    if (!p.classifier) return root;
    const out: Record<string, unknown> = {};
    for (const [name, paths] of Object.entries(p.fields ?? {})) {
      const v = firstOf(paths.map((x) => pathResolver(x)))(root);
      if (v !== undefined) out[name] = v;
    }
    const ev = root['Event'];
    if (isRecord(ev)) {
      const ud = ev['UserData'];
      if (isRecord(ud))
        for (const child of Object.values(ud))
          if (isRecord(child)) for (const [k, v] of Object.entries(child)) out[k] = unwrap(v);
      const ed = ev['EventData'];
      if (isRecord(ed)) for (const [k, v] of Object.entries(ed)) out[k] = unwrap(v);
    }
    return out;
  }

  #correlate(
    c: Compiled,
    root: Record<string, unknown>,
    p: Pipeline,
    timeMs: number | undefined,
  ): CorrelationResult[] {
    const ce = this.correlation!;
    const ref = { id: c.rule.id, name: c.rule.name, title: c.rule.title };
    if (!ce.isReferenced(ref)) return [];
    try {
      return ce.onMatch(ref, this.#sigmaView(root, p), timeMs ?? Date.now());
    } catch {
      return [];
    }
  }

  #correlationMatch(r: CorrelationResult): Match {
    const rule = this.correlations.find(
      (c) =>
        (r.rule.id !== undefined && c.id === r.rule.id) ||
        (r.rule.name !== undefined && c.name === r.rule.name),
    );
    return {
      kind: 'correlation',
      ruleId: r.rule.id,
      ruleName: r.rule.name,
      title: r.rule.title,
      level: r.rule.level,
      status: rule?.status,
      tags: rule?.tags ?? [],
      logsource: {},
      fields: r.group,
      eventTimeMs: r.windowEndMs,
      correlation: r,
    };
  }

  /** The rules profiling timed, slowest in total first (empty unless `profileEvery` is set). */
  ruleCosts(): RuleCost[] {
    const out: RuleCost[] = [];
    this.rules.forEach((rule, i) => {
      const runs = this.#costRuns[i]!;
      if (runs === 0) return;
      const ms = this.#costMs[i]!;
      out.push({
        ...(rule.id !== undefined && { ruleId: rule.id }),
        title: rule.title,
        sampled: runs,
        sampledMs: ms,
        meanMicros: (ms * 1000) / runs,
      });
    });
    return out.sort((a, b) => b.sampledMs - a.sampledMs);
  }

  /** Drops correlation state that can no longer complete (call periodically on live streams). */
  expire(nowMs?: number): void {
    this.correlation?.expire(nowMs);
  }
}

/** Compiles a rule set: the engine plus the errors of rules that could not be compiled. */
export function compileRules(options: EngineOptions): { engine: SigmaEngine; errors: LoadError[] } {
  const engine = new SigmaEngine(options);
  return { engine, errors: engine.errors };
}

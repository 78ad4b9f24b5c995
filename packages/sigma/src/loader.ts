/**
 * Rule loading and validation from YAML text. Pure: file and folder reading lives in
 * `fs-loader.ts`. One bad document never stops the others; every problem carries file, line,
 * column and what is wrong.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type {
  DetectionItem,
  DetectionScalar,
  LoadError,
  LogSource,
  Origin,
  RuleLevel,
  RuleStatus,
  SearchNode,
  SigmaFilter,
  SigmaRule,
} from './types.js';
import { ConditionError, parseCondition } from './condition.js';
import { KNOWN_MODIFIERS } from './modifiers.js';
import { parseCorrelationRule } from './correlation/index.js';
import type { CorrelationRule } from './correlation/index.js';
import { parseFast, type FastDocument, type Meta, type Pos } from './yaml-fast.js';

export interface RuleSet {
  rules: SigmaRule[];
  filters: SigmaFilter[];
  correlations: CorrelationRule[];
  errors: LoadError[];
}

export interface RuleText {
  text: string;
  /** shown in errors; defaults to `text#N` */
  file?: string;
}

const STATUSES: readonly RuleStatus[] = [
  'stable',
  'test',
  'experimental',
  'deprecated',
  'unsupported',
];
const LEVELS: readonly RuleLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
const RELATED_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])$/;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

export function emptyRuleSet(): RuleSet {
  return { rules: [], filters: [], correlations: [], errors: [] };
}

export interface LoadOptions {
  /**
   * Read YAML with the fast event-stream path where it applies (default). `false` reads every
   * file with the `yaml` library — the reference the fast path is tested against.
   */
  fastYaml?: boolean;
}

/** Loads rules, filters and correlations from in-memory YAML texts. */
export function loadRuleTexts(
  texts: RuleText[],
  into: RuleSet = emptyRuleSet(),
  options: LoadOptions = {},
): RuleSet {
  texts.forEach((t, i) =>
    loadText(t.text, t.file ?? `text#${i + 1}`, into, options.fastYaml ?? true),
  );
  return into;
}

function toPlain(node: YamlNode | null | undefined, lc: LineCounter, meta: Meta): unknown {
  if (!node) return null;
  const posOf = (n: YamlNode | null | undefined, fallback?: number): Pos => {
    const off = n?.range?.[0] ?? fallback ?? 0;
    const p = lc.linePos(off);
    return { line: p.line, col: p.col };
  };
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    const m = new Map<string | number, Pos>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(toPlain(keyNode, lc, meta));
      const valueNode = pair.value as YamlNode | null;
      const pos = posOf(keyNode);
      if (
        isScalar(valueNode) &&
        typeof valueNode.value === 'number' &&
        valueNode.source !== undefined
      ) {
        pos.text = valueNode.source;
      }
      m.set(key, pos);
      obj[key] = toPlain(valueNode, lc, meta);
    }
    meta.set(obj, m);
    return obj;
  }
  if (isSeq(node)) {
    const arr: unknown[] = [];
    const m = new Map<string | number, Pos>();
    node.items.forEach((item, i) => {
      const n = item as YamlNode | null;
      const pos = posOf(n, node.range?.[0]);
      if (isScalar(n) && typeof n.value === 'number' && n.source !== undefined) pos.text = n.source;
      m.set(i, pos);
      arr.push(toPlain(n, lc, meta));
    });
    meta.set(arr, m);
    return arr;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      return v;
    if (typeof v === 'bigint') return Number(v);
    return typeof node.source === 'string' ? node.source : null;
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sigma collections: a global document is the base, each document's own keys win. */
function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(v) && isRecord(b) ? deepMerge(b, v) : v;
  }
  return out;
}

/**
 * The documents of `text` read with the `yaml` library; a document with YAML errors is reported
 * into `set` and left as null, so the others still load.
 */
function parseWithLibrary(
  text: string,
  file: string,
  meta: Meta,
  set: RuleSet,
): (FastDocument | null)[] {
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    set.errors.push({
      file,
      line: 1,
      column: 1,
      severity: 'error',
      message: `YAML: ${(e as Error).message}`,
    });
    return [];
  }
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const p = lc.linePos(err.pos[0]);
        set.errors.push({
          file,
          line: p.line,
          column: p.col,
          document: index,
          severity: 'error',
          message: `YAML: ${err.message.split('\n')[0]}`,
        });
      }
      return null;
    }
    const start = lc.linePos(doc.range?.[0] ?? 0);
    return { value: toPlain(doc.contents, lc, meta), line: start.line, col: start.col };
  });
}

function loadText(text: string, file: string, set: RuleSet, fastYaml: boolean): void {
  const meta: Meta = new WeakMap();
  const docs = (fastYaml && parseFast(text, meta)) || parseWithLibrary(text, file, meta, set);
  let global: Record<string, unknown> = {};
  let previous: Record<string, unknown> | undefined;
  docs.forEach((doc, index) => {
    if (!doc) return;
    const docOrigin: Origin = { file, line: doc.line, column: doc.col, document: index };
    const value = doc.value;
    if (value === null) return; // empty document, e.g. a trailing `---`
    if (!isRecord(value)) {
      set.errors.push({
        ...docOrigin,
        severity: 'error',
        message: 'a Sigma document must be a YAML map',
      });
      return;
    }
    const action = value['action'];
    if (action !== undefined) {
      const rest = { ...value };
      delete rest['action'];
      if (action === 'global') {
        global = rest;
        previous = rest;
        return;
      }
      if (action === 'reset') {
        global = {};
        return;
      }
      if (action === 'repeat') {
        if (!previous) {
          set.errors.push({
            ...docOrigin,
            severity: 'error',
            message: '`action: repeat` without a previous document',
          });
          return;
        }
        previous = deepMerge(previous, rest);
        loadDocument(previous, meta, docOrigin, set);
        return;
      }
      set.errors.push({
        ...docOrigin,
        severity: 'error',
        message: `unknown collection action '${JSON.stringify(action)}'`,
      });
      return;
    }
    const merged = Object.keys(global).length > 0 ? deepMerge(global, value) : value;
    if (merged !== value) meta.set(merged, meta.get(value) ?? new Map<string | number, Pos>());
    previous = merged;
    loadDocument(merged, meta, docOrigin, set);
  });
}

class Problems {
  readonly list: LoadError[] = [];
  constructor(
    readonly meta: Meta,
    private readonly origin: Origin,
  ) {}
  at(
    container: object | undefined,
    key: string | number | undefined,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): void {
    const p = container && key !== undefined ? this.meta.get(container)?.get(key) : undefined;
    this.list.push({
      file: this.origin.file,
      document: this.origin.document,
      line: p?.line ?? this.origin.line,
      column: p?.col ?? this.origin.column,
      severity,
      message,
    });
  }
  get failed(): boolean {
    return this.list.some((e) => e.severity === 'error');
  }
}

function loadDocument(
  doc: Record<string, unknown>,
  meta: Meta,
  origin: Origin,
  set: RuleSet,
): void {
  if ('correlation' in doc) {
    const res = parseCorrelationRule(doc, { file: origin.file, line: origin.line });
    if ('rule' in res) set.correlations.push(res.rule);
    else
      for (const e of res.errors)
        set.errors.push({
          file: origin.file,
          document: origin.document,
          line: e.line ?? origin.line,
          column: e.line ? 1 : origin.column,
          severity: 'error',
          rule:
            typeof doc['id'] === 'string'
              ? doc['id']
              : typeof doc['title'] === 'string'
                ? doc['title']
                : undefined,
          message: `${e.path ? `${e.path}: ` : ''}${e.message}`,
        });
    return;
  }
  const problems = new Problems(meta, origin);
  const label =
    typeof doc['id'] === 'string'
      ? doc['id']
      : typeof doc['title'] === 'string'
        ? doc['title']
        : undefined;
  const result =
    'filter' in doc && !('detection' in doc)
      ? parseFilter(doc, problems, origin)
      : parseRule(doc, problems, origin);
  for (const e of problems.list) set.errors.push({ ...e, rule: label });
  if (!result || problems.failed) return;
  if (result.kind === 'rule') set.rules.push(result);
  else set.filters.push(result);
}

function optString(
  doc: Record<string, unknown>,
  key: string,
  p: Problems,
  max?: number,
): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    p.at(doc, key, `'${key}' must be a string`);
    return undefined;
  }
  if (max !== undefined && v.length > max)
    p.at(doc, key, `'${key}' is longer than ${max} characters`);
  return v;
}

function stringList(
  doc: Record<string, unknown>,
  key: string,
  p: Problems,
  allowString = false,
): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (allowString && typeof v === 'string') return [v];
  if (!Array.isArray(v)) {
    p.at(doc, key, `'${key}' must be a list of strings`);
    return [];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string' || typeof item === 'number') out.push(String(item));
    else p.at(v, i, `'${key}' entries must be strings`);
  });
  return out;
}

function parseLogsource(doc: Record<string, unknown>, p: Problems): LogSource | undefined {
  const ls = doc['logsource'];
  if (ls === undefined) {
    p.at(doc, undefined, "missing 'logsource'");
    return undefined;
  }
  if (!isRecord(ls)) {
    p.at(doc, 'logsource', "'logsource' must be a map");
    return undefined;
  }
  const out: LogSource = {};
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const v = ls[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') p.at(ls, k, `'logsource.${k}' must be a string`);
    else out[k] = k === 'definition' ? v : v.toLowerCase();
  }
  return out;
}

function scalarOf(
  container: object,
  key: string | number,
  v: unknown,
  meta: Meta,
): DetectionScalar | undefined {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  if (typeof v === 'number') {
    const text = meta.get(container)?.get(key)?.text ?? String(v);
    return { kind: 'number', value: v, text };
  }
  return undefined;
}

function parseItem(
  key: string,
  value: unknown,
  container: Record<string, unknown>,
  p: Problems,
  meta: Meta,
): DetectionItem | undefined {
  const [rawField = '', ...mods] = key.split('|');
  const field = rawField === '' ? null : rawField;
  const modifiers = mods.map((m) => m.trim());
  for (const m of modifiers) {
    if (!KNOWN_MODIFIERS.has(m)) {
      p.at(container, key, `unknown modifier '${m}' in '${key}'`);
      return undefined;
    }
  }
  const values: DetectionScalar[] = [];
  if (Array.isArray(value)) {
    if (value.length === 0) {
      p.at(container, key, `'${key}' has an empty value list`);
      return undefined;
    }
    for (let i = 0; i < value.length; i++) {
      const s = scalarOf(value, i, value[i], meta);
      if (!s) {
        p.at(value, i, `'${key}': list values must be strings, numbers, booleans or null`);
        return undefined;
      }
      values.push(s);
    }
  } else {
    const s = scalarOf(container, key, value, meta);
    if (!s) {
      p.at(
        container,
        key,
        `'${key}': the value must be a string, number, boolean, null or a list of them`,
      );
      return undefined;
    }
    values.push(s);
  }
  const pos = meta.get(container)?.get(key);
  return { field, modifiers, values, origin: { line: pos?.line, column: pos?.col } };
}

function parseMapSearch(
  map: Record<string, unknown>,
  p: Problems,
  meta: Meta,
): SearchNode | undefined {
  const items: DetectionItem[] = [];
  for (const [k, v] of Object.entries(map)) {
    const item = parseItem(k, v, map, p, meta);
    if (!item) return undefined;
    items.push(item);
  }
  if (items.length === 0) return undefined;
  return { kind: 'and', items };
}

function parseSearch(
  name: string,
  v: unknown,
  container: Record<string, unknown>,
  p: Problems,
  meta: Meta,
): SearchNode | undefined {
  if (isRecord(v)) {
    const node = parseMapSearch(v, p, meta);
    if (!node && !p.failed) p.at(container, name, `search identifier '${name}' is an empty map`);
    return node;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      p.at(container, name, `search identifier '${name}' is an empty list`);
      return undefined;
    }
    const alternatives: SearchNode[] = [];
    const keywords: DetectionScalar[] = [];
    for (let i = 0; i < v.length; i++) {
      const el: unknown = v[i];
      if (isRecord(el)) {
        const node = parseMapSearch(el, p, meta);
        if (!node) {
          if (!p.failed) p.at(v, i, `search identifier '${name}' holds an empty map`);
          return undefined;
        }
        alternatives.push(node);
      } else {
        const s = scalarOf(v, i, el, meta);
        if (!s || s.kind === 'null') {
          p.at(v, i, `search identifier '${name}': list items must be maps or keyword values`);
          return undefined;
        }
        keywords.push(s);
      }
    }
    if (keywords.length > 0) {
      const pos = meta.get(container)?.get(name);
      alternatives.push({
        kind: 'item',
        item: {
          field: null,
          modifiers: [],
          values: keywords,
          origin: { line: pos?.line, column: pos?.col },
        },
      });
    }
    return alternatives.length === 1 ? alternatives[0] : { kind: 'or', alternatives };
  }
  const s = scalarOf(container, name, v, meta);
  if (s && s.kind !== 'null') {
    const pos = meta.get(container)?.get(name);
    return {
      kind: 'item',
      item: {
        field: null,
        modifiers: [],
        values: [s],
        origin: { line: pos?.line, column: pos?.col },
      },
    };
  }
  p.at(container, name, `search identifier '${name}' has no definition`);
  return undefined;
}

function parseDetection(
  det: Record<string, unknown>,
  reserved: string[],
  p: Problems,
  meta: Meta,
): Record<string, SearchNode> | undefined {
  const out: Record<string, SearchNode> = {};
  for (const [name, v] of Object.entries(det)) {
    if (reserved.includes(name)) continue;
    const node = parseSearch(name, v, det, p, meta);
    if (!node) return undefined;
    out[name] = node;
  }
  return out;
}

function checkConditions(
  conditions: string[],
  detection: Record<string, SearchNode>,
  container: object,
  key: string,
  p: Problems,
): void {
  const ids = Object.keys(detection);
  for (const c of conditions) {
    try {
      parseCondition(c, ids);
    } catch (e) {
      if (e instanceof ConditionError) p.at(container, key, `condition '${c}': ${e.message}`);
      else throw e;
    }
  }
}

function parseRule(
  doc: Record<string, unknown>,
  p: Problems,
  origin: Origin,
): SigmaRule | undefined {
  const meta = p.meta;
  const title = doc['title'];
  if (title === undefined) p.at(doc, undefined, "missing 'title'");
  else if (typeof title !== 'string' || title.trim() === '')
    p.at(doc, 'title', "'title' must be a non-empty string");
  else if (title.length > 256) p.at(doc, 'title', "'title' is longer than 256 characters");

  const id = optString(doc, 'id', p);
  if (id !== undefined && !UUID.test(id)) p.at(doc, 'id', `'id' ${id} is not a UUID`, 'warning');
  const name = optString(doc, 'name', p, 256);
  const status = optString(doc, 'status', p);
  if (status !== undefined && !STATUSES.includes(status as RuleStatus)) {
    p.at(doc, 'status', `'status' must be one of ${STATUSES.join(', ')}, not '${status}'`);
  }
  const level = optString(doc, 'level', p);
  if (level !== undefined && !LEVELS.includes(level as RuleLevel)) {
    p.at(doc, 'level', `'level' must be one of ${LEVELS.join(', ')}, not '${level}'`);
  }
  const description = optString(doc, 'description', p, 65535);
  const author = optString(doc, 'author', p);
  for (const k of ['date', 'modified']) {
    const v = optString(doc, k, p);
    if (v !== undefined && !DATE.test(v))
      p.at(doc, k, `'${k}' should be a YYYY-MM-DD date, not '${v}'`, 'warning');
  }
  const tags = stringList(doc, 'tags', p);
  const tagList = doc['tags'];
  tags.forEach((t, i) => {
    if (!TAG.test(t) && Array.isArray(tagList))
      p.at(tagList, i, `tag '${t}' does not follow namespace.value`, 'warning');
  });
  const references = stringList(doc, 'references', p);
  const falsepositives = stringList(doc, 'falsepositives', p, true);
  const fields = stringList(doc, 'fields', p);
  const related: { id: string; type: string }[] = [];
  const rel = doc['related'];
  if (rel !== undefined && rel !== null) {
    if (!Array.isArray(rel)) p.at(doc, 'related', "'related' must be a list of {id, type}");
    else
      rel.forEach((r, i) => {
        if (!isRecord(r) || typeof r['id'] !== 'string' || typeof r['type'] !== 'string') {
          p.at(rel, i, "'related' entries need a string 'id' and 'type'");
        } else {
          if (!RELATED_TYPES.includes(r['type']))
            p.at(
              rel,
              i,
              `related type must be one of ${RELATED_TYPES.join(', ')}, not '${r['type']}'`,
            );
          related.push({ id: r['id'], type: r['type'] });
        }
      });
  }
  const logsource = parseLogsource(doc, p);

  const det = doc['detection'];
  let detection: Record<string, SearchNode> | undefined;
  let conditions: string[] = [];
  if (det === undefined) p.at(doc, undefined, "missing 'detection'");
  else if (!isRecord(det)) p.at(doc, 'detection', "'detection' must be a map");
  else {
    const cond = det['condition'];
    if (typeof cond === 'string') conditions = [cond];
    else if (Array.isArray(cond) && cond.length > 0 && cond.every((c) => typeof c === 'string'))
      conditions = cond;
    else if (cond === undefined) p.at(det, undefined, "'detection' has no 'condition'");
    else p.at(det, 'condition', "'condition' must be a string or a list of strings");
    if ('timeframe' in det) {
      p.at(
        det,
        'timeframe',
        "'timeframe' is Sigma 1.0 aggregation syntax; use a correlation rule",
        'warning',
      );
    }
    detection = parseDetection(det, ['condition', 'timeframe'], p, meta);
    if (detection && Object.keys(detection).length === 0)
      p.at(doc, 'detection', "'detection' defines no search identifier");
    if (detection && conditions.length > 0)
      checkConditions(conditions, detection, det, 'condition', p);
  }
  if (p.failed || !detection || !logsource || typeof title !== 'string') return undefined;
  return {
    kind: 'rule',
    title,
    id,
    name,
    status: status as RuleStatus | undefined,
    level: level as RuleLevel | undefined,
    description,
    author,
    date: typeof doc['date'] === 'string' ? doc['date'] : undefined,
    modified: typeof doc['modified'] === 'string' ? doc['modified'] : undefined,
    references,
    tags,
    falsepositives,
    fields,
    related,
    logsource,
    detection,
    conditions,
    raw: doc,
    origin,
  };
}

function parseFilter(
  doc: Record<string, unknown>,
  p: Problems,
  origin: Origin,
): SigmaFilter | undefined {
  const meta = p.meta;
  const title = doc['title'];
  if (typeof title !== 'string' || title.trim() === '')
    p.at(doc, 'title', "a filter needs a 'title' string");
  const id = optString(doc, 'id', p);
  const name = optString(doc, 'name', p);
  const logsource = parseLogsource(doc, p);
  const f = doc['filter'];
  if (!isRecord(f)) {
    p.at(doc, 'filter', "'filter' must be a map with 'rules', search identifiers and 'condition'");
    return undefined;
  }
  let rules: string[] | 'any' = 'any';
  const r = f['rules'];
  if (r === undefined) p.at(f, undefined, "'filter' needs 'rules' (rule ids or names, or 'any')");
  else if (typeof r === 'string') rules = ['any', 'all'].includes(r.toLowerCase()) ? 'any' : [r];
  else if (Array.isArray(r) && r.every((x) => typeof x === 'string'))
    rules = r.length === 0 ? 'any' : r;
  else p.at(f, 'rules', "'filter.rules' must be a rule id or name, a list of them, or 'any'");
  const condition = f['condition'];
  if (typeof condition !== 'string') p.at(f, 'condition', "'filter.condition' must be a string");
  const detection = parseDetection(f, ['rules', 'condition'], p, meta);
  if (detection && typeof condition === 'string')
    checkConditions([condition], detection, f, 'condition', p);
  if (
    p.failed ||
    !detection ||
    !logsource ||
    typeof title !== 'string' ||
    typeof condition !== 'string'
  )
    return undefined;
  return {
    kind: 'filter',
    title,
    id,
    name,
    logsource,
    rules,
    detection,
    condition,
    raw: doc,
    origin,
  };
}

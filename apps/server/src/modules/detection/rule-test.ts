import { ValidationError, type LogSource } from '@prahari/core';
import { parseMessage, type ParserName } from '@prahari/ingest';
import {
  SigmaEngine,
  loadRuleTexts,
  type CorrelationRule,
  type LoadError,
  type Match,
  type Placeholders,
  type SigmaRule,
} from '@prahari/sigma';

/** How pasted events are read: JSON objects as they are, or log lines through the ingest parsers. */
export type EventFormat = 'auto' | 'json' | 'lines';

export interface RuleTestInput {
  /** the rule text (one or more YAML documents: rules, correlations, filters) */
  yaml: string;
  /** the name errors are reported under */
  file: string;
  events: string;
  format: EventFormat;
  /** force one ingest parser for log lines (detected per line otherwise) */
  parser?: ParserName;
  /** the logsource of plain JSON objects; without it they are tested against every rule */
  logsource?: LogSource;
}

/** Rules the tested text refers to that the server has loaded (a correlation's base rules). */
export interface LoadedRules {
  rules: readonly SigmaRule[];
  correlations: readonly CorrelationRule[];
}

export interface RuleProblem {
  line: number | null;
  column: number | null;
  message: string;
}

export interface TestedEvent {
  /** 1-based position among the events read */
  index: number;
  /** line of the pasted text the event starts on */
  line: number;
  /** the ingest parser that read a log line; null for a JSON object tested as it is */
  parser: string | null;
  logsource: LogSource | null;
  /** the text of the event, short */
  summary: string;
  /** the fields a log line was parsed into (what a rule can name); null for JSON objects */
  fields: Record<string, unknown> | null;
  /** why the line could not be read (it is not tested) */
  error: string | null;
  matches: {
    kind: 'detection' | 'correlation';
    ruleId: string | null;
    title: string;
    level: string | null;
    /** the fields the rule's detection names, with this event's values */
    fields: Record<string, unknown>;
  }[];
}

export interface RuleTestResult {
  /** every rule loaded and compiled: only then are events tested */
  valid: boolean;
  rules: { id: string | null; kind: 'rule' | 'correlation' | 'filter'; title: string }[];
  /** rules of the server's library added because a tested correlation refers to them */
  referenced: { id: string | null; title: string }[];
  errors: RuleProblem[];
  warnings: RuleProblem[];
  format: 'json' | 'lines';
  events: TestedEvent[];
  total: number;
  matched: number;
}

export const MAX_TEST_EVENTS = 1000;
const SUMMARY_CHARS = 300;

function problem(e: LoadError): RuleProblem {
  return { line: e.line ?? null, column: e.column ?? null, message: e.message };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** 1-based line of each offset: lines[i] is the offset the line i+1 starts at. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function detectFormat(text: string): 'json' | 'lines' {
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'lines';
}

function shorten(text: string): string {
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
}

interface Candidate {
  event: TestedEvent;
  /** what the engine evaluates; undefined when the event could not be read */
  input?: unknown;
}

/** The pasted events, each with what the engine is to evaluate (nothing is stored). */
function readEvents(
  input: RuleTestInput,
  now: Date,
): { format: 'json' | 'lines'; list: Candidate[] } {
  const format = input.format === 'auto' ? detectFormat(input.events) : input.format;
  const list: Candidate[] = [];
  const tooMany = () =>
    new ValidationError(
      `At most ${MAX_TEST_EVENTS} events can be tested at once; paste fewer (or use prahari detect for a file).`,
      { field: 'events' },
    );
  const blank = (index: number, line: number): TestedEvent => ({
    index,
    line,
    parser: null,
    logsource: null,
    summary: '',
    fields: null,
    error: null,
    matches: [],
  });

  if (format === 'json') {
    const starts = lineStarts(input.events);
    const values = jsonValues(input.events);
    if (values.length > MAX_TEST_EVENTS) throw tooMany();
    values.forEach(({ offset, value, error }, i) => {
      const event = blank(i + 1, lineOf(starts, offset));
      if (error !== undefined || !isRecord(value)) {
        event.error = error ?? 'not a JSON object';
        list.push({ event });
        return;
      }
      const stored = isRecord(value['fields']) && isRecord(value['logsource']);
      event.logsource = stored ? (value['logsource'] as LogSource) : (input.logsource ?? null);
      event.summary = shorten(
        typeof value['message'] === 'string' && value['message']
          ? value['message']
          : JSON.stringify(value),
      );
      list.push({ event, input: value });
    });
    return { format, list };
  }

  const lines = input.events.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    if (list.length === MAX_TEST_EVENTS) throw tooMany();
    const event = blank(list.length + 1, i + 1);
    event.summary = shorten(text.trim());
    const parsed = parseMessage(text, {
      receivedAt: now,
      ...(input.parser && { hint: input.parser }),
    });
    if (!parsed.ok) {
      event.error = parsed.reason;
      list.push({ event });
      continue;
    }
    const { eventTime, logsource, message, fields } = parsed.event;
    event.parser = parsed.parser;
    event.logsource = logsource;
    event.fields = fields;
    if (message) event.summary = shorten(message);
    // A Windows event keeps its evtx layout, which the engine's Windows pipeline reads (as
    // detection does with stored events).
    const windows = fields['Event.System.EventID'] !== undefined ? windowsEvent(text) : undefined;
    list.push({ event, input: windows ?? { fields, logsource, message, eventTime } });
  }
  return { format, list };
}

function windowsEvent(text: string): Record<string, unknown> | undefined {
  try {
    const root = JSON.parse(text) as unknown;
    return isRecord(root) && 'Event' in root ? root : undefined;
  } catch {
    return undefined;
  }
}

/** Index just past the JSON value starting at `from` (an object or array), or -1 if it never closes. */
function valueEnd(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return -1;
}

/** Where each element of the array text[from, end) starts. */
function elementStarts(text: string, from: number, end: number): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expecting = true;
  for (let i = from + 1; i < end - 1; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0 && c === ',') {
      expecting = true;
      continue;
    }
    if (depth === 0 && expecting && !/\s/.test(c)) {
      out.push(i);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return out;
}

/**
 * The JSON values of a text — JSON lines, pretty-printed objects one after another, or an array
 * (its elements) — each with the offset it starts at, or the reason it could not be read.
 */
function jsonValues(text: string): { offset: number; value?: unknown; error?: string }[] {
  const out: { offset: number; value?: unknown; error?: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ',' || /\s/.test(c) || c === '\ufeff') {
      i++;
      continue;
    }
    if (c !== '{' && c !== '[') {
      const eol = text.indexOf('\n', i);
      out.push({
        offset: i,
        error: 'not JSON: a line of JSON events starts with { (or [ for an array)',
      });
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    const end = valueEnd(text, i);
    if (end < 0) {
      out.push({ offset: i, error: 'this JSON value is not closed before the end of the text' });
      break;
    }
    try {
      const value = JSON.parse(text.slice(i, end)) as unknown;
      if (Array.isArray(value)) {
        const starts = elementStarts(text, i, end);
        value.forEach((element, k) => out.push({ offset: starts[k] ?? i, value: element }));
      } else out.push({ offset: i, value });
    } catch (err) {
      out.push({ offset: i, error: `not valid JSON: ${(err as Error).message}` });
    }
    i = end;
  }
  return out;
}

/** Adds the server's loaded rules that tested correlations refer to and the text lacks. */
function referencedRules(
  tested: { rules: SigmaRule[]; correlations: CorrelationRule[] },
  loaded: LoadedRules,
): { rules: SigmaRule[]; correlations: CorrelationRule[] } {
  const known = new Set<string>();
  const remember = (r: { id?: string; name?: string }) => {
    if (r.id) known.add(r.id);
    if (r.name) known.add(r.name);
  };
  tested.rules.forEach(remember);
  tested.correlations.forEach(remember);
  const added = { rules: [] as SigmaRule[], correlations: [] as CorrelationRule[] };
  const wanted = tested.correlations.flatMap((c) => c.rules);
  while (wanted.length > 0) {
    const ref = wanted.pop()!;
    if (known.has(ref)) continue;
    known.add(ref);
    const rule = loaded.rules.find((r) => r.id === ref || r.name === ref);
    if (rule) {
      remember(rule);
      added.rules.push(rule);
      continue;
    }
    const correlation = loaded.correlations.find((c) => c.id === ref || c.name === ref);
    if (correlation) {
      remember(correlation);
      added.correlations.push(correlation);
      wanted.push(...correlation.rules);
    }
  }
  return added;
}

/**
 * Tests a rule text against pasted events with an engine of its own: nothing is stored, no alert
 * is raised and detection's engine (its correlation windows, its counters) is not touched. A
 * correlation may name base rules the server has loaded; those are added. Events are tested
 * only when every rule loads and compiles; otherwise the problems come back with line and column.
 */
export function testRule(
  input: RuleTestInput,
  loaded: LoadedRules,
  options: { placeholders?: Placeholders; now: Date },
): RuleTestResult {
  const set = loadRuleTexts([{ text: input.yaml, file: input.file }]);
  const extra = referencedRules(set, loaded);
  const engine = new SigmaEngine({
    rules: [...set.rules, ...extra.rules],
    correlations: [...set.correlations, ...extra.correlations],
    filters: set.filters,
    ...(options.placeholders && { placeholders: options.placeholders }),
    // Base rules of a correlation are shown too: a person testing wants to see them fire.
    includeSuppressed: true,
  });
  const problems = [...set.errors, ...engine.errors];
  const errors = problems.filter((e) => e.severity === 'error').map(problem);
  const warnings = problems.filter((e) => e.severity === 'warning').map(problem);
  const rules = [
    ...set.rules.map((r) => ({ id: r.id ?? null, kind: 'rule' as const, title: r.title })),
    ...set.correlations.map((c) => ({
      id: c.id ?? null,
      kind: 'correlation' as const,
      title: c.title,
    })),
    ...set.filters.map((f) => ({ id: f.id ?? null, kind: 'filter' as const, title: f.title })),
  ];
  if (rules.length === 0 && errors.length === 0)
    errors.push({ line: null, column: null, message: 'no Sigma rule was found in the text' });
  const referenced = [...extra.rules, ...extra.correlations].map((r) => ({
    id: r.id ?? null,
    title: r.title,
  }));

  const { format, list } = readEvents(input, options.now);
  const valid = errors.length === 0;
  if (valid) {
    for (const { event, input: value } of list) {
      if (value === undefined) continue;
      const matches = engine.evaluate(value, input.logsource ? { logsource: input.logsource } : {});
      event.matches = matches.map((m: Match) => ({
        kind: m.kind,
        ruleId: m.ruleId ?? null,
        title: m.title,
        level: m.level ?? null,
        fields: m.fields,
      }));
    }
  }
  const events = list.map((c) => c.event);
  return {
    valid,
    rules,
    referenced,
    errors,
    warnings,
    format,
    events,
    total: events.length,
    matched: events.filter((e) => e.matches.length > 0).length,
  };
}

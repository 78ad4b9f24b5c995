/** Public types of the correlation engine (Sigma correlation rules, specification 2.x). */

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
] as const;

export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export const CORRELATION_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type CorrelationLevel = (typeof CORRELATION_LEVELS)[number];

export const CORRELATION_STATUSES = [
  'stable',
  'test',
  'experimental',
  'deprecated',
  'unsupported',
] as const;
export type CorrelationStatus = (typeof CORRELATION_STATUSES)[number];

export const CONDITION_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * The criteria are ANDed, which is how the specification expresses ranges
 * (`gt: 100` + `lte: 200`).
 */
export interface CorrelationCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
  /** value_* types: the field(s) aggregated; several fields only for value_count (distinct tuples) */
  field?: string[];
  /** value_percentile: which percentile (0–100) of `field` is compared */
  percentile?: number;
}

export interface CorrelationRule {
  kind: 'correlation';
  title: string;
  id?: string;
  name?: string;
  status?: CorrelationStatus;
  level?: CorrelationLevel;
  description?: string;
  tags: string[];
  type: CorrelationType;
  /** references to Sigma rules or correlation rules, by id or name, in the order written */
  rules: string[];
  groupBy: string[];
  /** as written, e.g. `5m` */
  timespan: string;
  timespanMs: number;
  condition: CorrelationCondition;
  /** alias → (rule reference → field name in events matched by that rule) */
  aliases: Record<string, Record<string, string>>;
  /** true: the referenced rules also produce their own alerts; false (default): only the correlation does */
  generate: boolean;
  origin: { file?: string; line?: number };
}

export interface CorrelationParseError {
  message: string;
  /** dotted path of the offending key, e.g. `correlation.timespan` */
  path: string;
  line?: number;
}

/** How a match names the rule that produced it. */
export interface CorrelationRuleRef {
  id?: string;
  name?: string;
  title?: string;
}

export interface CorrelationEvidence {
  eventTimeMs: number;
  /** the referenced rule the event matched */
  rule: CorrelationRuleRef;
  event: Record<string, unknown>;
}

export interface CorrelationResult {
  rule: {
    id?: string;
    name?: string;
    title: string;
    level?: CorrelationLevel;
    type: CorrelationType;
  };
  /** group-by field (or alias) → the value shared by the contributing events */
  group: Record<string, unknown>;
  /** the sliding window that satisfied the condition: [windowEndMs − timespan, windowEndMs] */
  windowStartMs: number;
  windowEndMs: number;
  /** event time of the earliest contributing event */
  firstEventMs: number;
  /** count, distinct count, sum, average or percentile, depending on the type */
  value: number;
  condition: CorrelationCondition;
  /** number of events that contributed */
  eventCount: number;
  /** the most recent contributing events, oldest first, at most `maxEvidence` */
  evidence: CorrelationEvidence[];
  /** true when eventCount exceeds evidence.length */
  evidenceTruncated: boolean;
  /**
   * true when another correlation references this one with `generate: false`:
   * the result exists to feed that correlation and is not an alert of its own.
   */
  intermediate: boolean;
}

export interface CorrelationStats {
  /** live groups across all correlation rules */
  groups: number;
  /** groups dropped because `maxGroups` was reached (oldest first) */
  evictions: number;
  /** events older than the watermark minus the allowed lateness; not counted */
  tooLate: number;
  /** groups dropped because nothing in them can fall in a future window */
  expired: number;
  /** events lacking a group-by field (or the aggregated field for value_* types) */
  missingField: number;
  /** events dropped from a group because it held more than `maxEventsPerGroup` */
  droppedEvents: number;
  /** events dated beyond the clock plus `maxFutureMs`: counted, but they move the watermark no further than that */
  future: number;
  /** matches whose event time is not a finite number; not counted */
  invalidTime: number;
  /** window entries plus evidence events held by all groups (bounded by `maxStateEvents`) */
  heldEvents: number;
  /** the event-time watermark in ms (−Infinity before the first event) */
  watermarkMs: number;
}

export interface CorrelationReference {
  /** the reference as written in `correlation.rules` */
  ref: string;
  /** ids (or titles when there is no id) of the correlation rules that reference it */
  referencedBy: string[];
  /** true when the reference names another correlation rule of this engine */
  isCorrelation: boolean;
  /** false when at least one referencing correlation has `generate: false` */
  generate: boolean;
}

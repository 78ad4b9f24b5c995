/** Public types of the Sigma engine. */

/** Sigma's logsource triple (plus `definition` and any custom keys a rule carries). */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

export type RuleStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';
export type RuleLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Where a rule, filter or error comes from. */
export interface Origin {
  /** file path, or `text#N` for the N-th in-memory text */
  file?: string;
  /** 1-based */
  line?: number;
  /** 1-based */
  column?: number;
  /** 0-based index of the YAML document inside the file */
  document?: number;
}

/** A problem found while loading or compiling. `severity: 'warning'` never drops the rule. */
export interface LoadError extends Origin {
  message: string;
  severity: 'error' | 'warning';
  /** rule id or title when known */
  rule?: string;
}

/** One value from a detection section, with its YAML source text kept for numbers. */
export type DetectionScalar =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

/** `field|mod1|mod2: value(s)`; an empty field means a keyword search over the whole event. */
export interface DetectionItem {
  field: string | null;
  modifiers: string[];
  values: DetectionScalar[];
  /** position of the key in the source, for errors */
  origin?: Origin;
}

/** A search identifier: AND of items (a map) or OR of alternatives (a list). */
export type SearchNode =
  | { kind: 'and'; items: DetectionItem[] }
  | { kind: 'or'; alternatives: SearchNode[] }
  | { kind: 'item'; item: DetectionItem };

export interface SigmaRule {
  kind: 'rule';
  title: string;
  id?: string;
  name?: string;
  status?: RuleStatus;
  level?: RuleLevel;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  references: string[];
  tags: string[];
  falsepositives: string[];
  fields: string[];
  related: { id: string; type: string }[];
  logsource: LogSource;
  detection: Record<string, SearchNode>;
  /** one or more condition strings; a list is OR */
  conditions: string[];
  /** the parsed YAML document, unchanged, for tools that want custom attributes */
  raw: Record<string, unknown>;
  origin: Origin;
}

/** A Sigma filter (`filter:` document, sigma-filters-specification). */
export interface SigmaFilter {
  kind: 'filter';
  title: string;
  id?: string;
  name?: string;
  logsource: LogSource;
  /** rule ids or names; `'any'` applies to every rule whose logsource fits */
  rules: string[] | 'any';
  detection: Record<string, SearchNode>;
  condition: string;
  raw: Record<string, unknown>;
  origin: Origin;
}

/** What the engine reports when a rule fires. */
export interface Match {
  kind: 'detection' | 'correlation';
  ruleId?: string;
  ruleName?: string;
  title: string;
  level?: RuleLevel;
  status?: RuleStatus;
  tags: string[];
  logsource: LogSource;
  /** the fields the rule's detection refers to, with the values this event holds for them */
  fields: Record<string, unknown>;
  /** event time in ms since the epoch, when the event carries one */
  eventTimeMs?: number;
  /** for `kind: 'correlation'`: what the correlation engine reported */
  correlation?: unknown;
}

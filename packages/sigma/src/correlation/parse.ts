import {
  CONDITION_OPERATORS,
  CORRELATION_LEVELS,
  CORRELATION_STATUSES,
  CORRELATION_TYPES,
  type ConditionOperator,
  type CorrelationCondition,
  type CorrelationLevel,
  type CorrelationParseError,
  type CorrelationRule,
  type CorrelationStatus,
  type CorrelationType,
} from './types.js';

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * `90m`, `1h`, `30s`, `1d` (and pySigma's `w`) → milliseconds, or undefined.
 * Months and years are refused: they are not fixed durations.
 */
export function parseCorrelationTimespan(text: string): number | undefined {
  const m = /^([0-9]+)([smhdw])$/.exec(text);
  if (m === null) return undefined;
  const count = Number(m[1]);
  const ms = count * UNIT_MS[m[2]!]!;
  return count > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

const CORRELATION_KEYS = new Set([
  'type',
  'rules',
  'group-by',
  'timespan',
  'condition',
  'aliases',
  'generate',
]);
const CONDITION_KEYS = new Set<string>([...CONDITION_OPERATORS, 'field', 'percentile']);
const VALUE_TYPES = new Set<CorrelationType>([
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
]);
const TEMPORAL_TYPES = new Set<CorrelationType>(['temporal', 'temporal_ordered']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Lower and upper bounds implied by the operators; used to refuse conditions that can never hold. */
function impossible(c: CorrelationCondition): boolean {
  let lo = -Infinity;
  let loStrict = false;
  let hi = Infinity;
  let hiStrict = false;
  const raise = (v: number, strict: boolean): void => {
    if (v > lo || (v === lo && strict)) [lo, loStrict] = [v, strict];
  };
  const lower = (v: number, strict: boolean): void => {
    if (v < hi || (v === hi && strict)) [hi, hiStrict] = [v, strict];
  };
  if (c.gt !== undefined) raise(c.gt, true);
  if (c.gte !== undefined) raise(c.gte, false);
  if (c.eq !== undefined) {
    raise(c.eq, false);
    lower(c.eq, false);
  }
  if (c.lt !== undefined) lower(c.lt, true);
  if (c.lte !== undefined) lower(c.lte, false);
  if (lo > hi || (lo === hi && (loStrict || hiStrict))) return true;
  return c.eq !== undefined && c.neq === c.eq;
}

/**
 * Validates one YAML document holding a correlation rule. Every problem is
 * reported (not just the first), each naming the key it is about.
 */
export function parseCorrelationRule(
  doc: Record<string, unknown>,
  origin: { file?: string; line?: number },
): { rule: CorrelationRule } | { errors: CorrelationParseError[] } {
  const errors: CorrelationParseError[] = [];
  const fail = (path: string, message: string): void => {
    errors.push(
      origin.line === undefined ? { path, message } : { path, message, line: origin.line },
    );
  };

  const optionalString = (key: string): string | undefined => {
    const v = doc[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') {
      fail(key, `'${key}' must be a non-empty string, not ${describe(v)}`);
      return undefined;
    }
    return v;
  };

  let title = '';
  if (typeof doc.title !== 'string' || doc.title.trim() === '') {
    fail(
      'title',
      doc.title === undefined
        ? "'title' is required"
        : `'title' must be a non-empty string, not ${describe(doc.title)}`,
    );
  } else if (doc.title.length > 256) {
    fail('title', `'title' is ${doc.title.length} characters long; the limit is 256`);
  } else {
    title = doc.title;
  }

  const id = optionalString('id');
  const name = optionalString('name');
  const description = optionalString('description');

  const status = optionalString('status');
  if (status !== undefined && !(CORRELATION_STATUSES as readonly string[]).includes(status)) {
    fail('status', `'status' must be one of ${CORRELATION_STATUSES.join(', ')}, not '${status}'`);
  }
  const level = optionalString('level');
  if (level !== undefined && !(CORRELATION_LEVELS as readonly string[]).includes(level)) {
    fail('level', `'level' must be one of ${CORRELATION_LEVELS.join(', ')}, not '${level}'`);
  }

  const tags: string[] = [];
  if (doc.tags !== undefined && doc.tags !== null) {
    if (!Array.isArray(doc.tags) || doc.tags.some((t) => typeof t !== 'string')) {
      fail('tags', "'tags' must be a list of strings");
    } else {
      tags.push(...(doc.tags as string[]));
    }
  }

  const corr = doc.correlation;
  if (!isRecord(corr)) {
    fail(
      'correlation',
      corr === undefined
        ? "'correlation' is required in a correlation rule"
        : `'correlation' must be a map, not ${describe(corr)}`,
    );
    return { errors };
  }

  for (const key of Object.keys(corr)) {
    if (!CORRELATION_KEYS.has(key)) {
      const hint = key === 'group_by' || key === 'groupby' ? " (did you mean 'group-by'?)" : '';
      fail(`correlation.${key}`, `unknown key '${key}' in 'correlation'${hint}`);
    }
  }

  let type: CorrelationType | undefined;
  if (typeof corr.type !== 'string') {
    fail(
      'correlation.type',
      corr.type === undefined
        ? "'correlation.type' is required"
        : `'correlation.type' must be a string, not ${describe(corr.type)}`,
    );
  } else if (!(CORRELATION_TYPES as readonly string[]).includes(corr.type)) {
    fail(
      'correlation.type',
      `'correlation.type' must be one of ${CORRELATION_TYPES.join(', ')}, not '${corr.type}'`,
    );
  } else {
    type = corr.type as CorrelationType;
  }

  const rules: string[] = [];
  const rawRules: unknown = typeof corr.rules === 'string' ? [corr.rules] : corr.rules;
  if (rawRules === undefined || rawRules === null) {
    fail(
      'correlation.rules',
      "'correlation.rules' is required: the rules to correlate, by id or name",
    );
  } else if (!Array.isArray(rawRules) || rawRules.length === 0) {
    fail('correlation.rules', "'correlation.rules' must be a non-empty list of rule ids or names");
  } else {
    rawRules.forEach((r: unknown, i) => {
      if (typeof r !== 'string' || r.trim() === '') {
        fail(
          `correlation.rules.${i}`,
          `rule reference ${i + 1} must be a non-empty string, not ${describe(r)}`,
        );
      } else if (rules.includes(r)) {
        fail(`correlation.rules.${i}`, `rule '${r}' is listed twice in 'correlation.rules'`);
      } else {
        rules.push(r);
      }
    });
  }

  const groupBy: string[] = [];
  const rawGroupBy: unknown =
    typeof corr['group-by'] === 'string' ? [corr['group-by']] : corr['group-by'];
  if (rawGroupBy !== undefined && rawGroupBy !== null) {
    if (!Array.isArray(rawGroupBy)) {
      fail(
        'correlation.group-by',
        `'correlation.group-by' must be a list of field names, not ${describe(rawGroupBy)}`,
      );
    } else {
      rawGroupBy.forEach((f: unknown, i) => {
        if (typeof f !== 'string' || f === '') {
          fail(
            `correlation.group-by.${i}`,
            `group-by entry ${i + 1} must be a field name, not ${describe(f)}`,
          );
        } else if (groupBy.includes(f)) {
          fail(
            `correlation.group-by.${i}`,
            `field '${f}' is listed twice in 'correlation.group-by'`,
          );
        } else {
          groupBy.push(f);
        }
      });
    }
  }

  let timespan = '';
  let timespanMs = 0;
  if (corr.timespan === undefined || corr.timespan === null) {
    fail('correlation.timespan', "'correlation.timespan' is required, e.g. '5m'");
  } else if (typeof corr.timespan !== 'string') {
    fail(
      'correlation.timespan',
      `'correlation.timespan' must be a number followed by s, m, h, d or w (e.g. '5m'), not ${describe(corr.timespan)}`,
    );
  } else {
    const ms = parseCorrelationTimespan(corr.timespan);
    if (ms === undefined) {
      fail(
        'correlation.timespan',
        `'correlation.timespan' must be a positive number followed by s, m, h, d or w (e.g. '5m'), not '${corr.timespan}'`,
      );
    } else {
      timespan = corr.timespan;
      timespanMs = ms;
    }
  }

  const condition: CorrelationCondition = {};
  const rawCondition = corr.condition;
  if (rawCondition === undefined || rawCondition === null) {
    if (type !== undefined && !TEMPORAL_TYPES.has(type)) {
      fail(
        'correlation.condition',
        `'correlation.condition' is required for type '${type}', e.g. 'gte: 10'`,
      );
    }
  } else if (typeof rawCondition === 'string') {
    fail(
      'correlation.condition',
      "'correlation.condition' must be a map such as 'gte: 10'; boolean-expression conditions are not supported",
    );
  } else if (!isRecord(rawCondition)) {
    fail(
      'correlation.condition',
      `'correlation.condition' must be a map, not ${describe(rawCondition)}`,
    );
  } else {
    let operators = 0;
    for (const [key, value] of Object.entries(rawCondition)) {
      const path = `correlation.condition.${key}`;
      if (!CONDITION_KEYS.has(key)) {
        fail(
          path,
          `unknown key '${key}' in 'correlation.condition' (expected ${[...CONDITION_KEYS].join(', ')})`,
        );
      } else if (key === 'field') {
        const fields: unknown = typeof value === 'string' ? [value] : value;
        if (
          !Array.isArray(fields) ||
          fields.length === 0 ||
          fields.some((f) => typeof f !== 'string' || f === '')
        ) {
          fail(
            path,
            `'correlation.condition.field' must be a field name or a list of field names, not ${describe(value)}`,
          );
        } else {
          condition.field = fields as string[];
        }
      } else if (key === 'percentile') {
        if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
          fail(
            path,
            `'correlation.condition.percentile' must be a number from 0 to 100, not ${describe(value)}`,
          );
        } else {
          condition.percentile = value;
        }
      } else {
        operators++;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          fail(path, `'correlation.condition.${key}' must be a number, not ${describe(value)}`);
        } else {
          condition[key as ConditionOperator] = value;
        }
      }
    }
    if (operators === 0) {
      fail(
        'correlation.condition',
        `'correlation.condition' needs at least one of ${CONDITION_OPERATORS.join(', ')}`,
      );
    } else if (impossible(condition)) {
      fail(
        'correlation.condition',
        "'correlation.condition' can never be true: its bounds exclude every value",
      );
    }
  }

  if (type !== undefined) {
    if (VALUE_TYPES.has(type)) {
      if (
        condition.field === undefined &&
        isRecord(rawCondition) &&
        rawCondition.field === undefined
      ) {
        fail(
          'correlation.condition.field',
          `'correlation.condition.field' is required for type '${type}': the field to aggregate`,
        );
      } else if (
        condition.field !== undefined &&
        condition.field.length > 1 &&
        type !== 'value_count'
      ) {
        fail(
          'correlation.condition.field',
          `type '${type}' aggregates one field; a list of fields is only for value_count`,
        );
      }
    } else if (condition.field !== undefined) {
      fail(
        'correlation.condition.field',
        `'correlation.condition.field' has no meaning for type '${type}'`,
      );
    }
    if (condition.percentile !== undefined && type !== 'value_percentile') {
      fail(
        'correlation.condition.percentile',
        `'correlation.condition.percentile' has no meaning for type '${type}'`,
      );
    }
    // The specification's temporal default: every referenced rule must match in the window.
    if (TEMPORAL_TYPES.has(type) && (rawCondition === undefined || rawCondition === null)) {
      condition.gte = rules.length;
    }
    if (type === 'value_percentile' && condition.percentile === undefined)
      condition.percentile = 50;
    if (type === 'value_median') condition.percentile = 50;
  }

  const aliases: Record<string, Record<string, string>> = {};
  if (corr.aliases !== undefined && corr.aliases !== null) {
    if (!isRecord(corr.aliases)) {
      fail(
        'correlation.aliases',
        `'correlation.aliases' must be a map of alias → (rule name → field), not ${describe(corr.aliases)}`,
      );
    } else {
      for (const [alias, mapping] of Object.entries(corr.aliases)) {
        const path = `correlation.aliases.${alias}`;
        if (!isRecord(mapping)) {
          fail(
            path,
            `alias '${alias}' must map rule names to field names, not ${describe(mapping)}`,
          );
          continue;
        }
        const resolved: Record<string, string> = {};
        for (const [ruleRef, field] of Object.entries(mapping)) {
          if (typeof field !== 'string' || field === '') {
            fail(
              `${path}.${ruleRef}`,
              `alias '${alias}' for rule '${ruleRef}' must be a field name, not ${describe(field)}`,
            );
          } else if (rules.length > 0 && !rules.includes(ruleRef)) {
            fail(
              `${path}.${ruleRef}`,
              `alias '${alias}' names rule '${ruleRef}', which is not in 'correlation.rules'`,
            );
          } else {
            resolved[ruleRef] = field;
          }
        }
        aliases[alias] = resolved;
      }
    }
  }

  // The specification lists `generate` among the rule's top-level attributes and
  // pySigma reads it inside `correlation`; accept either, but not a contradiction.
  let generate = false;
  const generates = [
    ['correlation.generate', corr.generate],
    ['generate', doc.generate],
  ] as const;
  let seen: boolean | undefined;
  for (const [path, value] of generates) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') {
      fail(path, `'${path}' must be true or false, not ${describe(value)}`);
    } else if (seen !== undefined && seen !== value) {
      fail(path, "'generate' and 'correlation.generate' disagree");
    } else {
      seen = value;
      generate = value;
    }
  }

  if (errors.length > 0 || type === undefined) return { errors };

  const rule: CorrelationRule = {
    kind: 'correlation',
    title,
    tags,
    type,
    rules,
    groupBy,
    timespan,
    timespanMs,
    condition,
    aliases,
    generate,
    origin: { ...origin },
  };
  if (id !== undefined) rule.id = id;
  if (name !== undefined) rule.name = name;
  if (description !== undefined) rule.description = description;
  if (status !== undefined) rule.status = status as CorrelationStatus;
  if (level !== undefined) rule.level = level as CorrelationLevel;
  return { rule };
}

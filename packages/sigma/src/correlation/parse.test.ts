import { describe, expect, it } from 'vitest';

import { parseCorrelationRule, parseCorrelationTimespan } from './parse.js';
import type { CorrelationParseError, CorrelationRule } from './types.js';

function ok(doc: Record<string, unknown>): CorrelationRule {
  const r = parseCorrelationRule(doc, { file: 'mr_test.yml', line: 3 });
  if ('errors' in r) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.rule;
}

function errors(doc: Record<string, unknown>): CorrelationParseError[] {
  const r = parseCorrelationRule(doc, { file: 'mr_test.yml', line: 3 });
  if ('rule' in r) throw new Error('expected errors');
  return r.errors;
}

const base = {
  title: 'Many failed logins',
  id: '0e95725d-7320-415d-80f7-004da920fc11',
  correlation: {
    type: 'event_count',
    rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
    'group-by': ['ComputerName'],
    timespan: '1h',
    condition: { gte: 100 },
  },
};

function withCorrelation(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...base, correlation: { ...base.correlation, ...patch } };
}

describe('parseCorrelationTimespan', () => {
  it('converts each unit the specification names', () => {
    expect(parseCorrelationTimespan('30s')).toBe(30_000);
    expect(parseCorrelationTimespan('5m')).toBe(300_000);
    expect(parseCorrelationTimespan('90m')).toBe(5_400_000);
    expect(parseCorrelationTimespan('1h')).toBe(3_600_000);
    expect(parseCorrelationTimespan('1d')).toBe(86_400_000);
    expect(parseCorrelationTimespan('2w')).toBe(1_209_600_000);
  });

  it('refuses zero, missing units, upper case, spaces and months', () => {
    for (const bad of ['0m', '5', 'm', '5M', '1H', '5 m', '1y', '1.5h', '-1h', '']) {
      expect(parseCorrelationTimespan(bad), bad).toBeUndefined();
    }
  });
});

describe('parseCorrelationRule: the specification examples', () => {
  it('event_count: 100 failed logins per host in an hour', () => {
    const r = ok({ ...base, level: 'high', status: 'test' });
    expect(r).toMatchObject({
      kind: 'correlation',
      title: 'Many failed logins',
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      type: 'event_count',
      rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
      groupBy: ['ComputerName'],
      timespan: '1h',
      timespanMs: 3_600_000,
      condition: { gte: 100 },
      generate: false,
      level: 'high',
      status: 'test',
      origin: { file: 'mr_test.yml', line: 3 },
    });
  });

  it('value_count: distinct users per source and destination in a day', () => {
    const r = ok({
      title: 'Failed login',
      id: '0e95725d-7320-415d-80f7-004da920fc12',
      correlation: {
        type: 'value_count',
        rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
        'group-by': ['ComputerName', 'WorkstationName'],
        timespan: '1d',
        condition: { field: 'User', gte: 100 },
      },
    });
    expect(r.condition).toEqual({ field: ['User'], gte: 100 });
    expect(r.groupBy).toEqual(['ComputerName', 'WorkstationName']);
  });

  it('temporal without a condition requires every referenced rule', () => {
    const r = ok({
      title: 'Recon',
      correlation: {
        type: 'temporal',
        rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'],
        'group-by': ['ComputerName', 'User'],
        timespan: '5m',
      },
    });
    expect(r.condition).toEqual({ gte: 3 });
  });

  it('temporal_ordered with aliases (the field name aliases example)', () => {
    const r = ok({
      title: 'Internal error then connection',
      correlation: {
        type: 'temporal_ordered',
        rules: ['internal_error', 'new_network_connection'],
        'group-by': ['internal_ip', 'remote_ip'],
        timespan: '10s',
        aliases: {
          internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
          remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
        },
      },
    });
    expect(r.aliases.internal_ip).toEqual({
      internal_error: 'destination.ip',
      new_network_connection: 'source.ip',
    });
    expect(r.condition).toEqual({ gte: 2 });
  });

  it('value_avg and value_percentile from the specification test files', () => {
    const avg = ok({
      title: 'Suspicious average network traffic',
      correlation: {
        type: 'value_avg',
        rules: ['rule_a_id'],
        'group-by': ['SourceIP', 'User'],
        timespan: '24h',
        condition: { field: 'BytesOut', gt: 500 },
      },
    });
    expect(avg.condition).toEqual({ field: ['BytesOut'], gt: 500 });
    const pct = ok({
      title: 'Rare process',
      correlation: {
        type: 'value_percentile',
        rules: ['process_creation'],
        'group-by': ['ComputerName'],
        timespan: '24h',
        condition: { field: 'image', lte: 1 },
      },
    });
    // Without `percentile` the median is compared (documented default).
    expect(pct.condition).toEqual({ field: ['image'], lte: 1, percentile: 50 });
  });

  it('accepts a range (gt + lte), neq, a single rule as a string and generate at either level', () => {
    const r = ok({
      ...base,
      generate: true,
      correlation: {
        ...base.correlation,
        rules: 'failed_login',
        condition: { gt: 100, lte: 200, neq: 150 },
      },
    });
    expect(r.rules).toEqual(['failed_login']);
    expect(r.condition).toEqual({ gt: 100, lte: 200, neq: 150 });
    expect(r.generate).toBe(true);
    expect(ok(withCorrelation({ generate: true })).generate).toBe(true);
  });

  it('takes a missing group-by as one global group', () => {
    const { 'group-by': _drop, ...corr } = base.correlation;
    expect(ok({ ...base, correlation: corr }).groupBy).toEqual([]);
  });
});

describe('parseCorrelationRule: errors name the key', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing title', { ...base, title: undefined }, 'title', /'title' is required/],
    ['long title', { ...base, title: 'x'.repeat(257) }, 'title', /limit is 256/],
    ['bad level', { ...base, level: 'urgent' }, 'level', /'level' must be one of/],
    ['bad status', { ...base, status: 'done' }, 'status', /'status' must be one of/],
    ['missing correlation', { title: 't' }, 'correlation', /'correlation' is required/],
    ['correlation not a map', { title: 't', correlation: ['x'] }, 'correlation', /must be a map/],
    [
      'missing type',
      withCorrelation({ type: undefined }),
      'correlation.type',
      /'correlation.type' is required/,
    ],
    [
      'unknown type',
      withCorrelation({ type: 'event_sum' }),
      'correlation.type',
      /must be one of .*not 'event_sum'/,
    ],
    [
      'missing rules',
      withCorrelation({ rules: undefined }),
      'correlation.rules',
      /'correlation.rules' is required/,
    ],
    ['empty rules', withCorrelation({ rules: [] }), 'correlation.rules', /non-empty list/],
    [
      'rule not a string',
      withCorrelation({ rules: ['a', 7] }),
      'correlation.rules.1',
      /rule reference 2/,
    ],
    [
      'duplicate rule',
      withCorrelation({ rules: ['a', 'a'] }),
      'correlation.rules.1',
      /listed twice/,
    ],
    [
      'group-by map',
      withCorrelation({ 'group-by': { a: 1 } }),
      'correlation.group-by',
      /list of field names/,
    ],
    [
      'missing timespan',
      withCorrelation({ timespan: undefined }),
      'correlation.timespan',
      /is required/,
    ],
    [
      'bad timespan',
      withCorrelation({ timespan: '5 minutes' }),
      'correlation.timespan',
      /not '5 minutes'/,
    ],
    [
      'numeric timespan',
      withCorrelation({ timespan: 300 }),
      'correlation.timespan',
      /not number 300/,
    ],
    [
      'missing condition',
      withCorrelation({ condition: undefined }),
      'correlation.condition',
      /required for type 'event_count'/,
    ],
    [
      'string condition',
      withCorrelation({ condition: 'a and b' }),
      'correlation.condition',
      /boolean-expression/,
    ],
    [
      'no operator',
      withCorrelation({ condition: {} }),
      'correlation.condition',
      /at least one of gt/,
    ],
    [
      'unknown operator',
      withCorrelation({ condition: { ge: 3 } }),
      'correlation.condition.ge',
      /unknown key 'ge'/,
    ],
    [
      'non-numeric bound',
      withCorrelation({ condition: { gte: 'ten' } }),
      'correlation.condition.gte',
      /must be a number/,
    ],
    [
      'impossible range',
      withCorrelation({ condition: { gt: 10, lt: 5 } }),
      'correlation.condition',
      /never be true/,
    ],
    [
      'eq excluded by neq',
      withCorrelation({ condition: { eq: 3, neq: 3 } }),
      'correlation.condition',
      /never be true/,
    ],
    [
      'field on event_count',
      withCorrelation({ condition: { gte: 3, field: 'User' } }),
      'correlation.condition.field',
      /no meaning for type 'event_count'/,
    ],
    [
      'value_count without field',
      withCorrelation({ type: 'value_count' }),
      'correlation.condition.field',
      /required for type 'value_count'/,
    ],
    [
      'value_sum with two fields',
      withCorrelation({ type: 'value_sum', condition: { gte: 3, field: ['a', 'b'] } }),
      'correlation.condition.field',
      /only for value_count/,
    ],
    [
      'percentile out of range',
      withCorrelation({
        type: 'value_percentile',
        condition: { gte: 3, field: 'a', percentile: 101 },
      }),
      'correlation.condition.percentile',
      /0 to 100/,
    ],
    [
      'percentile on value_sum',
      withCorrelation({ type: 'value_sum', condition: { gte: 3, field: 'a', percentile: 90 } }),
      'correlation.condition.percentile',
      /no meaning/,
    ],
    [
      'group_by typo',
      withCorrelation({ group_by: ['User'] }),
      'correlation.group_by',
      /did you mean 'group-by'/,
    ],
    [
      'aliases not a map',
      withCorrelation({ aliases: ['x'] }),
      'correlation.aliases',
      /must be a map/,
    ],
    [
      'alias for unknown rule',
      withCorrelation({ 'group-by': ['ip'], aliases: { ip: { other_rule: 'source.ip' } } }),
      'correlation.aliases.ip.other_rule',
      /not in 'correlation.rules'/,
    ],
    [
      'alias field not a string',
      withCorrelation({ aliases: { ip: { '5638f7c0-ac70-491d-8465-2a65075e0d86': 3 } } }),
      'correlation.aliases.ip.5638f7c0-ac70-491d-8465-2a65075e0d86',
      /must be a field name/,
    ],
    [
      'generate not boolean',
      withCorrelation({ generate: 'yes' }),
      'correlation.generate',
      /true or false/,
    ],
    [
      'generate contradiction',
      { ...withCorrelation({ generate: true }), generate: false },
      'generate',
      /disagree/,
    ],
  ];

  it.each(cases)('%s', (_name, doc, path, message) => {
    const errs = errors(doc);
    const hit = errs.find((e) => e.path === path);
    expect(hit, JSON.stringify(errs)).toBeDefined();
    expect(hit!.message).toMatch(message);
    expect(hit!.line).toBe(3);
  });

  it('reports every problem, not only the first', () => {
    const errs = errors({
      correlation: { type: 'nope', rules: [], timespan: 'soon', condition: { gte: 'x' } },
    });
    expect(errs.map((e) => e.path).sort()).toEqual([
      'correlation.condition.gte',
      'correlation.rules',
      'correlation.timespan',
      'correlation.type',
      'title',
    ]);
  });
});

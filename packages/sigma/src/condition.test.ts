/** Condition forms and precedence, from the rules specification's Condition section. */
import { describe, expect, it } from 'vitest';
import { parseCondition, ConditionError } from './condition.js';
import { matches } from './test-support.js';

const det = (condition: string): string =>
  [
    "a:\n    A: 'x'",
    "b:\n    B: 'x'",
    "c:\n    C: 'x'",
    "sel1:\n    S1: 'x'",
    "sel2:\n    S2: 'x'",
    "_hidden:\n    H: 'x'",
    `condition: ${condition}`,
  ].join('\n');

const ev = (...keys: string[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, 'x']));

describe('conditions', () => {
  it('and, or, not', () => {
    expect(matches(det('a and b'), ev('A', 'B'))).toBe(true);
    expect(matches(det('a and b'), ev('A'))).toBe(false);
    expect(matches(det('a or b'), ev('B'))).toBe(true);
    expect(matches(det('a and not b'), ev('A', 'B'))).toBe(false);
    expect(matches(det('a and not b'), ev('A'))).toBe(true);
  });

  it('binds and tighter than or, and not tighter than and', () => {
    // a or (b and c)
    expect(matches(det('a or b and c'), ev('A'))).toBe(true);
    expect(matches(det('a or b and c'), ev('B'))).toBe(false);
    // (not a) and b
    expect(matches(det('not a and b'), ev('B'))).toBe(true);
    expect(matches(det('not a and b'), ev('A', 'B'))).toBe(false);
  });

  it('parentheses override precedence', () => {
    expect(matches(det('(a or b) and c'), ev('A'))).toBe(false);
    expect(matches(det('(a or b) and c'), ev('A', 'C'))).toBe(true);
    expect(matches(det('not (a or b)'), ev('C'))).toBe(true);
  });

  it('1 of pattern and all of pattern', () => {
    expect(matches(det('1 of sel*'), ev('S2'))).toBe(true);
    expect(matches(det('all of sel*'), ev('S2'))).toBe(false);
    expect(matches(det('all of sel*'), ev('S1', 'S2'))).toBe(true);
    expect(matches(det('a and not 1 of sel*'), ev('A', 'S1'))).toBe(false);
  });

  it('1 of them and all of them ignore identifiers starting with _', () => {
    expect(matches(det('1 of them'), ev('H'))).toBe(false);
    expect(matches(det('1 of them'), ev('C'))).toBe(true);
    expect(matches(det('all of them'), ev('A', 'B', 'C', 'S1', 'S2'))).toBe(true);
    expect(matches(det('all of them'), ev('A', 'B', 'C', 'S1'))).toBe(false);
  });

  it('a list of conditions is OR', () => {
    const d = "a:\n    A: 'x'\nb:\n    B: 'x'\ncondition:\n    - a\n    - b";
    expect(matches(d, ev('B'))).toBe(true);
    expect(matches(d, ev('C'))).toBe(false);
  });

  it('rejects undefined identifiers, unmatched patterns and bad syntax', () => {
    const ids = ['a', 'b'];
    expect(() => parseCondition('a and x', ids)).toThrow(ConditionError);
    expect(() => parseCondition('1 of sel*', ids)).toThrow(/matches no search identifier/);
    expect(() => parseCondition('(a or b', ids)).toThrow(/`\)`/);
    expect(() => parseCondition('a b', ids)).toThrow(/unexpected/);
    expect(() => parseCondition('2 of a*', ids)).toThrow(/1 of/);
    expect(parseCondition('not not a', ids)).toEqual({
      t: 'not',
      arg: { t: 'not', arg: { t: 'id', name: 'a' } },
    });
  });
});

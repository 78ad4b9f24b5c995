/** The prefilter may only skip rules that cannot match: its literals must be truly necessary. */
import { seededRandom } from '@prahari/core';
import { describe, expect, it } from 'vitest';
import { AhoCorasick, Hits, RoutePlan, WuManber, literalSearch } from './prefilter.js';
import type { LiteralSearch } from './prefilter.js';
import { regexLiteral, regexMinLength } from './compiler.js';
import type { Atom, Requirement } from './compiler.js';
import { EventView } from './event-view.js';
import { engineFor, matches, rule } from './test-support.js';

/** Ids of the literals occurring in `text`, compared as the prefilter compares (lower case). */
function naive(lits: string[], text: string): number[] {
  const lower = text.toLowerCase();
  return lits.flatMap((l, id) => (lower.includes(l) ? [id] : []));
}

function found(search: LiteralSearch, text: string): number[] {
  const hits = new Hits();
  search.scan(text, hits);
  return [...new Set(hits.toArray())].sort((a, b) => a - b);
}

describe('Aho-Corasick literal search', () => {
  const ac = new AhoCorasick();
  ['he', 'she', 'his', 'hers', '\\cmd.exe'].forEach((lit, id) => ac.add(lit, id));
  ac.build();
  const found = (text: string): number[] => {
    const hits = new Hits();
    ac.scan(text, hits);
    return [...new Set(hits.toArray())].sort();
  };

  it('finds overlapping literals, case-insensitively', () => {
    expect(found('uSHERS')).toEqual([0, 1, 3]);
    expect(found('C:\\Windows\\CMD.EXE')).toEqual([4]);
    expect(found('nothing')).toEqual([]);
  });

  it('falls back to exact lower-casing for characters that lower-case to two', () => {
    // U+0130 lower-cases to "i" + U+0307
    expect(found('\u0130 his')).toEqual([2]);
  });
});

describe('literal search against a naive reference', () => {
  // a small alphabet makes overlaps, shared prefixes and failure links common
  const ALPHABET = [
    'a',
    'b',
    'c',
    'A',
    'B',
    '\\',
    '.',
    ':',
    'é',
    'É',
    '\u0130',
    'i',
    '\u0307',
    'x',
  ];
  const word = (r: () => number, min: number, max: number): string => {
    const n = min + Math.floor(r() * (max - min + 1));
    let s = '';
    for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    return s;
  };

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`Aho-Corasick and Wu-Manber find exactly the literals present (seed ${seed})`, () => {
      const r = seededRandom(seed);
      const minLen = seed <= 3 ? 1 : 2;
      const lits = [
        ...new Set(Array.from({ length: 5 + seed * 30 }, () => word(r, minLen, 6).toLowerCase())),
      ];
      const ac = new AhoCorasick();
      lits.forEach((l, id) => ac.add(l, id));
      ac.build();
      const wm = new WuManber();
      if (minLen >= 2) lits.forEach((l, id) => wm.add(l, id));
      for (let t = 0; t < 300; t++) {
        const text = word(r, 0, 60);
        const want = naive(lits, text);
        expect(found(ac, text), text).toEqual(want);
        if (minLen >= 2) expect(found(wm, text), text).toEqual(want);
      }
    });
  }

  it('gives dense rows to wide nodes and still follows failure links through sparse ones', () => {
    const lits = ['abcd', 'abce', 'abcf', 'abcg', 'bcdx', 'cd', 'xabcdy'];
    const ac = new AhoCorasick();
    lits.forEach((l, id) => ac.add(l, id));
    ac.build();
    expect(ac.size.denseRows).toBeGreaterThan(1 + 3); // root, its 3 children, and 'abc'
    for (const text of ['xabcdy', 'abcbcdx', 'ABCG', 'zzabcfcd', 'xabcdxabcdy'])
      expect(found(ac, text), text).toEqual(naive(lits, text));
  });

  it('gives hot nodes rows while scanning, and finds the same literals through them', () => {
    const r = seededRandom(7);
    const lits = [...new Set(Array.from({ length: 120 }, () => word(r, 1, 6).toLowerCase()))];
    const ac = new AhoCorasick();
    lits.forEach((l, id) => ac.add(l, id));
    ac.build();
    const before = ac.size.denseRows;
    for (let t = 0; t < 3000; t++) {
      const text = word(r, 0, 60);
      expect(found(ac, text), text).toEqual(naive(lits, text));
    }
    expect(ac.size.denseRows).toBeGreaterThan(before);
    // a shared budget bounds the rows gained
    const budget = { rows: 3 };
    const small = new AhoCorasick(budget);
    lits.forEach((l, id) => small.add(l, id));
    small.build();
    const start = small.size.denseRows;
    for (let t = 0; t < 3000; t++) found(small, word(r, 0, 60));
    expect(small.size.denseRows).toBe(start + 3);
    expect(budget.rows).toBe(0);
  });

  it('picks Wu-Manber for long literals and Aho-Corasick for short ones', () => {
    const ids = (xs: string[]): Map<string, number> => new Map(xs.map((x, i) => [x, i]));
    expect(literalSearch(ids(['lsadump::', 'sekurlsa::', 'privilege::debug']))).toBeInstanceOf(
      WuManber,
    );
    expect(literalSearch(ids(['\\', '.exe', 'lsadump::']))).toBeInstanceOf(AhoCorasick);
  });
});

describe('the route prefilter', () => {
  const view = (fields: Record<string, unknown>): EventView => {
    const v = new EventView(['A', 'B', 'C'].map((k) => (root) => root[k]));
    v.reset(fields);
    return v;
  };
  const atom = (slot: number, lit: string): Atom => ({ slot, lit });
  const plan = new RoutePlan<Requirement>(
    [
      [[atom(0, 'x')], [atom(1, 'y')]], // 0: x in A and y in B
      null, // 1: always
      [[atom(0, 'x'), atom(2, 'z')]], // 2: x in A or z in C
      [[atom(0, 'x')], []], // 3: cannot match
      [[atom(2, 'q')], [atom(2, 'r')], [atom(1, 'y')]], // 4: q and r in C, y in B
    ],
    (req) => req,
  );
  const candidates = (fields: Record<string, unknown>): number[] => {
    const n = plan.candidates(view(fields));
    return Array.from(plan.found.subarray(0, n));
  };

  it('admits a rule only once every clause has one of its literals, in route order', () => {
    expect(candidates({})).toEqual([1]);
    expect(candidates({ A: 'xx' })).toEqual([1, 2]);
    expect(candidates({ A: 'XX', B: 'Y' })).toEqual([0, 1, 2]);
    expect(candidates({ C: 'RQz', B: 'yy' })).toEqual([1, 2, 4]);
    expect(candidates({ C: 'r r r', B: 'y' })).toEqual([1]);
    expect(candidates({ A: ['a', 'x'], B: 7, C: 'qr' })).toEqual([1, 2]);
  });

  it('keeps its answer right across many events (generations)', () => {
    for (let i = 0; i < 1000; i++) {
      expect(candidates(i % 2 ? { A: 'x', B: 'y' } : { C: 'z' })).toEqual(
        i % 2 ? [0, 1, 2] : [1, 2],
      );
    }
  });

  it('still matches rules whose selections all need literals', () => {
    const d =
      "sel_img:\n    Image|endswith: '\\wmic.exe'\nsel_cli:\n    CommandLine|contains|all:\n        - 'process'\n        - 'call'\ncondition: all of sel_*";
    expect(matches(d, { Image: 'C:\\x\\WMIC.exe', CommandLine: 'wmic process call create' })).toBe(
      true,
    );
    expect(matches(d, { Image: 'C:\\x\\WMIC.exe', CommandLine: 'wmic process list' })).toBe(false);
    expect(matches(d, { Image: 'C:\\x\\cmd.exe', CommandLine: 'process call' })).toBe(false);
    const any =
      "a:\n    X|contains: 'foo'\nb:\n    Y|contains: 'bar'\n    Z: 'baz'\ncondition: 1 of a or b";
    expect(matches(any, { Y: 'xbarx', Z: 'BAZ' })).toBe(true);
    expect(matches(any, { X: 'FOO' })).toBe(true);
    expect(matches(any, { Y: 'bar', Z: 'nope' })).toBe(false);
  });

  it('never evaluates a selection whose only value cannot match, and keeps warning about it', () => {
    const engine = engineFor(
      rule("s:\n    C|contains: 'echo '\n    C|contains|expand: '%dom%'\ncondition: s"),
    );
    expect(engine.evaluate({ C: 'echo %dom%' })).toEqual([]);
    expect(engine.errors.some((e) => e.message.includes('%dom%'))).toBe(true);
    const filtered = engineFor(
      rule("s:\n    C|contains: 'echo '\nf:\n    C|expand: '%dom%'\ncondition: s and not f"),
    );
    expect(filtered.evaluate({ C: 'echo x' })).toHaveLength(1);
  });
});

describe('the shortest match of a regular expression', () => {
  it('is a lower bound from the pattern', () => {
    const cases: [string, number][] = [
      ['.{1000,}', 1000],
      ['\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}', 82],
      ['a|bc', 1],
      ['(a|bc)d', 2],
      ['(?=abc)x', 1],
      ['(?<=a)b', 1],
      ['x*', 0],
      ['ab?c', 2],
      ['\\x41{3}', 3],
      ['\\u0041\\u00', 4],
      ['\\cJ', 1],
      ['\\c', 2],
      ['a{2,5}?b', 3],
      ['(?:ab){3}', 6],
      ['(a)\\1bc', 3],
      ['(?<n>ab)\\k<n>', 2],
      ['[abc]{2}', 2],
      ['^$', 0],
      ['a{', 2],
      ['a{0000000000000000000000000000}b', 1],
      ['(?:)', 0],
      ['a+?', 1],
    ];
    for (const [src, want] of cases) expect(regexMinLength(new RegExp(src).source), src).toBe(want);
  });

  it('never exceeds the length of a match (random expressions and texts)', () => {
    const r = seededRandom(11);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const atomOf = (depth: number): string => {
      const k = r();
      if (k < 0.1 && depth < 3) return `(${regexOf(depth + 1)})`;
      if (k < 0.15 && depth < 3) return `(?:${regexOf(depth + 1)})`;
      if (k < 0.18 && depth < 3) return `(?=${regexOf(depth + 1)})`;
      if (k < 0.22)
        return pick(['[ab]', '[^a]', '\\w', '\\d', '.', '\\b', '^', '$', '\\x61', '\\1']);
      return pick(['a', 'b', 'c', '1']);
    };
    const quant = (): string =>
      pick(['', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,2}', '+?', '{2,}']);
    const regexOf = (depth: number): string => {
      const alts = 1 + (r() < 0.2 ? 1 : 0);
      return Array.from({ length: alts }, () => {
        let s = '';
        for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
          const a = atomOf(depth);
          s += /^[\\^$]b?$|^\\b$|^\(\?=/.test(a) ? a : a + quant();
        }
        return s;
      }).join('|');
    };
    let checked = 0;
    for (let k = 0; k < 400; k++) {
      let re: RegExp;
      try {
        re = new RegExp(regexOf(0), 'g');
      } catch {
        continue;
      }
      const min = regexMinLength(re.source);
      for (let t = 0; t < 20; t++) {
        const text = Array.from({ length: Math.floor(r() * 12) }, () =>
          pick(['a', 'b', 'c', '1', ' ']),
        ).join('');
        re.lastIndex = 0;
        for (const m of text.matchAll(re)) {
          expect(m[0].length, `${re.source} on '${text}'`).toBeGreaterThanOrEqual(min);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('literals required by a regular expression', () => {
  it('names only top-level runs that every match contains', () => {
    expect(regexLiteral('\\\\Windows\\\\System32\\\\cmd\\.exe')).toBe(
      '\\windows\\system32\\cmd.exe',
    );
    expect(regexLiteral('^\\s*powershell.{0,10}-enc')).toBe('powershell');
    expect(regexLiteral('ab?cde')).toBe('cde');
    expect(regexLiteral('ab{0,3}cd')).toBe('cd');
    expect(regexLiteral('foo(bar|baz)qux')).toBe('foo');
  });

  it('gives up on top-level alternation and bare classes', () => {
    expect(regexLiteral('evil|bad')).toBeUndefined();
    expect(regexLiteral('(?:a|b)')).toBeUndefined();
    expect(regexLiteral('[a-z]+')).toBeUndefined();
  });

  it('still matches through the prefilter: regex, keywords and negated selections', () => {
    expect(matches("s:\n    C|re: 'iex ?\\('\ncondition: s", { C: 'x IEX(New-Object' })).toBe(
      false,
    );
    expect(matches("s:\n    C|re|i: 'iex ?\\('\ncondition: s", { C: 'x IEX(New-Object' })).toBe(
      true,
    );
    expect(matches("s:\n    C: 'x'\ncondition: not s", { D: 'anything' })).toBe(true);
    expect(
      matches("k:\n    - 'Mimikatz'\ncondition: k", { a: { b: ['sekurlsa', 'MIMIKATZ 2.2'] } }),
    ).toBe(true);
  });
});

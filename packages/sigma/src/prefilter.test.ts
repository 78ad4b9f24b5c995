/** The prefilter may only skip rules that cannot match: its literals must be truly necessary. */
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './prefilter.js';
import { regexLiteral } from './compiler.js';
import { matches } from './test-support.js';

describe('Aho-Corasick literal search', () => {
  const ac = new AhoCorasick();
  ['he', 'she', 'his', 'hers', '\\cmd.exe'].forEach((lit, id) => ac.add(lit, id));
  ac.build();
  const found = (text: string): number[] => {
    const hits: number[] = [];
    ac.scan(text, hits);
    return [...new Set(hits)].sort();
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

import { describe, expect, it } from 'vitest';
import { loadRuleTexts } from './loader.js';
import { parseFast, type Meta } from './yaml-fast.js';

const rule = (detection: string) => `title: t
id: 5f0c7a5e-2a43-4c1e-9a36-1a5c0b8f6a11
logsource:
  product: linux
detection:
${detection}
  condition: sel
level: high
`;

/** Loads the same text both ways; the fast path must change nothing a user sees. */
function bothWays(text: string) {
  const fast = loadRuleTexts([{ text, file: 'r.yml' }]);
  const library = loadRuleTexts([{ text, file: 'r.yml' }], undefined, { fastYaml: false });
  expect(fast).toEqual(library);
  return fast;
}

describe('fast YAML path', () => {
  it('resolves plain scalars as YAML 1.2 core and keeps a number as written', () => {
    const meta: Meta = new WeakMap();
    const [doc] = parseFast(
      'a: 0x1F\nb: 010\nc: 1.10\nd: 1e3\ne: "42"\nf: True\ng: ~\nh: yes\ni: -.inf\nj: 1_000\n',
      meta,
    )!;
    expect(doc!.value).toEqual({
      a: 31,
      b: 10,
      c: 1.1,
      d: 1000,
      e: '42',
      f: true,
      g: null,
      h: 'yes',
      i: -Infinity,
      j: '1_000',
    });
    const positions = meta.get(doc!.value as object)!;
    expect(positions.get('a')).toEqual({ line: 1, col: 1, text: '0x1F' });
    expect(positions.get('c')!.text).toBe('1.10');
    expect(positions.get('e')!.text).toBeUndefined();
  });

  it('gives the rule the same values, numbers and origins as the yaml library', () => {
    const set = bothWays(
      rule(`  sel:
    EventID: 4624
    Port|gt: 1024
    CommandLine|contains|all:
      - ' -enc '
      - "IEX"
    Version: 1.10`),
    );
    expect(set.rules).toHaveLength(1);
    expect(set.errors).toEqual([]);
  });

  it('finds multi-document starts where the yaml library does', () => {
    const text = `action: global
title: t
logsource: { product: linux }
detection:
  condition: sel
level: low
---
# first variant
id: 0b7a1e0e-6f51-4f0c-8a57-9d2f3b4c5d6e
detection:
  sel: { a: 1 }
---
id: 1c8b2f1f-7a62-4a1d-9b68-0e3a4c5d6e7f
detection:
  sel: { b: 2 }
`;
    const set = bothWays(text);
    expect(set.rules.map((r) => r.origin.line)).toEqual([7, 12]);
  });

  it('leaves what it cannot reproduce exactly to the yaml library, errors keep their positions', () => {
    for (const odd of [
      'a: &x 1\nb: *x\n',
      'a: !!str 12\n',
      'a: 1\na: 2\n',
      '? [a, b]\n: c\n',
      'l:\n  -\n  - x\n',
      'a: [1, 2\n',
    ])
      expect(parseFast(odd, new WeakMap()), odd).toBeNull();
    const set = bothWays(rule('  sel:\n    a: 1\n    a: 2'));
    expect(set.errors[0]).toMatchObject({ file: 'r.yml', line: 8, severity: 'error' });
    expect(set.errors[0]!.message).toMatch(/unique/i);
  });
});

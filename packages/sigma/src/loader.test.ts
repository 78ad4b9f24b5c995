/** Loading: schema checks with positions, multi-document collections, filters, correlations. */
import { describe, expect, it } from 'vitest';
import { loadRuleTexts } from './loader.js';
import { SigmaEngine } from './engine.js';

const valid = `title: Whoami Execution
id: 8d2b6c3a-1f44-4a3c-9c8e-0a6f1c2b3d4e
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image: 'C:\\Windows\\System32\\whoami.exe'
    condition: selection
level: high
tags:
    - attack.discovery
`;

describe('loader', () => {
  it('loads a valid rule with its metadata', () => {
    const set = loadRuleTexts([{ text: valid, file: 'whoami.yml' }]);
    expect(set.errors).toEqual([]);
    expect(set.rules).toHaveLength(1);
    const r = set.rules[0]!;
    expect(r).toMatchObject({
      title: 'Whoami Execution',
      status: 'test',
      level: 'high',
      tags: ['attack.discovery'],
    });
    expect(r.logsource).toEqual({ category: 'process_creation', product: 'windows' });
    expect(r.origin).toMatchObject({ file: 'whoami.yml', line: 1 });
  });

  it('reports file, line, column and what is wrong, and keeps loading the others', () => {
    const bad = valid
      .replace('level: high', 'level: severe')
      .replace("Image: 'C", "Image|nosuchmod: 'C");
    const set = loadRuleTexts([
      { text: bad, file: 'bad.yml' },
      { text: valid, file: 'good.yml' },
    ]);
    expect(set.rules.map((r) => r.origin.file)).toEqual(['good.yml']);
    const msgs = set.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`);
    expect(msgs).toContain("bad.yml:9:9 unknown modifier 'nosuchmod' in 'Image|nosuchmod'");
    expect(msgs).toContain(
      "bad.yml:11:1 'level' must be one of informational, low, medium, high, critical, not 'severe'",
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const set = loadRuleTexts([{ text: 'title: x\ndetection: [unclosed\n', file: 'broken.yml' }]);
    expect(set.rules).toHaveLength(0);
    expect(set.errors[0]).toMatchObject({ file: 'broken.yml', severity: 'error' });
    expect(set.errors[0]!.message).toMatch(/^YAML/);
  });

  it('rejects missing title, logsource, detection and condition', () => {
    const set = loadRuleTexts([{ text: 'id: 1\ndetection:\n    s:\n        A: 1\n' }]);
    const msgs = set.errors.map((e) => e.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        "missing 'title'",
        "missing 'logsource'",
        "'detection' has no 'condition'",
      ]),
    );
  });

  it('rejects a condition naming an undefined identifier', () => {
    const set = loadRuleTexts([
      { text: valid.replace('condition: selection', 'condition: selection and filter') },
    ]);
    expect(set.errors[0]?.message).toMatch(/undefined search identifier 'filter'/);
    expect(set.errors[0]?.line).toBe(10);
  });

  it('warns (and still loads) on a non-UUID id or a malformed tag', () => {
    const set = loadRuleTexts([
      { text: valid.replace(/^id: .*$/m, 'id: my-rule').replace('attack.discovery', 'Discovery') },
    ]);
    expect(set.rules).toHaveLength(1);
    expect(set.errors.every((e) => e.severity === 'warning')).toBe(true);
    expect(set.errors).toHaveLength(2);
  });

  it('expands action: global / repeat / reset collections', () => {
    const text = `action: global
title: Collection
logsource:
    product: windows
detection:
    condition: selection
level: low
---
logsource:
    service: security
detection:
    selection:
        EventID: 4624
---
action: repeat
detection:
    selection:
        EventID: 4625
---
action: reset
---
title: Alone
logsource:
    product: linux
detection:
    k:
        - x
    condition: k
`;
    const set = loadRuleTexts([{ text }]);
    expect(set.errors).toEqual([]);
    expect(set.rules.map((r) => [r.title, r.logsource, r.level])).toEqual([
      ['Collection', { product: 'windows', service: 'security' }, 'low'],
      ['Collection', { product: 'windows', service: 'security' }, 'low'],
      ['Alone', { product: 'linux' }, undefined],
    ]);
    const e = new SigmaEngine({ rules: set });
    expect(
      e
        .evaluate({ EventID: 4625 }, { logsource: { product: 'windows', service: 'security' } })
        .map((m) => m.title),
    ).toEqual(['Collection']);
  });

  it('recognises filter and correlation documents', () => {
    const text = `${valid}---
title: Not for admins
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 8d2b6c3a-1f44-4a3c-9c8e-0a6f1c2b3d4e
    selection:
        User|startswith: 'adm_'
    condition: not selection
---
title: Many whoami
correlation:
    type: event_count
    rules:
        - 8d2b6c3a-1f44-4a3c-9c8e-0a6f1c2b3d4e
    group-by:
        - User
    timespan: 5m
    condition:
        gte: 2
`;
    const set = loadRuleTexts([{ text }]);
    expect(set.errors).toEqual([]);
    expect(set.rules).toHaveLength(1);
    expect(set.filters).toHaveLength(1);
    expect(set.correlations).toHaveLength(1);
  });
});

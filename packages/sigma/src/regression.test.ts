/** Regression data errata: which case an erratum names, and how a run uses it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { loadRuleTexts } from './loader.js';
import { findRegressionCases, runRegression } from './regression.js';
import { findErratum, regressionErrata } from './regression-errata.js';
import type { RegressionErratum } from './regression-errata.js';

const ID = '11111111-2222-4333-8444-555555555555';
const ERRATUM: RegressionErratum = {
  info: 'rules/demo/case_a/info.yml',
  ruleId: ID,
  upstreamMatchCount: 1,
  correctedMatchCount: 2,
  source: 'example/repo#1',
  reason: 'both events match',
};

let dir: string;

function writeCase(name: string, matchCount: number): void {
  const d = join(dir, 'regression_data/rules/demo', name);
  mkdirSync(d, { recursive: true });
  writeFileSync(
    join(d, 'info.yml'),
    `rule_metadata:\n  - id: ${ID}\nregression_tests_info:\n  - name: Positive\n    type: evtx\n    match_count: ${matchCount}\n    path: x/${ID}.evtx\n`,
  );
  writeFileSync(
    join(d, `${ID}.json`),
    [{ Image: 'C:\\a\\evil.exe' }, { Image: 'C:\\b\\evil.exe' }]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
}

const engine = new SigmaEngine({
  rules: loadRuleTexts([
    {
      text: `title: Evil\nid: ${ID}\nlogsource:\n    product: demo\ndetection:\n    s:\n        Image|endswith: '\\evil.exe'\n    condition: s\n`,
    },
  ]),
  includeSuppressed: true,
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-regression-'));
  writeCase('case_a', 1); // states the uncorrected count
  writeCase('case_b', 1); // same rule, no erratum for this path
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('regression errata', () => {
  it('names a case by the end of its info.yml path, at a folder boundary, and its rule id', () => {
    const e = regressionErrata[0]!;
    expect(findErratum(`/data/sigma/regression_data/${e.info}`, e.ruleId)).toBe(e);
    expect(findErratum(e.info, e.ruleId)).toBe(e);
    expect(findErratum(`/data/x${e.info}`, e.ruleId)).toBeUndefined();
    expect(findErratum(`/data/${e.info}`, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(regressionErrata.every((x) => x.source === 'SigmaHQ/sigma#6211')).toBe(true);
  });

  it('expects the corrected count where an erratum applies, and records it', () => {
    const { cases } = findRegressionCases([join(dir, 'regression_data')], { errata: [ERRATUM] });
    const results = runRegression(engine, cases);
    expect(
      results.map((r) => [r.case.info.endsWith('case_a/info.yml'), r.expected, r.matches, r.ok]),
    ).toEqual([
      [true, 2, 2, true],
      [false, 1, 2, false],
    ]);
    expect(results[0]!.erratum).toBe(ERRATUM);
    expect(results[0]!.test.matchCount).toBe(1);
    expect(results[1]!.erratum).toBeUndefined();
  });

  it('can be turned off when finding cases or when running them', () => {
    const off = findRegressionCases([join(dir, 'regression_data')], { errata: false }).cases;
    expect(runRegression(engine, off).map((r) => [r.expected, r.ok, r.erratum])).toEqual([
      [1, false, undefined],
      [1, false, undefined],
    ]);
    const on = findRegressionCases([join(dir, 'regression_data')], { errata: [ERRATUM] }).cases;
    expect(runRegression(engine, on, { errata: false }).map((r) => [r.expected, r.ok])).toEqual([
      [1, false],
      [1, false],
    ]);
  });

  it('does not apply to data that no longer states the upstream count', () => {
    writeCase('case_a', 2);
    const { cases } = findRegressionCases([join(dir, 'regression_data')], { errata: [ERRATUM] });
    const [a] = runRegression(engine, cases);
    expect(a).toMatchObject({ expected: 2, ok: true });
    expect(a!.erratum).toBeUndefined();
  });
});

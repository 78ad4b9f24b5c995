/**
 * Conformance on the real SigmaHQ corpus (read from ../shared/data/sigma, never copied here):
 * every rule loads and compiles; every regression case matches exactly as its info.yml says,
 * or as SigmaHQ corrected it upstream (regression-errata.ts); and the other rules that fire on
 * the regression events are kept as a reviewed expectation, so any change in what fires shows
 * up in review. Set UPDATE_SIGMA_EXPECTATIONS=1 to rewrite the expectation file after
 * reviewing a change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRuleFiles, loadRules } from '../fs-loader.js';
import { SigmaEngine } from '../engine.js';
import { findRegressionCases, runRegression } from '../regression.js';
import type { RegressionCase, RegressionResult } from '../regression.js';
import { regressionErrata } from '../regression-errata.js';
import type { RuleSet } from '../loader.js';

const DATA =
  process.env['PRAHARI_SIGMA_DATA'] ??
  fileURLToPath(new URL('../../../../../shared/data/sigma', import.meta.url));
const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'];
const HERE = fileURLToPath(new URL('.', import.meta.url)).replace(
  /\/dist\/conformance\/?$/,
  '/src/conformance',
);
const OTHER_MATCHES = join(HERE, 'other-matches.json');
const UPDATE = process.env['UPDATE_SIGMA_EXPECTATIONS'] === '1';

let set: RuleSet;
let engine: SigmaEngine;
let cases: RegressionCase[];
let results: RegressionResult[];

describe('SigmaHQ corpus', () => {
  beforeAll(() => {
    expect(existsSync(DATA), `SigmaHQ data expected at ${DATA}`).toBe(true);
    set = loadRules({ dirs: RULE_DIRS.map((d) => join(DATA, d)) });
    engine = new SigmaEngine({ rules: set, includeSuppressed: true });
    cases = findRegressionCases([join(DATA, 'regression_data')]).cases;
    results = runRegression(engine, cases);
  }, 120_000);

  it('loads and compiles every rule of rules/, rules-emerging-threats/, rules-threat-hunting/ and rules-placeholder/', () => {
    const files = RULE_DIRS.flatMap((d) => findRuleFiles(join(DATA, d)));
    const errors = [...set.errors, ...engine.errors].filter((e) => e.severity === 'error');
    expect(errors.map((e) => `${e.file}:${e.line} ${e.message}`)).toEqual([]);
    // one rule per file in this corpus
    expect(set.rules.length).toBe(files.length);
    expect(engine.compiledCount).toBe(set.rules.length);
    console.info(
      `SigmaHQ corpus: ${set.rules.length} rules loaded and compiled from ${files.length} files`,
    );
  });

  it('reads every file the same with the fast YAML path as with the yaml library', () => {
    const reference = loadRules({ dirs: RULE_DIRS.map((d) => join(DATA, d)) }, { fastYaml: false });
    expect(set.errors).toEqual(reference.errors);
    expect(set.rules).toEqual(reference.rules);
    expect(set.filters).toEqual(reference.filters);
    expect(set.correlations).toEqual(reference.correlations);
  });

  it('reports the placeholder rules as warnings, not failures', () => {
    const placeholderRules = set.rules.filter((r) => r.origin.file?.includes('rules-placeholder'));
    expect(placeholderRules.length).toBeGreaterThan(0);
    const warned = new Set(
      engine.errors
        .filter((e) => e.severity === 'warning' && e.message.includes('placeholder'))
        .map((e) => e.file),
    );
    for (const r of placeholderRules) {
      if (JSON.stringify(r.detection).includes('expand'))
        expect(warned.has(r.origin.file)).toBe(true);
    }
  });

  it('matches every regression case exactly match_count times, as corrected upstream where an erratum applies', () => {
    const runnable = results.filter((r) => !r.problem || r.events > 0);
    const failures: string[] = [];
    let passed = 0;
    for (const r of runnable) {
      const info = relative(DATA, r.case.info);
      if (r.ok) passed++;
      else
        failures.push(
          `${info}: expected ${r.expected ?? '≥1'} got ${r.matches} (${r.events} events) ${r.problem ?? ''}`,
        );
    }
    expect(failures).toEqual([]);
    const withCount = runnable.filter((r) => r.expected !== undefined).length;
    const errata = runnable.filter((r) => r.erratum).length;
    console.info(
      `regression: ${passed} passed of ${runnable.length} runnable tests (${withCount} with match_count, ${errata} of them corrected by an erratum)`,
    );
  });

  it('applies each shipped erratum to its case, which then matches exactly the corrected count', () => {
    const applied = results.filter((r) => r.erratum);
    expect(
      applied.map((r) => ({
        info: relative(join(DATA, 'regression_data'), r.case.info),
        rule: r.case.ruleId,
        upstream: r.test.matchCount,
        expected: r.expected,
        matches: r.matches,
        source: r.erratum?.source,
      })),
    ).toEqual(
      regressionErrata.map((e) => ({
        info: e.info,
        rule: e.ruleId,
        upstream: e.upstreamMatchCount,
        expected: e.correctedMatchCount,
        matches: e.correctedMatchCount,
        source: 'SigmaHQ/sigma#6211',
      })),
    );
  });

  it('without errata, exactly the four corrected cases fail with the upstream counts', () => {
    const raw = runRegression(engine, cases, { errata: false });
    const failed = raw.filter((r) => !r.ok);
    expect(
      failed.map((r) => [
        relative(join(DATA, 'regression_data'), r.case.info),
        r.expected,
        r.matches,
      ]),
    ).toEqual(regressionErrata.map((e) => [e.info, e.upstreamMatchCount, e.correctedMatchCount]));
    expect(failed.every((r) => r.erratum === undefined)).toBe(true);
    // and cases found with errata disabled carry none
    const plain = findRegressionCases([join(DATA, 'regression_data')], { errata: false }).cases;
    expect(plain.flatMap((c) => c.tests).some((t) => t.erratum)).toBe(false);
  });

  it('lists every other rule that fires on the regression events (reviewed expectation)', () => {
    const actual: Record<string, Record<string, number>> = {};
    for (const r of results) {
      if (Object.keys(r.others).length === 0) continue;
      const info = relative(DATA, r.case.info);
      actual[info] = Object.fromEntries(
        Object.entries(r.others).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    if (UPDATE || !existsSync(OTHER_MATCHES))
      writeFileSync(OTHER_MATCHES, `${JSON.stringify(actual, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(OTHER_MATCHES, 'utf8')) as Record<
      string,
      Record<string, number>
    >;
    expect(actual).toEqual(expected);
  });
});

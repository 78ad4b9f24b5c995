/**
 * SigmaHQ-style regression data: each `info.yml` names a rule (`rule_metadata[].id`) and its
 * tests (`regression_tests_info[]`: name, type, optional `match_count`, path of the `.evtx`).
 * The `.evtx` files are replaced by `evtx_dump` JSON of the same name beside the info file.
 *
 * Counts SigmaHQ has corrected upstream since a data snapshot was taken are applied from
 * `regression-errata.ts` by default: the test then expects the corrected count, and its result
 * says which erratum was applied and where the correction comes from.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { parseJsonEvents } from './json-events.js';
import type { SigmaEngine } from './engine.js';
import { findErratum, regressionErrata } from './regression-errata.js';
import type { RegressionErratum } from './regression-errata.js';

export interface RegressionTest {
  name: string;
  type: string;
  /** number of matches of the rule as `info.yml` states it; absent: at least one */
  matchCount?: number;
  /** JSON event files */
  files: string[];
  /** a listed correction of `matchCount` that applies to this test (see regression-errata.ts) */
  erratum?: RegressionErratum;
}

export interface ErrataOptions {
  /**
   * Errata to apply: the built-in list by default, another list, or false to expect the counts
   * exactly as `info.yml` states them.
   */
  errata?: readonly RegressionErratum[] | false;
}

export interface RegressionCase {
  info: string;
  ruleId: string;
  title?: string;
  tests: RegressionTest[];
}

export interface RegressionResult {
  case: RegressionCase;
  test: RegressionTest;
  /**
   * matches of the named rule expected: `info.yml`'s count, or the corrected count when an
   * erratum applied; absent: at least one
   */
  expected?: number;
  /** the erratum applied to this test, if any */
  erratum?: RegressionErratum;
  events: number;
  /** matches of the named rule */
  matches: number;
  /** other rules that fired on these events: id (or title) → matches */
  others: Record<string, number>;
  ok: boolean;
  /** why a test could not run (no events, unreadable data) */
  problem?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function findRegressionCases(
  dirs: string[],
  options: ErrataOptions = {},
): { cases: RegressionCase[]; errors: string[] } {
  const errata = options.errata === false ? [] : (options.errata ?? regressionErrata);
  const infos: string[] = [];
  const errors: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'info.yml') infos.push(p);
    }
  };
  for (const d of dirs) if (existsSync(d) && statSync(d).isDirectory()) walk(d);
  const cases: RegressionCase[] = [];
  for (const info of infos) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(info, 'utf8'));
    } catch (e) {
      errors.push(`${info}: ${(e as Error).message}`);
      continue;
    }
    if (!isRecord(doc)) continue;
    const meta = Array.isArray(doc['rule_metadata'])
      ? (doc['rule_metadata'] as unknown[]).find(isRecord)
      : undefined;
    const ruleId = meta && typeof meta['id'] === 'string' ? meta['id'] : undefined;
    if (!ruleId) {
      errors.push(`${info}: no rule_metadata id`);
      continue;
    }
    const dir = dirname(info);
    const jsons = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
    const tests: RegressionTest[] = [];
    const raw = Array.isArray(doc['regression_tests_info'])
      ? (doc['regression_tests_info'] as unknown[])
      : [];
    const erratum = findErratum(info, ruleId, errata);
    for (const t of raw) {
      if (!isRecord(t)) continue;
      const path = typeof t['path'] === 'string' ? t['path'] : '';
      const own = basename(path).replace(/\.[^.]+$/, '.json');
      const files = jsons.includes(own) ? [join(dir, own)] : jsons.map((j) => join(dir, j));
      const matchCount = typeof t['match_count'] === 'number' ? t['match_count'] : undefined;
      tests.push({
        name: typeof t['name'] === 'string' ? t['name'] : 'test',
        type: typeof t['type'] === 'string' ? t['type'] : 'unknown',
        matchCount,
        files,
        // only while the data still states the uncorrected count
        ...(erratum && matchCount === erratum.upstreamMatchCount && { erratum }),
      });
    }
    cases.push({
      info,
      ruleId,
      title: meta && typeof meta['title'] === 'string' ? meta['title'] : undefined,
      tests,
    });
  }
  return { cases, errors };
}

/**
 * Runs every test of every case through `engine` (which should include suppressed matches).
 * Errata found with the cases apply unless `errata: false`.
 */
export function runRegression(
  engine: SigmaEngine,
  cases: RegressionCase[],
  options: { errata?: boolean } = {},
): RegressionResult[] {
  const results: RegressionResult[] = [];
  for (const c of cases) {
    for (const test of c.tests) {
      const erratum = options.errata === false ? undefined : test.erratum;
      const expected = erratum ? erratum.correctedMatchCount : test.matchCount;
      let events = 0;
      let matches = 0;
      const others: Record<string, number> = {};
      let problem: string | undefined;
      for (const file of test.files) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          problem = `cannot read ${file}: ${(e as Error).message}`;
          continue;
        }
        const parsed = parseJsonEvents(text);
        if (parsed.errors.length > 0) problem = `${file}: ${parsed.errors[0]!.message}`;
        for (const ev of parsed.events) {
          events++;
          for (const m of engine.evaluate(ev)) {
            if (m.kind !== 'detection') continue;
            if (m.ruleId === c.ruleId) matches++;
            else {
              const k = m.ruleId ?? m.title;
              others[k] = (others[k] ?? 0) + 1;
            }
          }
        }
      }
      if (events === 0 && !problem) problem = 'no JSON events for this test';
      const ok = !problem && (expected === undefined ? matches > 0 : matches === expected);
      results.push({
        case: c,
        test,
        ...(expected !== undefined && { expected }),
        ...(erratum && { erratum }),
        events,
        matches,
        others,
        ok,
        problem,
      });
    }
  }
  return results;
}

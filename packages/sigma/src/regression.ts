/**
 * SigmaHQ-style regression data: each `info.yml` names a rule (`rule_metadata[].id`) and its
 * tests (`regression_tests_info[]`: name, type, optional `match_count`, path of the `.evtx`).
 * The `.evtx` files are replaced by `evtx_dump` JSON of the same name beside the info file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { parseJsonEvents } from './json-events.js';
import type { SigmaEngine } from './engine.js';

export interface RegressionTest {
  name: string;
  type: string;
  /** expected number of matches of the rule; absent: at least one */
  matchCount?: number;
  /** JSON event files */
  files: string[];
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

export function findRegressionCases(dirs: string[]): { cases: RegressionCase[]; errors: string[] } {
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
    for (const t of raw) {
      if (!isRecord(t)) continue;
      const path = typeof t['path'] === 'string' ? t['path'] : '';
      const own = basename(path).replace(/\.[^.]+$/, '.json');
      const files = jsons.includes(own) ? [join(dir, own)] : jsons.map((j) => join(dir, j));
      tests.push({
        name: typeof t['name'] === 'string' ? t['name'] : 'test',
        type: typeof t['type'] === 'string' ? t['type'] : 'unknown',
        matchCount: typeof t['match_count'] === 'number' ? t['match_count'] : undefined,
        files,
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

/** Runs every test of every case through `engine` (which should include suppressed matches). */
export function runRegression(engine: SigmaEngine, cases: RegressionCase[]): RegressionResult[] {
  const results: RegressionResult[] = [];
  for (const c of cases) {
    for (const test of c.tests) {
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
      const ok =
        !problem && (test.matchCount === undefined ? matches > 0 : matches === test.matchCount);
      results.push({ case: c, test, events, matches, others, ok, problem });
    }
  }
  return results;
}

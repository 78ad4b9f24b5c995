import type { Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { SigmaEngine, findRegressionCases, loadRules, runRegression } from '@prahari/sigma';
import type { LoadError, RuleSet } from '@prahari/sigma';
import { fail, printJson, Progress } from '../output.js';

interface JsonFlag {
  json?: boolean;
}

/** `--placeholder Name=value` (repeatable) → `{ Name: [value, …] }` for `|expand`. */
export function collectPlaceholder(
  value: string,
  previous: Record<string, string[]> = {},
): Record<string, string[]> {
  const eq = value.indexOf('=');
  if (eq <= 0) fail(`--placeholder expects NAME=VALUE, got '${value}'`, 2);
  const name = value.slice(0, eq).replace(/^%|%$/g, '');
  return { ...previous, [name]: [...(previous[name] ?? []), value.slice(eq + 1)] };
}

/** Loads rule files and folders named on the command line; a missing path ends the command. */
export function loadRulePaths(paths: string[]): RuleSet {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) fail(`no such file or folder: ${p}`, 2);
    (statSync(p).isDirectory() ? dirs : files).push(p);
  }
  return loadRules({ files, dirs });
}

/**
 * A SigmaHQ checkout keeps its regression data beside the rule folders; given the
 * `regression_data` folder alone, the rules it tests are its siblings `rules*`.
 */
function rulesBeside(dirs: string[]): string[] {
  return dirs
    .filter((d) => basename(resolve(d)) === 'regression_data')
    .flatMap((d) => {
      const parent = dirname(resolve(d));
      return readdirSync(parent, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name.startsWith('rules'))
        .map((e) => join(parent, e.name));
    });
}

export function formatError(e: LoadError): string {
  const where = [e.file ?? '', e.line, e.column]
    .filter((x) => x !== undefined && x !== '')
    .join(':');
  return `${where}${where ? ': ' : ''}${e.rule ? `[${e.rule}] ` : ''}${e.message}`;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(
    Object.entries(out).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
}

function printCounts(label: string, counts: Record<string, number>, limit = Infinity): void {
  process.stdout.write(`${label}:\n`);
  const entries = Object.entries(counts);
  for (const [k, n] of entries.slice(0, limit))
    process.stdout.write(`  ${String(n).padStart(6)}  ${k}\n`);
  if (entries.length > limit) process.stdout.write(`  … and ${entries.length - limit} more\n`);
}

export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('Sigma rules: check and test');

  rules
    .command('check')
    .description(
      'load and compile Sigma rules; counts by status, level and logsource, and every failure with its reason',
    )
    .argument('<paths...>', 'rule files or folders (searched recursively)')
    .option('--json', 'machine-readable output')
    .option('--warnings', 'also list warnings (rules that load, with a stated caveat)')
    .option(
      '--placeholder <name=value>',
      'value for an |expand placeholder (repeatable)',
      collectPlaceholder,
      {},
    )
    .action(
      (
        paths: string[],
        options: JsonFlag & { warnings?: boolean; placeholder: Record<string, string[]> },
        command: Command,
      ) => {
        const json = options.json ?? command.optsWithGlobals<JsonFlag>().json ?? false;
        const t0 = performance.now();
        const set = loadRulePaths(paths);
        const t1 = performance.now();
        const engine = new SigmaEngine({ rules: set, placeholders: options.placeholder });
        const t2 = performance.now();
        const all = [...set.errors, ...engine.errors];
        const errors = all.filter((e) => e.severity === 'error');
        const warnings = all.filter((e) => e.severity === 'warning');
        const failedCompile = set.rules.length - engine.compiledCount;
        const lsKey = (r: (typeof set.rules)[number]): string =>
          ['product', 'category', 'service']
            .map((k) => r.logsource[k as 'product' | 'category' | 'service'])
            .map((v) => v ?? '*')
            .join('/');
        const report = {
          loaded: set.rules.length,
          compiled: engine.compiledCount,
          failed: errors.length,
          filters: set.filters.length,
          correlations: set.correlations.length,
          warnings: warnings.length,
          byStatus: countBy(set.rules, (r) => r.status ?? '(none)'),
          byLevel: countBy(set.rules, (r) => r.level ?? '(none)'),
          byLogsource: countBy(set.rules, lsKey),
          loadMs: Math.round(t1 - t0),
          compileMs: Math.round(t2 - t1),
          errors,
          ...(options.warnings && { warningList: warnings }),
        };
        if (json) printJson(report);
        else {
          const out = process.stdout;
          out.write(
            `${report.loaded} rules loaded, ${report.compiled} compiled${failedCompile ? ` (${failedCompile} did not compile)` : ''}; ${report.filters} filters, ${report.correlations} correlation rules; ${errors.length} failures, ${warnings.length} warnings (load ${report.loadMs} ms, compile ${report.compileMs} ms)\n`,
          );
          printCounts('by status', report.byStatus);
          printCounts('by level', report.byLevel);
          printCounts('by logsource (product/category/service)', report.byLogsource, 25);
          if (errors.length > 0) {
            out.write('failures:\n');
            for (const e of errors) out.write(`  ${formatError(e)}\n`);
          }
          if (options.warnings && warnings.length > 0) {
            out.write('warnings:\n');
            for (const w of warnings) out.write(`  ${formatError(w)}\n`);
          }
        }
        if (
          errors.length > 0 ||
          set.rules.length + set.filters.length + set.correlations.length === 0
        )
          process.exitCode = 1;
      },
    );

  rules
    .command('test')
    .description(
      'run SigmaHQ-style regression data: every info.yml under the folders names a rule and its JSON events; the rule must match match_count times (at least once when there is none), or the corrected count where SigmaHQ has since corrected match_count upstream (shipped errata)',
    )
    .argument('<dirs...>', 'folders holding rules and regression data (e.g. a SigmaHQ checkout)')
    .option('--rules <dir...>', 'more rule files or folders')
    .option('--json', 'machine-readable output')
    .option('--others', 'also list the other rules that fire on each case')
    .option(
      '--no-errata',
      'expect match_count exactly as info.yml states it (ignore the shipped errata)',
    )
    .action(
      (
        dirs: string[],
        options: JsonFlag & { rules?: string[]; others?: boolean; errata: boolean },
        command: Command,
      ) => {
        const json = options.json ?? command.optsWithGlobals<JsonFlag>().json ?? false;
        const set = loadRulePaths([...dirs, ...rulesBeside(dirs), ...(options.rules ?? [])]);
        const engine = new SigmaEngine({ rules: set, includeSuppressed: true });
        const { cases, errors: caseErrors } = findRegressionCases(dirs, {
          ...(!options.errata && { errata: false }),
        });
        const progress = new Progress('regression', cases.length);
        const results = cases.flatMap((c, i) => {
          progress.update(i + 1);
          return runRegression(engine, [c], { errata: options.errata });
        });
        progress.done();
        const runnable = results.filter((r) => r.events > 0);
        const skipped = results.filter((r) => r.events === 0);
        const failed = runnable.filter((r) => !r.ok);
        const corrected = results.filter((r) => r.erratum);
        const loadErrors = [...set.errors, ...engine.errors].filter((e) => e.severity === 'error');
        const base = dirs[0] ?? '.';
        const rel = (p: string): string => relative(base, p) || p;
        if (json) {
          printJson({
            cases: cases.length,
            tests: results.length,
            passed: runnable.length - failed.length,
            failed: failed.length,
            skipped: skipped.length,
            errataUsed: options.errata,
            errata: corrected.map((r) => ({
              info: rel(r.case.info),
              rule: r.case.ruleId,
              test: r.test.name,
              upstream: r.erratum!.upstreamMatchCount,
              corrected: r.erratum!.correctedMatchCount,
              source: r.erratum!.source,
              reason: r.erratum!.reason,
              actual: r.matches,
              ok: r.ok,
            })),
            failures: failed.map((r) => ({
              info: rel(r.case.info),
              rule: r.case.ruleId,
              expected: r.expected ?? '>=1',
              actual: r.matches,
              events: r.events,
              ...(r.erratum && { erratum: r.erratum.source }),
            })),
            skippedTests: skipped.map((r) => ({ info: rel(r.case.info), reason: r.problem })),
            ...(options.others && {
              others: runnable
                .filter((r) => Object.keys(r.others).length > 0)
                .map((r) => ({ info: rel(r.case.info), others: r.others })),
            }),
            ruleErrors: loadErrors,
            caseErrors,
          });
        } else {
          const out = process.stdout;
          for (const r of corrected) {
            const e = r.erratum!;
            out.write(
              `ERRATUM ${rel(r.case.info)}  rule ${r.case.ruleId}${r.case.title ? ` (${r.case.title})` : ''}: match_count ${e.upstreamMatchCount} → ${e.correctedMatchCount} (${e.source})\n`,
            );
          }
          for (const r of failed) {
            const why = r.erratum ? ` (corrected by ${r.erratum.source})` : '';
            out.write(
              `FAIL ${rel(r.case.info)}  rule ${r.case.ruleId}${r.case.title ? ` (${r.case.title})` : ''}: expected ${r.expected ?? 'at least 1'} match(es)${why}, got ${r.matches} over ${r.events} event(s)\n`,
            );
          }
          for (const r of skipped)
            out.write(`SKIP ${rel(r.case.info)}: ${r.problem ?? 'no events'}\n`);
          if (options.others) {
            for (const r of runnable) {
              const o = Object.entries(r.others);
              if (o.length > 0)
                out.write(
                  `ALSO ${rel(r.case.info)}: ${o.map(([k, n]) => `${k}×${n}`).join(', ')}\n`,
                );
            }
          }
          for (const e of loadErrors) out.write(`RULE ERROR ${formatError(e)}\n`);
          for (const e of caseErrors) out.write(`CASE ERROR ${e}\n`);
          const errataNote =
            corrected.length > 0
              ? `; ${corrected.length} match_count(s) corrected by errata`
              : options.errata
                ? ''
                : '; errata not used';
          out.write(
            `${runnable.length - failed.length} passed, ${failed.length} failed, ${skipped.length} skipped (${cases.length} cases, ${set.rules.length} rules${errataNote})\n`,
          );
        }
        if (failed.length > 0 || cases.length === 0) process.exitCode = 1;
      },
    );
}

import type { Command } from 'commander';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { JsonEventStream, SigmaEngine } from '@prahari/sigma';
import type { LogSource, Match } from '@prahari/sigma';
import { fail, printJson, Progress } from '../output.js';
import { collectPlaceholder, formatError, loadRulePaths } from './rules.js';
import { cliPrincipal, globalOptions, reportErrors } from '../context.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';
import { withLocalDetection } from './alerts.js';
import { isoOrFail } from './search.js';

interface BackfillResult {
  fromSeq: number;
  toSeq: number;
  events: number;
  opened: number;
  updated: number;
}

/** `prahari detect --since 24h`: today's rules over stored events, into alerts. */
async function backfill(options: DetectOptions, command: Command): Promise<void> {
  const opts = globalOptions(command);
  let since: string;
  try {
    since = isoOrFail('--since', options.since)!;
  } catch (err) {
    return fail((err as Error).message, 2);
  }
  const remote = remoteFrom(options);
  const result = remote
    ? ((await callServer(remote, 'POST', '/api/v1/detect/backfill', {
        data: JSON.stringify({ since }),
        contentType: 'application/json',
      })) as BackfillResult)
    : await withLocalDetection(opts, 'run a backfill', (d) =>
        d.detection.backfill({ principal: cliPrincipal(), ip: null }, since),
      );
  if (opts.json) return printJson(result);
  process.stdout.write(
    `${result.events.toLocaleString('en-IN')} stored events since ${since} evaluated: ${result.opened} new alert(s), ${result.updated} alert update(s)\n`,
  );
}

interface DetectOptions extends RemoteOptions {
  rules?: string[];
  input?: string[];
  since?: string;
  json?: boolean;
  logsource?: string;
  placeholder: Record<string, string[]>;
}

/** `product:category:service`, any part may be empty: `windows::security`, `:webserver`. */
export function parseLogsourceFlag(text: string): LogSource {
  const [product, category, service] = text.split(':').map((s) => s.trim().toLowerCase());
  const ls: LogSource = {};
  if (product) ls.product = product;
  if (category) ls.category = category;
  if (service) ls.service = service;
  return ls;
}

const CHUNK = 4 * 1024 * 1024;

function timeOf(m: Match): string {
  return m.eventTimeMs === undefined || !Number.isFinite(m.eventTimeMs)
    ? '-'
    : new Date(m.eventTimeMs).toISOString();
}

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description(
      'offline Sigma detection over JSON events (JSON lines, JSON arrays or concatenated objects), one line per match and a summary; or, with --since, run the current rules over stored events into alerts (a backfill)',
    )
    .option('--rules <paths...>', 'rule files or folders (offline mode)')
    .option('--input <files...>', 'JSON event files (offline mode)')
    .option(
      '--since <time>',
      'backfill: stored events received since (ISO 8601 or an age like 24h)',
    )
    .option('--server <url>', 'backfill on a running server')
    .option('--api-key <key>', 'API key for --server')
    .option(
      '--logsource <product:category:service>',
      'logsource of events that carry none (else they meet every rule)',
    )
    .option(
      '--placeholder <name=value>',
      'value for an |expand placeholder (repeatable)',
      collectPlaceholder,
      {},
    )
    .option('--json', 'one JSON object per match, then a summary object')
    .action(async (options: DetectOptions, command: Command) => {
      if (options.since !== undefined) return reportErrors(backfill)(options, command);
      if (!options.rules || !options.input)
        fail(
          'give --rules and --input (offline detection), or --since (backfill over stored events)',
          2,
        );
      const json = options.json ?? command.optsWithGlobals<{ json?: boolean }>().json ?? false;
      const inputs = options.input;
      for (const f of inputs)
        if (!existsSync(f) || !statSync(f).isFile()) fail(`no such input file: ${f}`, 2);
      const set = loadRulePaths(options.rules);
      const engine = new SigmaEngine({ rules: set, placeholders: options.placeholder });
      const ruleErrors = [...set.errors, ...engine.errors].filter((e) => e.severity === 'error');
      for (const e of ruleErrors)
        process.stderr.write(`prahari: rule not loaded: ${formatError(e)}\n`);
      if (engine.compiledCount === 0) fail('no rule could be loaded', 2);
      const logsource =
        options.logsource !== undefined ? parseLogsourceFlag(options.logsource) : undefined;
      const out = process.stdout;
      const started = performance.now();
      let events = 0;
      let matchCount = 0;
      let inputErrors = 0;
      const byRule = new Map<string, { title: string; level?: string; count: number }>();
      for (const file of inputs) {
        const size = statSync(file).size;
        const progress = new Progress(`detect ${file}`, size);
        const stream = new JsonEventStream();
        const decoder = new StringDecoder('utf8');
        const fd = openSync(file, 'r');
        const buf = Buffer.allocUnsafe(CHUNK);
        let read = 0;
        const handle = (batch: unknown[]): void => {
          for (const ev of batch) {
            const index = events++;
            const matches = engine.evaluate(ev, logsource ? { logsource } : {});
            for (const m of matches) {
              matchCount++;
              const key = m.ruleId ?? m.title;
              const agg = byRule.get(key) ?? { title: m.title, level: m.level, count: 0 };
              agg.count++;
              byRule.set(key, agg);
              if (json) {
                out.write(
                  `${JSON.stringify({ kind: m.kind, ruleId: m.ruleId, title: m.title, level: m.level, eventTime: timeOf(m), index, file, fields: m.fields })}\n`,
                );
              } else {
                out.write(
                  `${m.ruleId ?? '-'}\t${m.level ?? '-'}\t${timeOf(m)}\t#${index}\t${m.kind === 'correlation' ? '[correlation] ' : ''}${m.title}\n`,
                );
              }
            }
          }
        };
        try {
          for (;;) {
            const n = readSync(fd, buf, 0, CHUNK, null);
            if (n === 0) break;
            read += n;
            handle(stream.push(decoder.write(buf.subarray(0, n))));
            progress.update(read, `bytes, ${events.toLocaleString('en-IN')} events`);
          }
          handle(stream.end(stream.push(decoder.end())));
        } finally {
          closeSync(fd);
          progress.done();
        }
        for (const e of stream.errors)
          process.stderr.write(`prahari: ${file}: offset ${e.offset}: ${e.message}\n`);
        inputErrors += stream.errors.length;
      }
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        events,
        matches: matchCount,
        rules: engine.compiledCount,
        inputErrors,
        ruleErrors: ruleErrors.length,
        seconds: Math.round(seconds * 1000) / 1000,
        eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
        byRule: [...byRule.entries()]
          .sort((a, b) => b[1].count - a[1].count)
          .map(([id, v]) => ({ ruleId: id, ...v })),
      };
      if (json) out.write(`${JSON.stringify({ summary })}\n`);
      else {
        out.write(
          `\n${events} events, ${matchCount} matches from ${byRule.size} rules (${engine.compiledCount} rules loaded) in ${summary.seconds} s, ${summary.eventsPerSecond} events/s\n`,
        );
        for (const r of summary.byRule.slice(0, 20))
          out.write(`  ${String(r.count).padStart(6)}  ${r.level ?? '-'}\t${r.title}\n`);
      }
      if (inputErrors > 0 || ruleErrors.length > 0) process.exitCode = 1;
    });
}

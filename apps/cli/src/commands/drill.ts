import type { Command } from 'commander';
import { Option } from 'commander';
import { systemClock } from '@prahari/core';
import { DEFAULT_SEED, SCENARIOS, demoCity, type ScenarioScore } from '@prahari/demo-city';
import { DrillError, runDrill, type DrillReport } from '@prahari/server/core';
import { globalOptions, reportErrors } from '../context.js';
import { fail, printJson } from '../output.js';
import { intFlag, numberFlag, scenarioFlag } from './simulate.js';

interface DrillFlags {
  server: string;
  apiKey?: string;
  seed?: string;
  citySeed: string;
  speed: string;
  settle: string;
  syslog?: 'tcp' | 'udp';
}

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

const MARK = {
  detected: '✔',
  partial: '◐',
  split: '◐',
  merged: '✘',
  missed: '✘',
  'not-loaded': '·',
} as const;

function printScore(s: ScenarioScore): void {
  const verdict = {
    detected: 'DETECTED',
    'partly-detected': 'PARTLY DETECTED',
    missed: 'MISSED',
    'not-scored': 'NOT SCORED (none of its rules is loaded)',
  }[s.verdict];
  process.stdout.write(`\n${s.title} [${s.name}]: ${verdict}\n`);
  for (const e of s.expectations) {
    const detail =
      e.status === 'not-loaded'
        ? `rule not in use on the server (${e.pack})`
        : `${e.found}/${e.expected} alert${e.expected === 1 ? '' : 's'}, first after ${seconds(e.timeToAlertMs)}` +
          (e.missingAssets.length ? `; none yet on ${e.missingAssets.join(', ')}` : '');
    process.stdout.write(`  ${MARK[e.status]} ${e.title} (${e.level}) — ${detail}\n`);
  }
  for (const a of s.unexpectedHigh)
    process.stdout.write(
      `  ! unexpected ${a.severity} alert: ${a.ruleTitle}${a.asset ? ` on ${a.asset}` : ''}\n`,
    );
  if (s.unexpectedOther.length > 0)
    process.stdout.write(
      `  (also ${s.unexpectedOther.length} lower alert(s) the ground truth does not name: ${[...new Set(s.unexpectedOther.map((a) => a.ruleTitle))].join('; ')})\n`,
    );
  for (const i of s.incidents) {
    if (i.status === 'not-checked') continue;
    const what =
      i.status === 'detected'
        ? `incident ${i.incidents[0]} after ${seconds(i.timeToIncidentMs)}`
        : i.status === 'split'
          ? `split over incidents ${i.incidents.join(', ')}`
          : i.status === 'merged'
            ? `in ${i.incidents.join(', ')} with an earlier attack`
            : 'no incident holds its alerts';
    process.stdout.write(`  ${MARK[i.status]} ${i.summary} — ${what}\n`);
    for (const p of i.problems) process.stdout.write(`      ${p}\n`);
  }
}

function printReport(report: DrillReport): void {
  const detected = report.scenarios.filter((s) => s.verdict === 'detected').length;
  const alerts = report.scenarios.flatMap((s) =>
    s.expectations.filter((e) => e.timeToAlertMs !== null),
  );
  const times = alerts.map((e) => e.timeToAlertMs!).sort((a, b) => a - b);
  const unexpected = report.scenarios.reduce((n, s) => n + s.unexpectedHigh.length, 0);
  const checked = report.scenarios.flatMap((s) =>
    s.incidents.filter((i) => i.status !== 'not-checked'),
  );
  const opened = checked.filter((i) => i.status === 'detected');
  const toIncident = opened.map((i) => i.timeToIncidentMs!).sort((a, b) => a - b);
  process.stdout.write(
    `\nDrill against ${report.server} (seed ${report.seed}, ${report.speed}x): ${detected} of ${report.scenarios.length} scenario(s) detected; ` +
      `time to alert median ${seconds(times[Math.floor(times.length / 2)] ?? null)}, worst ${seconds(times.at(-1) ?? null)}; ` +
      `${unexpected} unexpected high or critical alert(s).\n`,
  );
  if (checked.length > 0)
    process.stdout.write(
      `Incidents: ${opened.length} of ${checked.length} expected incident(s) hold all their alerts; ` +
        `time to incident median ${seconds(toIncident[Math.floor(toIncident.length / 2)] ?? null)}, worst ${seconds(toIncident.at(-1) ?? null)}.\n`,
    );
  if (
    report.scenarios.some((s) =>
      s.expectations.some((e) => e.status === 'not-loaded' && e.pack === 'sigmahq'),
    )
  )
    process.stdout.write(
      "Some expected alerts come from SigmaHQ's rules, which this server does not have: prahari rules import PATH-TO-SIGMA\n",
    );
  const cityPlaceholders = Object.keys(demoCity(DEFAULT_SEED).placeholders);
  const unset = report.rules.unsetPlaceholders.filter((p) => cityPlaceholders.includes(p));
  if (unset.length > 0)
    process.stdout.write(
      `Rules the Demo City needs wait for their placeholders (${unset.join(', ')}): set detection.placeholders (prahari demo load prints the values), or run the server with --demo.\n`,
    );
  if (checked.length > 0 && checked.every((i) => i.status === 'missed'))
    process.stdout.write(
      "No incident holds the drill's alerts: set incidents.autoOpen.minSeverity (--demo runs with high) so alerts open incidents by themselves, or open one from an alert and drill again to check the rest join it.\n",
    );
}

export function registerDrillCommand(program: Command): void {
  program
    .command('drill <scenario>')
    .description(
      `run an attack scenario (or all) against a running server and score what it detected, how fast, and what it missed: ${SCENARIOS.map((s) => s.name).join(', ')}, all`,
    )
    .requiredOption('--server <url>', 'the running server, e.g. http://127.0.0.1:7700')
    .addOption(
      new Option(
        '--api-key <key>',
        'API key with role analyst or admin (it sends events, adds indicators, reads alerts)',
      ).env('PRAHARI_API_KEY'),
    )
    .option('--seed <n>', "the attackers' addresses (default: new ones each drill)")
    .option('--city-seed <n>', 'the city the server holds (as loaded)', String(DEFAULT_SEED))
    .option('--speed <factor>', 'how much faster than their own pace scenarios run', '10')
    .option('--settle <seconds>', 'how long to wait for alerts after a scenario', '30')
    .addOption(
      new Option('--syslog <transport>', 'send every syslog line over one transport').choices([
        'tcp',
        'udp',
      ]),
    )
    .action(
      reportErrors(async (name: string, flags: DrillFlags, command: Command) => {
        const opts = globalOptions(command);
        if (!flags.apiKey)
          fail(
            'A drill needs an API key with role analyst or admin: --api-key KEY or PRAHARI_API_KEY (create one with: prahari apikey create drill --role analyst).',
            2,
          );
        const scenarios = name === 'all' ? SCENARIOS : [scenarioFlag(name)];
        const seed =
          flags.seed === undefined ? Date.now() % 1_000_000 : intFlag(flags.seed, '--seed', 0);
        let report: DrillReport;
        try {
          report = await runDrill({
            url: flags.server,
            apiKey: flags.apiKey,
            city: demoCity(intFlag(flags.citySeed, '--city-seed', 0)),
            scenarios,
            seed,
            speed: numberFlag(flags.speed, '--speed'),
            settleMs: numberFlag(flags.settle, '--settle') * 1000,
            clock: systemClock,
            ...(flags.syslog && { syslog: flags.syslog }),
            onProgress: (p) => {
              if (opts.json) return;
              if (p.type === 'scenario')
                process.stderr.write(`Running ${p.name}: ${p.title} (${p.lines} lines)…\n`);
              else if (p.type === 'scored') printScore(p.score);
            },
          });
        } catch (err) {
          if (err instanceof DrillError) fail(err.message);
          throw err;
        }
        if (opts.json) printJson(report);
        else printReport(report);
        const failed = report.scenarios.some(
          (s) => s.verdict !== 'detected' || s.unexpectedHigh.length > 0,
        );
        if (failed) process.exitCode = 1;
      }),
    );
}

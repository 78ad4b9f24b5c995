import type { Command } from 'commander';
import { formatMinutes, systemClock } from '@prahari/core';
import type { BlastRadius, RiskEntry, SinglePointOfFailure, WhatIfResult } from '@prahari/core';
import { ImpactService } from '@prahari/server/core';
import { globalOptions, reportErrors, withServices } from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

interface ImpactOptions extends RemoteOptions {
  asset?: string[];
  whatIf?: boolean;
  horizon?: string;
  spof?: boolean;
  risk?: boolean;
  limit: string;
}

const when = (minutes: number) => `t=${formatMinutes(minutes)}`;

function printBlast(r: BlastRadius): void {
  const roots = r.roots.map((x) => x.id);
  process.stdout.write(
    `${r.assetsAffected} asset(s) and ${r.servicesAffected} city service(s) affected:\n`,
  );
  for (const a of r.affected) {
    if (roots.includes(a.id) && a.cause === null) {
      process.stdout.write(`  ${when(a.at)}  ${a.name}  (failed)\n`);
      continue;
    }
    const because = a.cause
      ? `${a.cause.edge.type.replaceAll('_', ' ')} ${r.affected.find((x) => x.id === a.cause!.dependency)?.name ?? a.cause.dependency}`
      : '';
    process.stdout.write(
      `  ${when(a.at)}  ${a.kind === 'service' ? 'SERVICE ' : ''}${a.name}  ← ${because}\n`,
    );
  }
  for (const s of r.survived)
    process.stdout.write(
      `  still working: ${s.name} (${s.working} of ${s.n} in group ${s.group} left, needs ${s.k})\n`,
    );
}

export function registerImpactCommand(program: Command): void {
  program
    .command('impact')
    .description(
      "cascading impact over the asset register: what fails if --asset fails (with --what-if, the drill's timeline), or the single points of failure (--spof) or the riskiest assets (--risk)",
    )
    .option('--asset <name...>', 'asset or service names or ids that fail')
    .option('--what-if', 'the timeline of a drill, with maximum tolerable downtimes')
    .option('--horizon <minutes>', 'only what fails within this many minutes')
    .option('--spof', 'single points of failure, by citizen impact')
    .option('--risk', 'the riskiest assets, with the parts of their score')
    .option('--limit <n>', 'rows for --spof and --risk', '20')
    .option('--server <url>', 'ask a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server')
    .action(
      reportErrors(async (options: ImpactOptions, command: Command) => {
        const opts = globalOptions(command);
        const modes = [options.asset ? 1 : 0, options.spof ? 1 : 0, options.risk ? 1 : 0];
        if (modes.reduce((a, b) => a + b, 0) !== 1)
          fail('say what to analyse: --asset NAME (optionally --what-if), --spof or --risk', 2);
        const limit = Math.max(1, Math.min(10_000, Number(options.limit) || 20));
        const horizon = options.horizon === undefined ? undefined : Number(options.horizon);
        if (horizon !== undefined && !(horizon >= 0)) fail('--horizon must be minutes ≥ 0', 2);
        const remote = remoteFrom(options);
        const local = <T>(fn: (impact: ImpactService) => Promise<T>) =>
          withServices(opts, (_s, store) => fn(new ImpactService(store, systemClock)));

        if (options.spof || options.risk) {
          const path = options.spof ? 'spof' : 'risk';
          const rows = remote
            ? await callServer(remote, 'GET', `/api/v1/impact/${path}?limit=${limit}`)
            : await local<unknown>((i) =>
                options.spof ? i.singlePointsOfFailure(limit) : i.risk(limit),
              );
          if (opts.json) return printJson(rows);
          if (options.spof) {
            const spofs = rows as SinglePointOfFailure[];
            if (spofs.length === 0)
              return void process.stdout.write('no single point of failure\n');
            printTable(
              ['ASSET', 'CITIZEN IMPACT', 'SERVICES IT TAKES DOWN'],
              spofs.map((s) => [
                s.name,
                String(s.impact),
                s.services.map((x) => x.name).join(', '),
              ]),
            );
          } else {
            printTable(
              ['RANK', 'ASSET', 'SCORE', 'WHY'],
              (rows as RiskEntry[]).map((r) => [
                String(r.rank),
                r.name,
                r.score.toFixed(0),
                Object.entries(r.components)
                  .filter(([, c]) => c.points > 0)
                  .map(([k, c]) => `${k} ${c.points.toFixed(0)}`)
                  .join(', '),
              ]),
            );
          }
          return;
        }

        const assets = options.asset!;
        if (options.whatIf) {
          const result = remote
            ? ((await callServer(remote, 'POST', '/api/v1/impact/what-if', {
                data: JSON.stringify({
                  failed: assets.map((asset) => ({ asset })),
                  ...(horizon !== undefined && { horizonMinutes: horizon }),
                }),
                contentType: 'application/json',
              })) as WhatIfResult)
            : await local((i) =>
                i.whatIf(
                  assets.map((ref) => ({ ref })),
                  horizon,
                ),
              );
          if (opts.json) return printJson(result);
          for (const t of result.timeline) process.stdout.write(`${t.text}\n`);
          return;
        }
        const result = remote
          ? ((await callServer(
              remote,
              'GET',
              `/api/v1/impact/blast-radius?${[
                ...assets.map((a) => `asset=${encodeURIComponent(a)}`),
                ...(horizon !== undefined ? [`horizon=${horizon}`] : []),
              ].join('&')}`,
            )) as BlastRadius)
          : await local((i) =>
              i.blastRadius(
                assets.map((ref) => ({ ref })),
                horizon,
              ),
            );
        if (opts.json) return printJson(result);
        printBlast(result);
      }),
    );
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { RawArchive } from '@prahari/ingest';
import { systemClock } from '@prahari/core';
import {
  DEFAULT_SEED,
  SCENARIOS,
  TelemetryGenerator,
  demoCity,
  scenarioNamed,
} from '@prahari/demo-city';
import {
  IngestPipeline,
  InstanceLock,
  Metrics,
  NetworkSink,
  PipelineSink,
  SinkError,
  StartupError,
  openStore,
  prepareDataDir,
  simulate,
  type LineSink,
  type SimulationSummary,
} from '@prahari/server/core';
import { cliConfig, globalOptions, reportErrors } from '../context.js';
import { Progress, fail, printJson } from '../output.js';

interface SimulateFlags {
  rate: string;
  duration: string;
  target?: string;
  data?: string;
  scenario?: string;
  speed: string;
  seed: string;
  burst?: boolean;
  key?: string;
  tcpPort?: string;
  udpPort?: string;
  syslog?: 'tcp' | 'udp';
}

/** A whole number ≥ min from a flag, or the command ends naming the flag. */
export function intFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    fail(`${flag} must be a whole number of at least ${min}; '${value}' is not.`, 2);
  return n;
}

/** A positive number from a flag. */
export function numberFlag(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    fail(`${flag} must be a number above 0; '${value}' is not.`, 2);
  return n;
}

/** The scenario a flag names, or the command ends listing the names. */
export function scenarioFlag(name: string): (typeof SCENARIOS)[number] {
  const s = scenarioNamed(name);
  if (!s)
    fail(
      `There is no scenario '${name}'; use one of ${SCENARIOS.map((x) => x.name).join(', ')}.`,
      2,
    );
  return s;
}

/** The server's syslog ports, as it reports them to a key that may read ingest figures. */
async function listenerPorts(
  target: string,
  key: string | undefined,
): Promise<{ tcpPort: number | null; udpPort: number | null } | null> {
  if (!key) return null;
  try {
    const res = await fetch(new URL('/api/v1/ingest/stats', target), {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!res.ok) return null;
    return ((await res.json()) as { listeners: { tcpPort: number | null; udpPort: number | null } })
      .listeners;
  } catch (err) {
    fail(`Cannot reach ${target}: ${(err as Error).message}`);
  }
}

function report(summary: SimulationSummary, sink: LineSink, where: string): void {
  const formats = Object.entries(summary.byFormat)
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `${f} ${n.toLocaleString('en-IN')}`)
    .join(', ');
  const { sent, delivered, refused } = sink.stats;
  process.stdout.write(
    `Sent ${(summary.lines + summary.scenarioLines).toLocaleString('en-IN')} lines to ${where} in ${summary.elapsedSeconds.toFixed(1)} s (${summary.eventsPerSecond.toFixed(1)}/s)` +
      `${summary.scenarioLines ? `, ${summary.scenarioLines} of them the scenario's` : ''}.\n` +
      `By channel: syslog TCP ${sent.tcp}, syslog UDP ${sent.udp}, HTTP ${sent.http}; delivered ${delivered}, refused ${refused}.\n` +
      `By format: ${formats || 'none'}\n`,
  );
  if (refused > 0)
    process.stdout.write('Refused lines are dead letters: prahari deadletter list\n');
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      "send the Demo City's telemetry (and an attack scenario) to a running server over its real listeners, or into a data directory",
    )
    .option('--rate <eps>', 'background events per second (0: only the scenario)', '50')
    .option('--duration <seconds>', 'how long to send the background', '60')
    .option('--target <url>', 'a running server, e.g. http://127.0.0.1:7700')
    .option('--data <dir>', 'a data directory (the server not running)')
    .option(
      '--scenario <name>',
      `an attack to weave in: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    )
    .option('--speed <factor>', 'how much faster than its own pace the scenario runs', '1')
    .option('--seed <n>', 'the city and its traffic (same seed, same stream)', String(DEFAULT_SEED))
    .option('--burst', 'send in bursts (5x the rate for 2 s in every 10) instead of steadily')
    .addOption(
      new Option('--key <key>', 'API key (role ingest) for the HTTP ingest').env('PRAHARI_API_KEY'),
    )
    .option(
      '--tcp-port <port>',
      'syslog TCP port of --target (default: as the server says, else 5514)',
    )
    .option(
      '--udp-port <port>',
      'syslog UDP port of --target (default: as the server says, else 5514)',
    )
    .addOption(
      new Option('--syslog <transport>', 'send every syslog line over one transport').choices([
        'tcp',
        'udp',
      ]),
    )
    .action(
      reportErrors(async (flags: SimulateFlags, command: Command) => {
        const opts = globalOptions(command);
        const rate = intFlag(flags.rate, '--rate', 0);
        const duration = intFlag(flags.duration, '--duration', 0);
        const seed = intFlag(flags.seed, '--seed', 0);
        const speed = numberFlag(flags.speed, '--speed');
        const scenario = flags.scenario === undefined ? undefined : scenarioFlag(flags.scenario);
        if ((flags.target === undefined) === (flags.data === undefined))
          fail(
            'Give --target URL (a running server) or --data DIR (a data directory), one of them.',
            2,
          );
        const city = demoCity(seed);
        const run = scenario?.build(city, seed);
        if (run && run.indicators.length > 0 && !opts.json)
          process.stderr.write(
            `Note: ${run.name} expects indicators the drill adds (${run.indicators.map((i) => i.value).join(', ')}); simulate only sends traffic. Use prahari drill to score it.\n`,
          );
        const progress = new Progress('simulate', rate * duration + (run?.steps.length ?? 0));
        // The background stops after --duration; a scenario that outlasts it runs to its end.
        const options = {
          rate,
          durationSeconds: duration,
          burst: flags.burst === true,
          speed,
          clock: systemClock,
          onProgress: (p: { lines: number; scenarioLines: number }) =>
            progress.update(p.lines + p.scenarioLines),
          ...(run && { scenario: run }),
        };
        const generator = new TelemetryGenerator(city);

        if (flags.target !== undefined) {
          const target = flags.target;
          if (!flags.key)
            fail(
              'Sending to a server needs an API key for its HTTP ingest: --key KEY or PRAHARI_API_KEY (create one with: prahari apikey create simulator --role ingest).',
              2,
            );
          const ports = await listenerPorts(target, flags.key);
          const sink = new NetworkSink({
            url: target,
            apiKey: flags.key,
            tcpPort: flags.tcpPort
              ? intFlag(flags.tcpPort, '--tcp-port', 1)
              : (ports?.tcpPort ?? 5514),
            udpPort: flags.udpPort
              ? intFlag(flags.udpPort, '--udp-port', 1)
              : (ports?.udpPort ?? 5514),
            ...(flags.syslog && { syslog: flags.syslog }),
          });
          let summary: SimulationSummary;
          try {
            summary = await simulate(generator, sink, options);
            await sink.close();
          } catch (err) {
            if (err instanceof SinkError) fail(err.message);
            throw err;
          } finally {
            progress.done();
          }
          if (opts.json) return printJson({ ...summary, ...sink.stats });
          return report(summary, sink, target);
        }

        const config = cliConfig({ ...opts, dataDir: flags.data });
        let lock: InstanceLock;
        try {
          lock = InstanceLock.acquire(prepareDataDir(config.dataDir).path);
        } catch (err) {
          if (err instanceof StartupError)
            fail(
              `${err.message}\nTo simulate while it runs, send to it: prahari simulate --target URL --key KEY`,
            );
          throw err;
        }
        const store = await openStore(config);
        const archive = await RawArchive.open({
          dir: join(prepareDataDir(config.dataDir).path, 'archive'),
          clock: systemClock,
          retentionDays: config.ingest.archiveRetentionDays,
        });
        const pipeline = new IngestPipeline(
          store,
          archive,
          systemClock,
          new Metrics(),
          config.ingest,
        );
        const sink = new PipelineSink(pipeline, systemClock, 'simulate', 500);
        try {
          const summary = await simulate(generator, sink, options);
          progress.done();
          if (opts.json) printJson({ ...summary, ...sink.stats });
          else report(summary, sink, config.dataDir);
        } finally {
          await pipeline.close();
          await archive.close();
          await store.close();
          lock.release();
        }
      }),
    );
}

import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import { DEFAULT_SEED, demoCity } from '@prahari/demo-city';
import { StartupError } from '@prahari/server/core';
import type { RunningServer } from '@prahari/server';
import { cliConfig, globalOptions, reportErrors } from '../context.js';
import { fail } from '../output.js';
import { intFlag } from './simulate.js';

/** What detection runs with, and how to add SigmaHQ's rules when only the city rules are there. */
function detectionLine(server: RunningServer): string {
  const packs = server.rules.packs();
  const inUse = server.rules.compiledCount;
  const failed = server.rules.errors().filter((e) => e.severity === 'error').length;
  const text = `Detection: ${inUse.toLocaleString('en-IN')} rules in use (${packs.map((p) => `${p.name} ${p.rules}`).join(', ')})${failed ? `; ${failed} not loaded, see GET /api/v1/rules` : ''}`;
  return packs.some((p) => !p.builtIn)
    ? text
    : `${text}; add SigmaHQ's with: npx prahari rules import PATH-TO-SIGMA`;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Prahari server (HTTP API, dashboard) on the local data directory')
    .option('--host <address>', 'address to listen on (server.host)')
    .option('--port <port>', 'HTTP port (server.port)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (server.logLevel)')
    .option(
      '--demo',
      'load the Demo City (once) and run its background traffic in this process: a living city to look at',
    )
    .option('--demo-rate <eps>', 'demo background events per second', '20')
    .option('--demo-seed <n>', 'which Demo City', String(DEFAULT_SEED))
    .action(
      reportErrors(
        async (
          options: {
            host?: string;
            port?: string;
            logLevel?: string;
            demo?: boolean;
            demoRate: string;
            demoSeed: string;
          },
          command: Command,
        ) => {
          const configured = cliConfig(globalOptions(command), {
            'server.host': options.host,
            'server.port': options.port,
            'server.logLevel': options.logLevel,
          });
          const demoRate = intFlag(options.demoRate, '--demo-rate', 1);
          const demoSeed = intFlag(options.demoSeed, '--demo-seed', 0);
          // The HTTP server is loaded only here, so other commands start quickly.
          const { startServer, startDemo, demoConfig } = await import('@prahari/server');
          const config = options.demo ? demoConfig(configured, demoCity(demoSeed)) : configured;
          let server;
          try {
            server = await startServer(config);
          } catch (err) {
            if (err instanceof StartupError) fail(err.message);
            if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
              fail(
                `Port ${config.server.port} on ${config.server.host} is already in use. Stop what uses it or choose another with --port.`,
              );
            }
            throw err;
          }
          const lines = [
            `Prahari is running at ${server.url} (data in ${config.dataDir})`,
            `API documentation: ${server.url}/api/docs`,
            `Receiving syslog on ${config.ingest.syslog.host}: ${
              [
                server.syslog.udpPort !== null && `UDP ${server.syslog.udpPort}`,
                server.syslog.tcpPort !== null && `TCP ${server.syslog.tcpPort}`,
                server.syslog.tlsPort !== null && `TLS ${server.syslog.tlsPort}`,
              ]
                .filter(Boolean)
                .join(', ') || 'no listener enabled'
            }; HTTP ingest at ${server.url}/api/v1/ingest`,
            detectionLine(server),
          ];
          if (server.initialAdmin) {
            lines.push(
              '',
              'First start: an administrator account was created.',
              `  username: ${server.initialAdmin.username}`,
              server.initialAdmin.generated
                ? `  password: ${server.initialAdmin.password}   (shown only now — store it, or change it with: npx prahari user passwd admin)`
                : '  password: the one set in auth.initialAdminPassword / PRAHARI_ADMIN_PASSWORD',
              `Log in: curl -c cookies.txt -H 'content-type: application/json' -d '{"username":"admin","password":"…"}' ${server.url}/api/v1/auth/login`,
              '',
            );
          }
          const demo = options.demo
            ? await startDemo(
                {
                  store: server.store,
                  users: server.services.users,
                  assets: server.assets.service,
                  pipeline: server.pipeline,
                  log: server.app.log,
                },
                { seed: demoSeed, rate: demoRate, clock: systemClock },
              )
            : null;
          if (demo)
            lines.push(
              `Demo City: ${demo.city.assets.length} assets, ${demo.city.services.length} city services${demo.load.imported ? ' (loaded now)' : ''}; background traffic at ${demoRate} events/s (listener "demo").`,
              `Incidents open by themselves for ${config.incidents.autoOpen.minSeverity} alerts and worse (incidents.autoOpen.minSeverity), and the rest of an attack joins them.`,
              ...(demo.attack
                ? [
                    `First start: the traffic carries one attack now (${demo.attack.title}), so its alerts and incident show within a minute.`,
                  ]
                : []),
              `Drill an attack: npx prahari apikey create drill --role analyst, then npx prahari drill all --server ${server.url} --api-key KEY`,
            );
          process.stdout.write(`${lines.join('\n')}\n`);

          const shutdown = (signal: string) => {
            process.stdout.write(`\n${signal}: stopping Prahari…\n`);
            (demo ? demo.stop() : Promise.resolve())
              .then(() => server.close())
              .then(
                () => process.exit(0),
                (err: unknown) => {
                  process.stderr.write(`error while stopping: ${String(err)}\n`);
                  process.exit(1);
                },
              );
          };
          process.once('SIGTERM', () => shutdown('SIGTERM'));
          process.once('SIGINT', () => shutdown('SIGINT'));
        },
      ),
    );
}

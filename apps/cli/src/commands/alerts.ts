import { resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import {
  IndicatorService,
  InstanceLock,
  createDetection,
  type Config,
  type Detection,
} from '@prahari/server/core';
import type { AlertRecord, Store } from '@prahari/store';
import type { Services } from '@prahari/server/core';
import {
  cliPrincipal,
  globalOptions,
  reportErrors,
  withServices,
  type GlobalOptions,
} from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';
import { isoOrFail } from './search.js';

interface ListOptions extends RemoteOptions {
  status?: string;
  level?: string;
  rule?: string;
  since?: string;
  limit: string;
}

/**
 * Detection over the local data directory, for commands that change alerts. While a server runs
 * on the directory it owns alerts (their revisions feed its live stream), so changes go through
 * its API instead.
 */
export async function withLocalDetection<T>(
  opts: GlobalOptions,
  what: string,
  fn: (detection: Detection, services: Services, store: Store, config: Config) => Promise<T>,
): Promise<T> {
  return withServices(opts, async (services, store, config) => {
    const pid = InstanceLock.holder(resolve(config.dataDir));
    if (pid !== null)
      fail(
        `A server (pid ${pid}) is running on ${config.dataDir}; ${what} through it: add --server URL --api-key KEY.`,
      );
    const indicators = new IndicatorService(store.indicators, services.audit, systemClock);
    await indicators.refresh();
    const detection = await createDetection({
      store,
      services,
      config,
      dataDir: resolve(config.dataDir),
      clock: systemClock,
      indicators,
      log: { error: (obj, msg) => process.stderr.write(`prahari: ${msg}\n`) },
    });
    return fn(detection, services, store, config);
  });
}

function where(a: AlertRecord): string {
  const from = a.sourceIp ?? '-';
  const to = a.hostName ?? a.sourceName ?? '-';
  return `${from} → ${to}`;
}

function printAlerts(alerts: AlertRecord[]): void {
  printTable(
    ['LAST SEEN', 'LEVEL', 'COUNT', 'STATUS', 'RULE', 'SOURCE → HOST', 'ID'],
    alerts.map((a) => [
      a.lastSeen.replace(/\.\d+Z$/, 'Z'),
      a.level,
      String(a.count),
      a.resolution ? `closed:${a.resolution === 'true_positive' ? 'tp' : 'fp'}` : a.status,
      a.ruleTitle.length > 60 ? `${a.ruleTitle.slice(0, 57)}…` : a.ruleTitle,
      where(a),
      a.id,
    ]),
  );
}

export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('alerts raised by detection');

  alerts
    .command('list')
    .description(
      'alerts, newest first, e.g.: prahari alerts list --status new --level high,critical',
    )
    .option('--status <list>', 'comma-separated: new, acknowledged, closed')
    .option('--level <list>', 'comma-separated: informational, low, medium, high, critical')
    .option('--rule <id>', 'alerts of one rule')
    .option('--since <time>', 'last seen at or after (ISO 8601, or an age like 24h)')
    .option('--limit <n>', 'how many', '50')
    .option('--server <url>', 'ask a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server')
    .action(
      reportErrors(async (options: ListOptions, command: Command) => {
        const opts = globalOptions(command);
        const limit = Math.max(1, Math.min(1000, Number(options.limit) || 50));
        let since: string | undefined;
        try {
          since = isoOrFail('--since', options.since);
        } catch (err) {
          throw Object.assign(err as Error, { status: 400 });
        }
        const statuses = options.status?.split(',').map((s) => s.trim());
        for (const s of statuses ?? [])
          if (!['new', 'acknowledged', 'closed'].includes(s))
            fail(`--status '${s}' is unknown; use new, acknowledged or closed`, 2);
        const remote = remoteFrom(options);
        let list: AlertRecord[];
        if (remote) {
          const params = new URLSearchParams({
            limit: String(limit),
            ...(options.status && { status: options.status }),
            ...(options.level && { level: options.level }),
            ...(options.rule && { rule: options.rule }),
            ...(since && { from: since }),
          });
          list = (await callServer(
            remote,
            'GET',
            `/api/v1/alerts?${params.toString()}`,
          )) as AlertRecord[];
        } else {
          list = await withServices(opts, (_s, store) =>
            store.alerts.list({
              limit,
              ...(statuses && { status: statuses as AlertRecord['status'][] }),
              ...(options.level && { level: options.level.split(',').map((s) => s.trim()) }),
              ...(options.rule && { ruleId: options.rule }),
              ...(since && { from: since }),
            }),
          );
        }
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stderr.write('no alerts\n');
          return;
        }
        printAlerts(list);
      }),
    );

  alerts
    .command('show <id>')
    .description('one alert with its events')
    .option('--server <url>', 'ask a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server')
    .action(
      reportErrors(async (id: string, options: RemoteOptions, command: Command) => {
        const opts = globalOptions(command);
        const remote = remoteFrom(options);
        const found = remote
          ? ((await callServer(remote, 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`)) as {
              alert: AlertRecord;
              events: { seq: number; eventTime: string; raw: string }[];
            })
          : await withServices(opts, async (_s, store) => {
              const alert = await store.alerts.get(id);
              if (!alert) fail(`no alert has id ${id}`);
              const events = [];
              for (const seq of alert.eventSeqs) {
                const e = await store.events.get(seq);
                if (e) events.push(e);
              }
              return { alert, events };
            });
        if (opts.json) return printJson(found);
        const a = found.alert;
        process.stdout.write(
          [
            `${a.ruleTitle}  [${a.level}]  ${a.kind}`,
            `rule      ${a.ruleId}`,
            `status    ${a.status}${a.resolution ? ` (${a.resolution})` : ''}${a.statusBy ? ` by ${a.statusBy} at ${a.statusAt}` : ''}`,
            `seen      ${a.count}× from ${a.firstSeen} to ${a.lastSeen}`,
            `source    ${where(a)}${a.userName ? `  user ${a.userName}` : ''}`,
            `matched   ${JSON.stringify(a.matched)}`,
            `events:`,
            ...found.events.map((e) => `  #${e.seq} ${e.eventTime}  ${e.raw}`),
          ].join('\n') + '\n',
        );
      }),
    );

  const change = (
    name: string,
    description: string,
    status: 'acknowledged' | 'closed' | 'new',
    withVerdict: boolean,
  ) => {
    const cmd = alerts
      .command(`${name} <id>`)
      .description(description)
      .option('--note <text>', 'why, for the audit trail')
      .option('--server <url>', 'change it on a running server')
      .option('--api-key <key>', 'API key for --server');
    if (withVerdict)
      cmd.requiredOption('--as <verdict>', 'true-positive (a real attack) or false-positive');
    cmd.action(
      reportErrors(
        async (
          id: string,
          options: RemoteOptions & { note?: string; as?: string },
          command: Command,
        ) => {
          const opts = globalOptions(command);
          let resolution: 'true_positive' | 'false_positive' | undefined;
          if (withVerdict) {
            const v = options.as?.toLowerCase().replace(/[-_ ]/g, '');
            if (v === 'truepositive' || v === 'tp') resolution = 'true_positive';
            else if (v === 'falsepositive' || v === 'fp') resolution = 'false_positive';
            else fail(`--as '${options.as}': use true-positive or false-positive`, 2);
          }
          const body = {
            status,
            ...(resolution && { resolution }),
            ...(options.note && { note: options.note }),
          };
          const remote = remoteFrom(options);
          const updated = remote
            ? ((await callServer(
                remote,
                'POST',
                `/api/v1/alerts/${encodeURIComponent(id)}/status`,
                {
                  data: JSON.stringify(body),
                  contentType: 'application/json',
                },
              )) as AlertRecord)
            : await withLocalDetection(opts, 'change alerts', (d) =>
                d.alerts.setStatus({ principal: cliPrincipal(), ip: null }, id, body),
              );
          if (opts.json) return printJson(updated);
          process.stdout.write(
            `alert ${updated.id} is now ${updated.status}${updated.resolution ? ` (${updated.resolution})` : ''}\n`,
          );
        },
      ),
    );
  };
  change('ack', 'acknowledge an alert (someone is looking at it)', 'acknowledged', false);
  change('close', 'close an alert with a verdict', 'closed', true);
  change('reopen', 'reopen an alert', 'new', false);
}

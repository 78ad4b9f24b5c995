import type { Command } from 'commander';
import { parseQuery } from '@prahari/core';
import type { EventPage } from '@prahari/store';
import { globalOptions, reportErrors, withServices } from '../context.js';
import { printJson } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

interface SearchOptions extends RemoteOptions {
  from?: string;
  to?: string;
  limit: string;
  cursor?: string;
  raw?: boolean;
}

export function isoOrFail(label: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) {
    const ms =
      Number(relative[1]) *
      { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(Date.now() - ms).toISOString();
  }
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new Error(
      `${label} '${value}' is not a time: use ISO 8601 (2026-11-25T10:00Z) or an age like 15m, 24h, 7d.`,
    );
  return t.toISOString();
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search [query...]')
    .description(
      'search stored events, e.g.: prahari search \'user.name:root AND "Failed password"\' --from 24h',
    )
    .option('--from <time>', 'events from this time (ISO 8601, or an age like 24h, 7d)')
    .option('--to <time>', 'events before this time')
    .option('--limit <n>', 'how many events', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--raw', 'print the original log lines only')
    .option('--server <url>', 'search a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server')
    .action(
      reportErrors(async (words: string[], options: SearchOptions, command: Command) => {
        const opts = globalOptions(command);
        const q = words.join(' ');
        const limit = Math.max(1, Math.min(1000, Number(options.limit) || 50));
        let from: string | undefined;
        let to: string | undefined;
        try {
          from = isoOrFail('--from', options.from);
          to = isoOrFail('--to', options.to);
        } catch (err) {
          throw Object.assign(err as Error, { status: 400 });
        }
        const remote = remoteFrom(options);
        let page: EventPage;
        if (remote) {
          const params = new URLSearchParams({
            q,
            limit: String(limit),
            ...(from && { from }),
            ...(to && { to }),
            ...(options.cursor && { cursor: options.cursor }),
          });
          page = (await callServer(
            remote,
            'GET',
            `/api/v1/events?${params.toString()}`,
          )) as EventPage;
        } else {
          page = await withServices(opts, (_services, store) =>
            store.search.search({
              query: parseQuery(q),
              limit,
              ...(from && { from }),
              ...(to && { to }),
              ...(options.cursor && { cursor: options.cursor }),
            }),
          );
        }
        if (opts.json) return printJson(page);
        for (const e of page.events) {
          if (options.raw) process.stdout.write(`${e.raw}\n`);
          else {
            const where = e.sourceName ?? e.sourceIp ?? e.listener;
            const ls = [e.logsource.product, e.logsource.category, e.logsource.service]
              .filter(Boolean)
              .join('/');
            process.stdout.write(
              `${e.eventTime}  ${where}  [${e.parser}${ls ? ` ${ls}` : ''}]  ${e.message}\n`,
            );
          }
        }
        process.stderr.write(
          `${page.events.length} event(s)${page.nextCursor ? `; more with --cursor ${page.nextCursor}` : ''}\n`,
        );
      }),
    );
}

import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import { IndicatorService } from '@prahari/server/core';
import type { IndicatorRecord, IndicatorType, Tlp } from '@prahari/store';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

type IndicatorPage = { indicators: IndicatorRecord[]; nextCursor: string | null };
type AddResult = Awaited<ReturnType<IndicatorService['add']>>;
type ImportResult = Awaited<ReturnType<IndicatorService['import']>>;

const actor = () => ({ principal: cliPrincipal(), ip: null });

/** Runs `fn` with an IndicatorService over the local data directory. */
function withIndicators<T>(
  command: Command,
  fn: (indicators: IndicatorService) => Promise<T>,
): Promise<T> {
  return withServices(globalOptions(command), (services, store) =>
    fn(new IndicatorService(store.indicators, services.audit, systemClock)),
  );
}

const json = (body: unknown) => ({ data: JSON.stringify(body), contentType: 'application/json' });

/** `TLP:RED` → `red`, `white` → `clear`; anything else is passed on for the service to refuse. */
function tlpOption(v: string | undefined): Tlp | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase().replace(/^tlp:/, '');
  return (t === 'white' ? 'clear' : t) as Tlp;
}

const typeOption = (v: string | undefined) => v?.trim().toLowerCase() as IndicatorType | undefined;

function printIndicators(list: IndicatorRecord[]): void {
  printTable(
    ['ID', 'TYPE', 'VALUE', 'SOURCE', 'TLP', 'EXPIRES', 'HITS', 'LAST HIT'],
    list.map((i) => [
      i.id,
      i.type,
      i.value,
      i.source,
      i.tlp,
      i.expiresAt ?? 'never',
      String(i.hits),
      i.lastHitAt ?? '-',
    ]),
  );
}

interface ListOptions extends RemoteOptions {
  type?: string;
  source?: string;
  search?: string;
  expired?: boolean;
  all?: boolean;
  limit: string;
  cursor?: string;
}

interface AddOptions extends RemoteOptions {
  type?: string;
  source?: string;
  tlp?: string;
  expires?: string;
  description?: string;
}

interface ImportOptions extends RemoteOptions {
  format?: string;
  source?: string;
  tlp?: string;
  expires?: string;
  type?: string;
  dryRun?: boolean;
}

function remoteOptions(command: Command): Command {
  return command
    .option('--server <url>', 'a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server (role analyst or admin to change indicators)');
}

function summary(r: ImportResult): string {
  const types = Object.entries(r.byType)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const dup = r.duplicates > 0 ? `, ${r.duplicates} duplicate line(s)` : '';
  return `${r.lines} line(s), ${r.valid} good${dup}${types ? ` (${types})` : ''}`;
}

export function registerIndicatorsCommand(program: Command): void {
  const indicators = program
    .command('indicators')
    .description(
      'indicators of compromise (IPs, networks, domains, URLs, hashes) matched on every event',
    );

  remoteOptions(
    indicators
      .command('list')
      .description('list indicators: those not expired, unless --expired or --all')
      .option('--type <type>', 'ip, cidr, domain, url or hash')
      .option('--source <name>', 'only those from this source')
      .option('--search <text>', 'only those whose value contains this')
      .option('--expired', 'only expired ones')
      .option('--all', 'expired ones too')
      .option('--limit <n>', 'how many', '100')
      .option('--cursor <cursor>', 'continue after a previous page'),
  ).action(
    reportErrors(async (options: ListOptions, command: Command) => {
      const opts = globalOptions(command);
      const limit = Math.max(1, Math.min(1000, Number(options.limit) || 100));
      const active = options.expired ? false : options.all ? undefined : true;
      const query = {
        limit,
        type: typeOption(options.type),
        source: options.source,
        q: options.search,
        active,
        cursor: options.cursor,
      };
      const remote = remoteFrom(options);
      let page: IndicatorPage;
      if (remote) {
        const params = new URLSearchParams({ limit: String(limit) });
        for (const [k, v] of Object.entries(query))
          if (v !== undefined && k !== 'limit') params.set(k, String(v));
        page = (await callServer(
          remote,
          'GET',
          `/api/v1/indicators?${params.toString()}`,
        )) as IndicatorPage;
      } else {
        page = await withIndicators(command, (s) => s.list(query));
      }
      if (opts.json) return printJson(page);
      if (page.indicators.length > 0) printIndicators(page.indicators);
      process.stderr.write(
        `${page.indicators.length} indicator(s)${page.nextCursor ? `; more with --cursor ${page.nextCursor}` : ''}\n`,
      );
    }),
  );

  remoteOptions(
    indicators
      .command('add <value...>')
      .description(
        'add indicators (the type is detected unless given); a known value is updated instead',
      )
      .option('--type <type>', 'ip, cidr, domain, url or hash')
      .option('--source <name>', 'where it came from (default manual)')
      .option('--tlp <tlp>', 'clear, green, amber, amber+strict or red (default amber)')
      .option('--expires <when>', 'ISO 8601 date or time, or an age: 30d, 12h, 2w (default never)')
      .option('--description <text>', 'what it is, for the analyst who sees it match'),
  ).action(
    reportErrors(async (values: string[], options: AddOptions, command: Command) => {
      const opts = globalOptions(command);
      const items = values.map((value) => ({
        value,
        ...(options.type !== undefined && { type: typeOption(options.type) }),
        ...(options.source !== undefined && { source: options.source }),
        ...(options.tlp !== undefined && { tlp: tlpOption(options.tlp) }),
        ...(options.expires !== undefined && { expiresAt: options.expires }),
        ...(options.description !== undefined && { description: options.description }),
      }));
      const remote = remoteFrom(options);
      const res: AddResult = remote
        ? ((await callServer(remote, 'POST', '/api/v1/indicators', json(items))) as AddResult)
        : await withIndicators(command, (s) => s.add(actor(), items));
      if (opts.json) return printJson(res);
      process.stdout.write(`Added ${res.added}, updated ${res.updated}:\n`);
      printIndicators(res.indicators);
    }),
  );

  remoteOptions(
    indicators
      .command('import <file>')
      .description(
        'import a list (FILE, or - for standard input): all or nothing — any bad line and nothing is imported',
      )
      .option(
        '--format <format>',
        'text (one value per line, # comments) or csv (header naming value, and optionally type, source, tlp, expires, description); default: csv for .csv files, else text',
      )
      .option('--source <name>', 'source of every line (default: the file name)')
      .option('--tlp <tlp>', 'clear, green, amber, amber+strict or red', 'amber')
      .option('--expires <when>', 'expiry of every line: ISO 8601, or an age like 30d')
      .option('--type <type>', 'the type of every line (default: detected per line)')
      .option('--dry-run', 'check every line and say what would change; change nothing'),
  ).action(
    reportErrors(async (file: string, options: ImportOptions, command: Command) => {
      const opts = globalOptions(command);
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (err) {
        fail(`Cannot read ${file}: ${(err as Error).message}`);
      }
      const format = options.format ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'text');
      if (format !== 'csv' && format !== 'text')
        fail(`--format must be csv or text, not '${format}'.`, 2);
      const source =
        options.source ?? (file === '-' ? 'stdin' : basename(file, extname(file)) || 'import');
      const request = {
        format,
        text,
        source,
        ...(options.tlp !== undefined && { tlp: tlpOption(options.tlp) }),
        ...(options.expires !== undefined && { expiresAt: options.expires }),
        ...(options.type !== undefined && { type: typeOption(options.type) }),
      } as const;
      const remote = remoteFrom(options);
      const run = (dryRun: boolean): Promise<ImportResult> => {
        if (remote)
          return callServer(
            remote,
            'POST',
            '/api/v1/indicators/import',
            json({ ...request, dryRun }),
          ) as Promise<ImportResult>;
        return withIndicators(command, (s) => {
          const { text: body, ...rest } = request;
          return s.import(actor(), body, { ...rest, dryRun });
        });
      };
      // Checked first, so every bad line can be listed, here as from a server.
      const check = await run(true);
      if (check.errorCount > 0 || options.dryRun) {
        if (opts.json) printJson(check);
        else {
          for (const e of check.errors) process.stdout.write(`line ${e.line}: ${e.reason}\n`);
          if (check.errorCount > check.errors.length)
            process.stdout.write(`… and ${check.errorCount - check.errors.length} more\n`);
          process.stdout.write(
            check.errorCount > 0
              ? `${check.errorCount} bad line(s) of ${check.lines}: nothing was imported (an import is all or nothing). Fix them and import again.\n`
              : `Dry run, nothing imported: ${summary(check)}; would add ${check.added}, update ${check.updated}.\n`,
          );
          if (check.ignoredColumns.length > 0)
            process.stdout.write(`Columns not read: ${check.ignoredColumns.join(', ')}\n`);
        }
        if (check.errorCount > 0) process.exitCode = 1;
        return;
      }
      const res = await run(false);
      if (opts.json) return printJson(res);
      process.stdout.write(
        `Imported from ${file} as source '${source}': ${summary(res)}; added ${res.added}, updated ${res.updated}.\n`,
      );
      if (res.ignoredColumns.length > 0)
        process.stdout.write(`Columns not read: ${res.ignoredColumns.join(', ')}\n`);
    }),
  );

  remoteOptions(
    indicators.command('delete <id>').description('delete an indicator; it stops matching at once'),
  ).action(
    reportErrors(async (id: string, options: RemoteOptions, command: Command) => {
      const opts = globalOptions(command);
      const remote = remoteFrom(options);
      const gone = remote
        ? ((await callServer(
            remote,
            'DELETE',
            `/api/v1/indicators/${encodeURIComponent(id)}`,
          )) as IndicatorRecord)
        : await withIndicators(command, (s) => s.delete(actor(), id));
      if (opts.json) return printJson(gone);
      process.stdout.write(`Deleted ${gone.type} ${gone.value} (${gone.source}).\n`);
    }),
  );
}

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import {
  AssetService,
  type AssetDetail,
  type AssetImportResult,
  type AssetInput,
  type EdgeResult,
  type EdgeView,
  type ServiceDetail,
} from '@prahari/server/core';
import type { AssetRecord, CityServiceRecord } from '@prahari/store';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

type AssetPage = { assets: AssetRecord[]; nextCursor: string | null };
type ServicePage = { services: CityServiceRecord[]; nextCursor: string | null };
type EdgePage = { edges: EdgeView[]; nextCursor: string | null };

const actor = () => ({ principal: cliPrincipal(), ip: null });
const json = (body: unknown) => ({ data: JSON.stringify(body), contentType: 'application/json' });
const enc = encodeURIComponent;

/** Runs `fn` with an AssetService over the local data directory. */
function withAssets<T>(command: Command, fn: (assets: AssetService) => Promise<T>): Promise<T> {
  return withServices(globalOptions(command), (services, store) =>
    fn(new AssetService(store, services.audit, systemClock)),
  );
}

/**
 * One call, to the running server named by --server or on the data directory: `remote` is the
 * API request, `local` the same through the service.
 */
async function call<T>(
  command: Command,
  options: RemoteOptions,
  remote: { method: string; path: string; body?: unknown },
  local: (assets: AssetService) => Promise<T>,
): Promise<T> {
  const server = remoteFrom(options);
  if (server)
    return (await callServer(
      server,
      remote.method,
      remote.path,
      remote.body === undefined ? undefined : json(remote.body),
    )) as T;
  return withAssets(command, local);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function remoteOptions(command: Command): Command {
  return command
    .option('--server <url>', 'a running server instead of the local data directory')
    .option(
      '--api-key <key>',
      'API key for --server (role analyst or admin to change the register)',
    );
}

const dash = (v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '-' : String(v);

function printAssets(list: AssetRecord[]): void {
  printTable(
    ['NAME', 'KIND', 'ZONE', 'CRIT', 'STATUS', 'OWNER', 'DEPARTMENT', 'ADDRESSES'],
    list.map((a) => [
      a.name,
      a.kind,
      dash(a.zone),
      dash(a.criticality),
      a.status,
      dash(a.ownerName),
      dash(a.department),
      [...a.ips, ...a.hostnames].join(' ') || '-',
    ]),
  );
}

function edgeLine(e: EdgeView, other: string): string {
  const extra = [
    e.timeToImpactMinutes !== null ? `impact after ${e.timeToImpactMinutes} min` : '',
    e.redundancyGroup !== null ? `redundancy ${e.redundancyGroup}:${e.redundancyK ?? 1}` : '',
    e.note ?? '',
  ].filter(Boolean);
  return `  ${e.type.padEnd(12)} ${other}${extra.length ? `  (${extra.join('; ')})` : ''}  [${e.id}]\n`;
}

function printDetail(d: AssetDetail): void {
  const a = d.asset;
  const rows: [string, string | number | null][] = [
    ['id', a.id],
    ['kind', a.kind],
    ['zone', a.zone],
    ['status', a.status],
    ['criticality', a.criticality],
    ['owner', a.ownerName],
    ['department', a.department],
    ['ips', a.ips.join(' ')],
    [
      'macs',
      d.addresses
        .filter((x) => x.type === 'mac')
        .map((x) => (x.label ? `${x.value} (${x.label})` : x.value))
        .join(' '),
    ],
    ['hostnames', a.hostnames.join(' ')],
    ['vendor', [a.vendor, a.product, a.version].filter(Boolean).join(' ')],
    ['cpe', a.cpe],
    ['location', [a.site, a.ward].filter(Boolean).join(', ')],
    ['coordinates', a.latitude !== null ? `${a.latitude}, ${a.longitude}` : null],
    ['tags', a.tags.join(' ')],
    ['personal data', a.personalData ? 'yes (DPDP)' : 'no'],
    ['internet', a.internetExposed ? 'exposed' : 'not exposed'],
    ['os guess', a.osGuess],
    ['first seen', a.firstSeen],
    ['last seen', a.lastSeen],
    ['description', a.description],
    ['source', a.source],
    ['updated', `${a.updatedAt} by ${a.updatedBy}`],
  ];
  process.stdout.write(`${a.name}\n`);
  for (const [k, v] of rows)
    if (dash(v) !== '-') process.stdout.write(`  ${k.padEnd(14)} ${dash(v)}\n`);
  if (a.openServices.length > 0) {
    process.stdout.write('Open ports:\n');
    for (const s of a.openServices)
      process.stdout.write(
        `  ${`${s.port}/${s.protocol}`.padEnd(12)} ${[s.service, s.product, s.version].filter(Boolean).join(' ')}\n`,
      );
  }
  const needs = d.edgesOut.filter((e) => e.type !== 'supports');
  const supports = d.edgesOut.filter((e) => e.type === 'supports');
  if (needs.length > 0) {
    process.stdout.write('Needs:\n');
    for (const e of needs) process.stdout.write(edgeLine(e, e.toName));
  }
  if (d.edgesIn.length > 0) {
    process.stdout.write('Needed by:\n');
    for (const e of d.edgesIn) process.stdout.write(edgeLine(e, e.fromName));
  }
  if (supports.length > 0) {
    process.stdout.write('Supports city services:\n');
    for (const e of supports) process.stdout.write(edgeLine(e, e.toName));
  }
}

interface AssetFlags {
  name?: string;
  kind?: string;
  zone?: string;
  criticality?: string;
  ip?: string[];
  mac?: string[];
  hostname?: string[];
  owner?: string;
  department?: string;
  vendor?: string;
  product?: string;
  version?: string;
  cpe?: string;
  ward?: string;
  site?: string;
  lat?: string;
  lon?: string;
  tag?: string[];
  personalData?: boolean;
  internetExposed?: boolean;
  description?: string;
  status?: string;
}

/** The asset fields given as flags (only those given). */
function assetInput(o: AssetFlags): AssetInput {
  return {
    ...(o.name !== undefined && { name: o.name }),
    ...(o.kind !== undefined && { kind: o.kind }),
    ...(o.zone !== undefined && { zone: o.zone }),
    ...(o.criticality !== undefined && { criticality: o.criticality }),
    ...(o.ip !== undefined && { ips: o.ip }),
    ...(o.mac !== undefined && { macs: o.mac }),
    ...(o.hostname !== undefined && { hostnames: o.hostname }),
    ...(o.owner !== undefined && { owner: o.owner }),
    ...(o.department !== undefined && { department: o.department }),
    ...(o.vendor !== undefined && { vendor: o.vendor }),
    ...(o.product !== undefined && { product: o.product }),
    ...(o.version !== undefined && { version: o.version }),
    ...(o.cpe !== undefined && { cpe: o.cpe }),
    ...(o.ward !== undefined && { ward: o.ward }),
    ...(o.site !== undefined && { site: o.site }),
    ...(o.lat !== undefined && { latitude: o.lat }),
    ...(o.lon !== undefined && { longitude: o.lon }),
    ...(o.tag !== undefined && { tags: o.tag }),
    ...(o.personalData !== undefined && { personalData: o.personalData }),
    ...(o.internetExposed !== undefined && { internetExposed: o.internetExposed }),
    ...(o.description !== undefined && { description: o.description }),
    ...(o.status !== undefined && { status: o.status }),
  };
}

/** The API takes numbers as numbers: flags arrive as text. */
function forApi(input: AssetInput): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  for (const k of ['criticality', 'latitude', 'longitude'] as const)
    if (typeof out[k] === 'string' && out[k] !== '' && Number.isFinite(Number(out[k])))
      out[k] = Number(out[k]);
  return out;
}

function assetFieldOptions(command: Command, forNew: boolean): Command {
  return command
    .option('--name <name>', forNew ? 'the name (default: the NAME argument)' : 'a new name')
    .option(
      '--kind <kind>',
      'server, workstation, network_device, firewall, camera, nvr_vms, traffic_controller, plc_rtu, scada_server, hmi, sensor, wifi_ap, web_application, database, cloud_service, payment_gateway, power_feeder, ups, other',
    )
    .option('--zone <zone>', 'it, ot, iot, dmz or cloud')
    .option(
      '--criticality <1-5>',
      '5 life/safety or city-wide, 4 essential, 3 important, 2 limited, 1 test/lab',
    )
    .option('--ip <address>', 'an IP address (repeat for more)', collect)
    .option('--mac <address>', 'a MAC address (repeat for more)', collect)
    .option('--hostname <name>', 'a hostname (repeat for more)', collect)
    .option('--owner <username>', 'the user who owns it (role owner sees it)')
    .option('--department <name>', 'e.g. Water, ICCC, Revenue')
    .option('--vendor <name>')
    .option('--product <name>')
    .option('--version <version>')
    .option('--cpe <cpe>', 'CPE 2.3: cpe:2.3:part:vendor:product:version:*:*:*:*:*:*:*')
    .option('--ward <ward>')
    .option('--site <site>')
    .option('--lat <latitude>')
    .option('--lon <longitude>')
    .option('--tag <tag>', 'a tag (repeat for more)', collect)
    .option('--personal-data', "it holds citizens' personal data (DPDP)")
    .option('--internet-exposed', 'it is reachable from the internet')
    .option('--description <text>');
}

function importSummary(r: AssetImportResult): string {
  const part = (what: string, c: { added: number; updated: number }) =>
    c.added + c.updated > 0 ? `${what}: ${c.added} added, ${c.updated} updated` : '';
  const parts = [
    part('assets', r.assets),
    part('services', r.services),
    part('edges', r.edges),
  ].filter(Boolean);
  const down = r.hostsDown > 0 ? `; ${r.hostsDown} host(s) down, skipped` : '';
  return `${r.rows} ${r.format === 'nmap' ? 'host(s)' : 'row(s)'}; ${parts.join('; ') || 'no changes'}${down}`;
}

export function registerAssetsCommand(program: Command): void {
  const assets = program
    .command('assets')
    .description("the city's asset register: assets, their dependencies, import, discovery");

  remoteOptions(
    assets
      .command('list')
      .description('list assets (active and discovered unless --status), in name order')
      .option('--kind <kind>', 'only this kind (repeat for more)', collect)
      .option('--zone <zone>', 'only this zone (repeat for more)', collect)
      .option('--department <name>')
      .option('--owner <username>')
      .option('--min-criticality <n>', 'criticality at least this')
      .option('--status <status>', 'active, discovered or retired (repeat for more)', collect)
      .option('--tag <tag>')
      .option(
        '--search <text>',
        'part of the name, description, vendor or product, or the start of an address',
      )
      .option('--limit <n>', 'how many', '100')
      .option('--cursor <cursor>', 'continue after a previous page'),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & {
          kind?: string[];
          zone?: string[];
          department?: string;
          owner?: string;
          minCriticality?: string;
          status?: string[];
          tag?: string;
          search?: string;
          limit: string;
          cursor?: string;
        },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const limit = Math.max(1, Math.min(1000, Number(options.limit) || 100));
        const min =
          options.minCriticality === undefined ? undefined : Number(options.minCriticality);
        if (min !== undefined && !(Number.isInteger(min) && min >= 1 && min <= 5))
          fail('--min-criticality must be a whole number from 1 to 5.', 2);
        const query = {
          limit,
          kind: options.kind,
          zone: options.zone,
          department: options.department,
          owner: options.owner,
          minCriticality: min,
          status: options.status,
          tag: options.tag,
          q: options.search,
          cursor: options.cursor,
        };
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) {
          if (Array.isArray(v)) for (const x of v) params.append(k, x);
          else if (v !== undefined) params.set(k, String(v));
        }
        const page = await call<AssetPage>(
          command,
          options,
          { method: 'GET', path: `/api/v1/assets?${params.toString()}` },
          (s) => s.list(actor(), query),
        );
        if (opts.json) return printJson(page);
        if (page.assets.length > 0) printAssets(page.assets);
        process.stderr.write(
          `${page.assets.length} asset(s)${page.nextCursor ? `; more with --cursor '${page.nextCursor}'` : ''}\n`,
        );
      },
    ),
  );

  remoteOptions(
    assets
      .command('show <asset>')
      .description(
        'one asset (id or name): addresses, what it needs, what needs it, the services it supports',
      ),
  ).action(
    reportErrors(async (ref: string, options: RemoteOptions, command: Command) => {
      const opts = globalOptions(command);
      const detail = await call<AssetDetail>(
        command,
        options,
        { method: 'GET', path: `/api/v1/assets/${enc(ref)}` },
        (s) => s.get(actor(), ref),
      );
      if (opts.json) return printJson(detail);
      printDetail(detail);
    }),
  );

  remoteOptions(
    assetFieldOptions(
      assets.command('add <name>').description('add an asset (--kind is required)'),
      true,
    ).option('--discovered', 'add it as discovered (awaiting confirmation)'),
  ).action(
    reportErrors(
      async (
        name: string,
        options: RemoteOptions & AssetFlags & { discovered?: boolean },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        if (options.kind === undefined) fail('--kind is required (server, camera, plc_rtu …).', 2);
        const input = assetInput({
          ...options,
          name: options.name ?? name,
          ...(options.discovered && { status: 'discovered' }),
        });
        const detail = await call<AssetDetail>(
          command,
          options,
          { method: 'POST', path: '/api/v1/assets', body: forApi(input) },
          (s) => s.create(actor(), input),
        );
        if (opts.json) return printJson(detail);
        process.stdout.write(
          `Added ${detail.asset.kind} '${detail.asset.name}' (${detail.asset.id}).\n`,
        );
      },
    ),
  );

  remoteOptions(
    assetFieldOptions(
      assets.command('set <asset>').description('change an asset: only the fields given'),
      false,
    ),
  ).action(
    reportErrors(async (ref: string, options: RemoteOptions & AssetFlags, command: Command) => {
      const opts = globalOptions(command);
      const input = assetInput(options);
      if (Object.keys(input).length === 0)
        fail('Give at least one field to change (see --help).', 2);
      const detail = await call<AssetDetail>(
        command,
        options,
        { method: 'PATCH', path: `/api/v1/assets/${enc(ref)}`, body: forApi(input) },
        (s) => s.update(actor(), ref, input),
      );
      if (opts.json) return printJson(detail);
      process.stdout.write(`Changed '${detail.asset.name}'.\n`);
    }),
  );

  remoteOptions(
    assets
      .command('import <file>')
      .description(
        'import assets, city services and edges (CSV, JSON) or hosts (nmap -oX XML) from FILE or - : all or nothing',
      )
      .option(
        '--format <format>',
        'csv, json or nmap (default: by the suffix: .json, .xml, else csv)',
      )
      .option('--dry-run', 'check every row and say what would change; change nothing'),
  ).action(
    reportErrors(
      async (
        file: string,
        options: RemoteOptions & { format?: string; dryRun?: boolean },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        let text: string;
        try {
          text = readFileSync(file === '-' ? 0 : file, 'utf8');
        } catch (err) {
          fail(`Cannot read ${file}: ${(err as Error).message}`);
        }
        const suffix = extname(file).toLowerCase();
        const format =
          options.format ?? (suffix === '.json' ? 'json' : suffix === '.xml' ? 'nmap' : 'csv');
        if (format !== 'csv' && format !== 'json' && format !== 'nmap')
          fail(`--format must be csv, json or nmap, not '${format}'.`, 2);
        const run = (dryRun: boolean) =>
          call<AssetImportResult>(
            command,
            options,
            { method: 'POST', path: '/api/v1/assets/import', body: { format, text, dryRun } },
            (s) => s.import(actor(), { format, text, dryRun }),
          );
        // Checked first, so every bad row can be listed, here as from a server.
        const check = await run(true);
        if (check.errorCount > 0 || options.dryRun) {
          if (opts.json) printJson(check);
          else {
            for (const e of check.errors)
              process.stdout.write(`line ${e.line}: ${e.record} ${e.field}: ${e.reason}\n`);
            if (check.errorCount > check.errors.length)
              process.stdout.write(`… and ${check.errorCount - check.errors.length} more\n`);
            for (const w of check.warnings) process.stdout.write(`warning: ${w}\n`);
            process.stdout.write(
              check.errorCount > 0
                ? `${check.errorCount} problem(s): nothing was imported (an import is all or nothing). Fix them and import again.\n`
                : `Dry run, nothing imported: ${importSummary(check)}.\n`,
            );
            if (check.ignoredColumns.length > 0)
              process.stdout.write(`Columns not read: ${check.ignoredColumns.join(', ')}\n`);
          }
          if (check.errorCount > 0) process.exitCode = 1;
          return;
        }
        const res = await run(false);
        if (opts.json) return printJson(res);
        for (const w of res.warnings) process.stdout.write(`warning: ${w}\n`);
        process.stdout.write(`Imported ${file}: ${importSummary(res)}.\n`);
        if (res.ignoredColumns.length > 0)
          process.stdout.write(`Columns not read: ${res.ignoredColumns.join(', ')}\n`);
      },
    ),
  );

  remoteOptions(
    assetFieldOptions(
      assets
        .command('confirm <asset>')
        .description(
          'confirm a discovered asset (id or name): it becomes active, with any fields given',
        ),
      false,
    ),
  ).action(
    reportErrors(async (ref: string, options: RemoteOptions & AssetFlags, command: Command) => {
      const opts = globalOptions(command);
      const input = assetInput(options);
      const detail = await call<AssetDetail>(
        command,
        options,
        { method: 'POST', path: `/api/v1/assets/${enc(ref)}/confirm`, body: forApi(input) },
        (s) => s.confirm(actor(), ref, input),
      );
      if (opts.json) return printJson(detail);
      process.stdout.write(`Confirmed '${detail.asset.name}': now active.\n`);
    }),
  );

  remoteOptions(
    assets
      .command('retire <asset>')
      .description('retire an asset: kept for history, its addresses freed, no longer matched')
      .option('--reason <text>', 'why, for the audit trail'),
  ).action(
    reportErrors(
      async (ref: string, options: RemoteOptions & { reason?: string }, command: Command) => {
        const opts = globalOptions(command);
        const body = options.reason !== undefined ? { reason: options.reason } : {};
        const detail = await call<AssetDetail>(
          command,
          options,
          { method: 'POST', path: `/api/v1/assets/${enc(ref)}/retire`, body },
          (s) => s.retire(actor(), ref, options.reason),
        );
        if (opts.json) return printJson(detail);
        process.stdout.write(`Retired '${detail.asset.name}'.\n`);
      },
    ),
  );

  remoteOptions(
    assets
      .command('link <from> <to>')
      .description(
        'add a dependency: FROM needs TO (for --type supports, TO is a city service); names or ids',
      )
      .requiredOption('--type <type>', 'depends_on, powered_by, network_via, data_from or supports')
      .option('--time-to-impact <minutes>', 'how long FROM keeps working without TO')
      .option('--redundancy <group:k>', 'FROM works while k of the edges of this group are up')
      .option('--note <text>'),
  ).action(
    reportErrors(
      async (
        from: string,
        to: string,
        options: RemoteOptions & {
          type: string;
          timeToImpact?: string;
          redundancy?: string;
          note?: string;
        },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const tti = options.timeToImpact;
        if (tti !== undefined && !/^\d+$/.test(tti))
          fail('--time-to-impact must be a whole number of minutes.', 2);
        const input = {
          from,
          to,
          type: options.type,
          ...(tti !== undefined && { timeToImpactMinutes: Number(tti) }),
          ...(options.redundancy !== undefined && { redundancy: options.redundancy }),
          ...(options.note !== undefined && { note: options.note }),
        };
        const res = await call<EdgeResult>(
          command,
          options,
          { method: 'POST', path: '/api/v1/asset-edges', body: input },
          (s) => s.createEdge(actor(), input),
        );
        if (opts.json) return printJson(res);
        process.stdout.write(
          `Linked: ${res.edge.fromName} ${res.edge.type} ${res.edge.toName} (${res.edge.id}).\n`,
        );
        for (const w of res.warnings) process.stdout.write(`warning: ${w}\n`);
      },
    ),
  );

  remoteOptions(assets.command('unlink <edge-id>').description('delete a dependency edge')).action(
    reportErrors(async (id: string, options: RemoteOptions, command: Command) => {
      const opts = globalOptions(command);
      const edge = await call<EdgeView>(
        command,
        options,
        { method: 'DELETE', path: `/api/v1/asset-edges/${enc(id)}` },
        (s) => s.deleteEdge(actor(), id),
      );
      if (opts.json) return printJson(edge);
      process.stdout.write(`Removed: ${edge.fromName} ${edge.type} ${edge.toName}.\n`);
    }),
  );

  remoteOptions(
    assets
      .command('edges')
      .description('list dependency edges')
      .option('--node <asset-or-service>', 'only those touching this asset or service')
      .option('--type <type>')
      .option('--limit <n>', 'how many', '500'),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & { node?: string; type?: string; limit: string },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const query = {
          limit: Math.max(1, Math.min(5000, Number(options.limit) || 500)),
          node: options.node,
          type: options.type,
        };
        const params = new URLSearchParams({ limit: String(query.limit) });
        if (query.node) params.set('node', query.node);
        if (query.type) params.set('type', query.type);
        const page = await call<EdgePage>(
          command,
          options,
          { method: 'GET', path: `/api/v1/asset-edges?${params.toString()}` },
          (s) => s.listEdges(actor(), query),
        );
        if (opts.json) return printJson(page);
        if (page.edges.length > 0)
          printTable(
            ['FROM', 'TYPE', 'TO', 'IMPACT AFTER', 'REDUNDANCY', 'ID'],
            page.edges.map((e) => [
              e.fromName,
              e.type,
              e.toName,
              e.timeToImpactMinutes === null ? '-' : `${e.timeToImpactMinutes} min`,
              e.redundancyGroup === null ? '-' : `${e.redundancyGroup}:${e.redundancyK ?? 1}`,
              e.id,
            ]),
          );
        process.stderr.write(`${page.edges.length} edge(s)\n`);
      },
    ),
  );
}

export function registerServicesCommand(program: Command): void {
  const services = program
    .command('services')
    .description('city services (water supply, traffic control …) and their citizen impact');

  remoteOptions(
    services
      .command('list')
      .description('list city services')
      .option('--department <name>')
      .option('--search <text>')
      .option('--limit <n>', 'how many', '100'),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & { department?: string; search?: string; limit: string },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const query = {
          limit: Math.max(1, Math.min(1000, Number(options.limit) || 100)),
          department: options.department,
          q: options.search,
        };
        const params = new URLSearchParams({ limit: String(query.limit) });
        if (query.department) params.set('department', query.department);
        if (query.q) params.set('q', query.q);
        const page = await call<ServicePage>(
          command,
          options,
          { method: 'GET', path: `/api/v1/services?${params.toString()}` },
          (s) => s.listServices(actor(), query),
        );
        if (opts.json) return printJson(page);
        if (page.services.length > 0)
          printTable(
            ['NAME', 'IMPACT', 'POPULATION', 'MAX DOWNTIME', 'DEPARTMENT', 'OWNER'],
            page.services.map((s) => [
              s.name,
              String(s.citizenImpact),
              s.populationServed === null ? '-' : s.populationServed.toLocaleString('en-IN'),
              s.mtdMinutes === null ? '-' : `${s.mtdMinutes} min`,
              dash(s.department),
              dash(s.ownerName),
            ]),
          );
        process.stderr.write(`${page.services.length} service(s)\n`);
      },
    ),
  );

  remoteOptions(
    services
      .command('add <name>')
      .description('add a city service')
      .requiredOption(
        '--citizen-impact <1-5>',
        '5 life/safety or the whole city, 4 essential to many, 3 important with workarounds, 2 convenience, 1 negligible',
      )
      .option('--population <n>', 'people it serves')
      .option('--mtd <minutes>', 'maximum tolerable downtime')
      .option('--department <name>')
      .option('--owner <username>')
      .option('--description <text>'),
  ).action(
    reportErrors(
      async (
        name: string,
        options: RemoteOptions & {
          citizenImpact: string;
          population?: string;
          mtd?: string;
          department?: string;
          owner?: string;
          description?: string;
        },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const num = (v: string | undefined, flag: string) => {
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(v.replaceAll(',', ''))) fail(`${flag} must be a whole number.`, 2);
          return Number(v.replaceAll(',', ''));
        };
        const input = {
          name,
          citizenImpact: num(options.citizenImpact, '--citizen-impact')!,
          ...(options.population !== undefined && {
            populationServed: num(options.population, '--population'),
          }),
          ...(options.mtd !== undefined && { mtdMinutes: num(options.mtd, '--mtd') }),
          ...(options.department !== undefined && { department: options.department }),
          ...(options.owner !== undefined && { owner: options.owner }),
          ...(options.description !== undefined && { description: options.description }),
        };
        const res = await call<ServiceDetail>(
          command,
          options,
          { method: 'POST', path: '/api/v1/services', body: input },
          (s) => s.createService(actor(), input),
        );
        if (opts.json) return printJson(res);
        process.stdout.write(`Added city service '${res.service.name}' (${res.service.id}).\n`);
      },
    ),
  );
}

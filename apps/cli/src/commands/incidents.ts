import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock, type LegalClock } from '@prahari/core';
import {
  AlertService,
  AlertStream,
  ImpactService,
  IncidentService,
  InstanceLock,
  incidentSettings,
  REPORT_NAMES,
  type IncidentDetail,
  type IncidentSummary,
} from '@prahari/server/core';
import type { IncidentTask, IncidentNote } from '@prahari/store';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, downloadFromServer, remoteFrom, type RemoteOptions } from '../remote.js';
import { isoOrFail } from './search.js';

type IncidentPage = { incidents: IncidentSummary[]; nextBefore: number | null };

const actor = () => ({ principal: cliPrincipal(), ip: null });
const enc = encodeURIComponent;
const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * One call, to the running server named by --server or on the data directory. Changes made on
 * the data directory while a server runs there are refused: the server owns the alerts an
 * incident acknowledges (their revisions feed its live stream).
 */
async function call<T>(
  command: Command,
  options: RemoteOptions,
  remote: { method: string; path: string; body?: unknown },
  local: (incidents: IncidentService) => Promise<T>,
  changes: boolean,
): Promise<T> {
  const server = remoteFrom(options);
  if (server)
    return (await callServer(
      server,
      remote.method,
      remote.path,
      remote.body === undefined
        ? undefined
        : { data: JSON.stringify(remote.body), contentType: 'application/json' },
    )) as T;
  return withServices(globalOptions(command), async (services, store, config) => {
    const dataDir = resolve(config.dataDir);
    const pid = InstanceLock.holder(dataDir);
    if (changes && pid !== null)
      fail(
        `A server (pid ${pid}) is running on ${config.dataDir}; change incidents through it: add --server URL --api-key KEY.`,
      );
    const incidents = new IncidentService(
      store,
      services.audit,
      new AlertService(store, new AlertStream(), services.audit, systemClock),
      new ImpactService(store, systemClock),
      systemClock,
      incidentSettings(config.incidents),
      dataDir,
      { error: (_obj, msg) => process.stderr.write(`prahari: ${msg}\n`) },
    );
    return local(incidents);
  });
}

function remoteOptions(command: Command): Command {
  return command
    .option('--server <url>', 'a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server (role analyst or admin to change incidents)');
}

/** A due time: ISO 8601, or from now like 30m, 4h, 2d. */
function dueOrFail(label: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ahead = /^(\d+)([mhd])$/.exec(value);
  if (ahead) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[ahead[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() + Number(ahead[1]) * unit).toISOString();
  }
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    fail(`${label} '${value}' is not a time: use ISO 8601 (2026-11-25T10:00Z) or 30m, 4h, 2d.`, 2);
  return t.toISOString();
}

/** A past time: ISO 8601, or an age like 15m, 2h. */
function pastOrFail(label: string, value: string | undefined): string | undefined {
  try {
    return isoOrFail(label, value);
  } catch (err) {
    fail((err as Error).message, 2);
  }
}

const dash = (v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '-' : String(v);

function clockLine(c: LegalClock): string {
  const left =
    c.remainingMs === null
      ? `reported ${c.reportedAt} by ${c.reportedBy}${c.reference ? ` (${c.reference})` : ''}`
      : c.remainingMs >= 0
        ? `${Math.floor(c.remainingMs / 60_000)} min left`
        : `${Math.ceil(-c.remainingMs / 60_000)} min overdue`;
  const target = c.statutoryDeadline ? 'due' : "city's target";
  return `${c.title}: ${c.state}, ${target} ${c.dueAt}, ${left}`;
}

function clocksCell(clocks: readonly LegalClock[]): string {
  return clocks.map((c) => `${c.duty}:${c.state}`).join(' ') || '-';
}

function printList(list: IncidentSummary[]): void {
  printTable(
    ['NUMBER', 'SEVERITY', 'STATUS', 'OWNER', 'CLOCKS', 'TITLE'],
    list.map((i) => [
      i.number,
      i.severity,
      i.resolution ? `closed:${i.resolution}` : i.status,
      dash(i.ownerName),
      clocksCell(i.clocks),
      i.title.length > 60 ? `${i.title.slice(0, 59)}…` : i.title,
    ]),
  );
}

function printDetail(d: IncidentDetail): void {
  const i = d.incident;
  const out: string[] = [`${i.number}  ${i.title}  [${i.severity}]`];
  const rows: [string, string | null][] = [
    ['id', i.id],
    ['status', i.resolution ? `${i.status} (${i.resolution})` : i.status],
    ['owner', i.ownerName],
    ['assignees', d.assignees.map((a) => a.username).join(', ')],
    ['cert-in type', i.certInType],
    ['personal data', i.personalDataBreach ? 'breached (DPDP)' : null],
    ['noticed', i.noticedAt],
    ['opened', `${i.createdAt} by ${i.createdBy}`],
    ['merged into', i.mergedIntoId],
    ['description', i.description],
  ];
  for (const [k, v] of rows) if (v) out.push(`  ${k.padEnd(14)} ${v}`);
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push(`${title}:`, ...lines.map((l) => `  ${l}`));
  };
  section('Legal clocks', d.clocks.map(clockLine));
  section(
    'Alerts',
    d.alerts.map((a) => `${a.ruleTitle} [${a.severity}] ${a.count}× ${dash(a.sourceIp)}  ${a.id}`),
  );
  section(
    'Assets',
    d.assets.map((a) => a.name ?? a.assetId),
  );
  section(
    'Services',
    d.services.map((s) => s.name ?? s.serviceId),
  );
  if (d.cascade)
    section(
      'At risk',
      d.cascade.atRisk.map(
        (a) => `${a.name} (${a.kind}) after ${a.minutesToImpact} min, via ${dash(a.via)}`,
      ),
    );
  section(
    'Observables',
    d.observables.map((o) => `${o.type.padEnd(6)} ${o.value}`),
  );
  section(
    'Tasks',
    d.tasks.map(
      (t: IncidentTask) =>
        `[${t.status === 'done' ? 'x' : ' '}] ${t.title}${t.assigneeName ? ` (${t.assigneeName})` : ''}${t.dueAt ? ` due ${t.dueAt}` : ''}  ${t.id}`,
    ),
  );
  section(
    'Notes',
    d.notes.map((n: IncidentNote) => `${n.createdAt} ${n.authorName}: ${n.text}`),
  );
  section(
    'Evidence',
    d.evidence.map((e) => `${e.fileName} ${e.size} bytes sha256:${e.sha256}  ${e.id}`),
  );
  section(
    'Similar past incidents',
    d.similar.map((s) => `${s.number} ${s.title} (${s.shared.join(', ')})`),
  );
  section(
    'Timeline',
    d.timeline
      .filter((t) => t.kind !== 'event')
      .map((t) => `${t.at} ${t.kind.padEnd(11)} ${t.by ? `${t.by}: ` : ''}${t.text}`),
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerIncidentsCommand(program: Command): void {
  const incidents = program
    .command('incidents')
    .description('incidents: open from alerts, work them, classify for the legal clocks, report');

  remoteOptions(
    incidents
      .command('list')
      .description('incidents, newest first, with their legal clocks')
      .option(
        '--status <list>',
        'comma-separated: new, triage, contained, eradicated, recovered, closed',
      )
      .option('--open', 'only open ones (every status but closed)')
      .option('--closed', 'only closed ones')
      .option('--severity <list>', 'comma-separated: low, medium, high, critical')
      .option('--owner <user>')
      .option('--assignee <user>')
      .option('--asset <asset>', 'touching this asset (name or id)')
      .option('--search <text>', 'part of the number, title or description')
      .option('--clock <state>', 'with a legal clock running, warning, overdue, met or met-late')
      .option('--limit <n>', 'how many', '50')
      .option('--before <seq>', 'continue after a previous page'),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & {
          status?: string;
          open?: boolean;
          closed?: boolean;
          severity?: string;
          owner?: string;
          assignee?: string;
          asset?: string;
          search?: string;
          clock?: string;
          limit: string;
          before?: string;
        },
        command: Command,
      ) => {
        if (options.open && options.closed) fail('--open and --closed exclude each other.', 2);
        const limit = Math.max(1, Math.min(500, Number(options.limit) || 50));
        const before = options.before === undefined ? undefined : Number(options.before);
        if (before !== undefined && !(Number.isInteger(before) && before > 0))
          fail('--before must be a positive whole number (nextBefore of the last page).', 2);
        const csv = (v: string | undefined) =>
          v
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        const state = options.open ? 'open' : options.closed ? 'closed' : undefined;
        const params = new URLSearchParams({ limit: String(limit) });
        for (const [k, v] of Object.entries({
          status: options.status,
          state,
          severity: options.severity,
          owner: options.owner,
          assignee: options.assignee,
          asset: options.asset,
          q: options.search,
          clock: options.clock,
          before: options.before,
        }))
          if (v !== undefined) params.set(k, v);
        const page = await call<IncidentPage>(
          command,
          options,
          { method: 'GET', path: `/api/v1/incidents?${params.toString()}` },
          (s) =>
            s.list(
              {
                limit,
                ...(options.status && { status: csv(options.status) }),
                ...(state && { state }),
                ...(options.severity && { severity: csv(options.severity) }),
                ...(options.owner && { owner: options.owner }),
                ...(options.assignee && { assignee: options.assignee }),
                ...(options.asset && { asset: options.asset }),
                ...(options.search && { q: options.search }),
                ...(options.clock && { clock: options.clock }),
                ...(before !== undefined && { before }),
              },
              actor(),
            ),
          false,
        );
        if (globalOptions(command).json) return printJson(page);
        if (page.incidents.length > 0) printList(page.incidents);
        process.stderr.write(
          `${page.incidents.length} incident(s)${page.nextBefore ? `; more with --before ${page.nextBefore}` : ''}\n`,
        );
      },
    ),
  );

  remoteOptions(
    incidents
      .command('show <incident>')
      .description(
        'one incident (number or id): clocks, alerts, assets, what is at risk, observables, tasks, notes, evidence, timeline',
      ),
  ).action(
    reportErrors(async (ref: string, options: RemoteOptions, command: Command) => {
      const d = await call<IncidentDetail>(
        command,
        options,
        { method: 'GET', path: `/api/v1/incidents/${enc(ref)}` },
        (s) => s.detail(ref, actor()),
        false,
      );
      if (globalOptions(command).json) return printJson(d);
      printDetail(d);
    }),
  );

  remoteOptions(
    incidents
      .command('create')
      .description(
        'open an incident from alerts (--alert, repeat for more) or by hand (--title); title, severity, assets and observables follow from the alerts unless given',
      )
      .option('--alert <id>', 'an alert id (repeat for more)', collect)
      .option('--title <text>')
      .option('--severity <severity>', 'low, medium, high or critical')
      .option('--description <text>')
      .option('--owner <user>', 'who is accountable for it')
      .option('--assignee <user>', 'who works it (repeat for more)', collect)
      .option('--asset <asset>', 'an affected asset besides those of the alerts (repeat)', collect),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & {
          alert?: string[];
          title?: string;
          severity?: string;
          description?: string;
          owner?: string;
          assignee?: string[];
          asset?: string[];
        },
        command: Command,
      ) => {
        if (!options.alert?.length && !options.title)
          fail('Give --alert ID (repeat for more), or --title to open an incident by hand.', 2);
        const input = {
          ...(options.alert && { alertIds: options.alert }),
          ...(options.title !== undefined && { title: options.title }),
          ...(options.severity !== undefined && { severity: options.severity }),
          ...(options.description !== undefined && { description: options.description }),
          ...(options.owner !== undefined && { owner: options.owner }),
          ...(options.assignee && { assignees: options.assignee }),
          ...(options.asset && { assets: options.asset }),
        };
        const d = await call<IncidentDetail>(
          command,
          options,
          { method: 'POST', path: '/api/v1/incidents', body: input },
          (s) => s.create(input, actor()),
          true,
        );
        if (globalOptions(command).json) return printJson(d);
        process.stdout.write(
          `Opened ${d.incident.number} [${d.incident.severity}]: ${d.incident.title} (${d.alerts.length} alert(s), ${d.assets.length} asset(s), ${d.observables.length} observable(s)).\n`,
        );
      },
    ),
  );

  remoteOptions(
    incidents
      .command('status <incident> <status>')
      .description(
        'move it on: new, triage, contained, eradicated, recovered, closed (with --resolution)',
      )
      .option(
        '--resolution <resolution>',
        'when closing: resolved, false_positive, duplicate, risk_accepted',
      )
      .option('--note <text>', 'why, for the audit trail'),
  ).action(
    reportErrors(
      async (
        ref: string,
        status: string,
        options: RemoteOptions & { resolution?: string; note?: string },
        command: Command,
      ) => {
        const body = {
          status,
          ...(options.resolution !== undefined && { resolution: options.resolution }),
          ...(options.note !== undefined && { note: options.note }),
        };
        const d = await call<IncidentDetail>(
          command,
          options,
          { method: 'POST', path: `/api/v1/incidents/${enc(ref)}/status`, body },
          (s) => s.setStatus(ref, body, actor()),
          true,
        );
        if (globalOptions(command).json) return printJson(d);
        process.stdout.write(
          `${d.incident.number} is now ${d.incident.status}${d.incident.resolution ? ` (${d.incident.resolution})` : ''}.\n`,
        );
      },
    ),
  );

  remoteOptions(incidents.command('note <incident> <text>').description('add a note')).action(
    reportErrors(async (ref: string, text: string, options: RemoteOptions, command: Command) => {
      const note = await call<IncidentNote>(
        command,
        options,
        { method: 'POST', path: `/api/v1/incidents/${enc(ref)}/notes`, body: { text } },
        (s) => s.addNote(ref, text, actor()),
        true,
      );
      if (globalOptions(command).json) return printJson(note);
      process.stdout.write(`Noted on ${ref}.\n`);
    }),
  );

  const task = incidents.command('task').description("an incident's tasks");
  remoteOptions(
    task
      .command('add <incident> <title>')
      .description('add a task')
      .option('--assignee <user>', 'who does it')
      .option('--due <time>', 'ISO 8601, or from now: 30m, 4h, 2d'),
  ).action(
    reportErrors(
      async (
        ref: string,
        title: string,
        options: RemoteOptions & { assignee?: string; due?: string },
        command: Command,
      ) => {
        const dueAt = dueOrFail('--due', options.due);
        const t = await call<IncidentTask>(
          command,
          options,
          {
            method: 'POST',
            path: `/api/v1/incidents/${enc(ref)}/tasks`,
            body: {
              title,
              ...(options.assignee && { assignee: options.assignee }),
              ...(dueAt && { dueAt }),
            },
          },
          (s) =>
            s.addTask(
              ref,
              {
                title,
                ...(options.assignee && { assigneeId: options.assignee }),
                ...(dueAt && { dueAt }),
              },
              actor(),
            ),
          true,
        );
        if (globalOptions(command).json) return printJson(t);
        process.stdout.write(`Task ${t.id} added to ${ref}.\n`);
      },
    ),
  );
  for (const [verb, status] of [
    ['done', 'done'],
    ['reopen', 'open'],
  ] as const)
    remoteOptions(
      task
        .command(`${verb} <incident> <task-id>`)
        .description(verb === 'done' ? 'mark a task done' : 'open a done task again'),
    ).action(
      reportErrors(
        async (ref: string, taskId: string, options: RemoteOptions, command: Command) => {
          const t = await call<IncidentTask>(
            command,
            options,
            {
              method: 'PATCH',
              path: `/api/v1/incidents/${enc(ref)}/tasks/${enc(taskId)}`,
              body: { status },
            },
            (s) => s.updateTask(ref, taskId, { status }, actor()),
            true,
          );
          if (globalOptions(command).json) return printJson(t);
          process.stdout.write(`Task '${t.title}' is ${t.status}.\n`);
        },
      ),
    );

  remoteOptions(
    incidents
      .command('classify <incident>')
      .description(
        'set what the law asks about: the CERT-In Annexure I type (starts the 6-hour clock), a personal-data breach (the DPDP clocks), when it was noticed',
      )
      .option(
        '--cert-in <type>',
        'e.g. unauthorised-access, website-defacement, malicious-code; none to clear',
      )
      .option('--personal-data-breach', "citizens' personal data was breached")
      .option('--no-personal-data-breach', 'it was not')
      .option(
        '--noticed-at <time>',
        'when the city noticed it (ISO 8601, or an age like 2h): the clocks start here',
      ),
  ).action(
    reportErrors(
      async (
        ref: string,
        options: RemoteOptions & {
          certIn?: string;
          personalDataBreach?: boolean;
          noticedAt?: string;
        },
        command: Command,
      ) => {
        const body = {
          ...(options.certIn !== undefined && {
            certInType: options.certIn === 'none' ? null : options.certIn,
          }),
          ...(options.personalDataBreach !== undefined && {
            personalDataBreach: options.personalDataBreach,
          }),
          ...(options.noticedAt !== undefined && {
            noticedAt: pastOrFail('--noticed-at', options.noticedAt)!,
          }),
        };
        if (Object.keys(body).length === 0)
          fail('Give --cert-in TYPE, --personal-data-breach or --noticed-at.', 2);
        const d = await call<IncidentDetail>(
          command,
          options,
          { method: 'PATCH', path: `/api/v1/incidents/${enc(ref)}`, body },
          (s) => s.update(ref, body, actor()),
          true,
        );
        if (globalOptions(command).json) return printJson(d);
        process.stdout.write(
          `${d.incident.number} classified.${d.clocks.map((c) => `\n  ${clockLine(c)}`).join('')}\n`,
        );
      },
    ),
  );

  remoteOptions(
    incidents
      .command('report-duty <incident> <duty>')
      .description(
        'record a legal duty as reported (cert-in, dpdp-board-intimation, dpdp-principals, dpdp-board-report): its clock stops',
      )
      .option('--at <time>', 'when it was sent (ISO 8601, or an age like 20m; default now)')
      .option('--reference <ref>', "the authority's reference"),
  ).action(
    reportErrors(
      async (
        ref: string,
        duty: string,
        options: RemoteOptions & { at?: string; reference?: string },
        command: Command,
      ) => {
        const reportedAt = pastOrFail('--at', options.at);
        const body = {
          ...(reportedAt && { reportedAt }),
          ...(options.reference !== undefined && { reference: options.reference }),
        };
        const d = await call<IncidentDetail>(
          command,
          options,
          {
            method: 'POST',
            path: `/api/v1/incidents/${enc(ref)}/duties/${enc(duty)}/report`,
            body,
          },
          (s) => s.reportDuty(ref, duty, body, actor()),
          true,
        );
        if (globalOptions(command).json) return printJson(d);
        const clock = d.clocks.find((c) => c.duty === duty);
        process.stdout.write(`${d.incident.number}: ${clock ? clockLine(clock) : duty}\n`);
      },
    ),
  );

  remoteOptions(
    incidents
      .command('report <incident> <report>')
      .description(
        `write a report of the incident to a file: ${REPORT_NAMES.join(', ')} (cert-in.zip bundles the PDF, JSON and the archive's log lines with SHA-256 sums)`,
      )
      .option('--out <file>', 'where to write it (default: the name the server gives, here)'),
  ).action(
    reportErrors(async (ref: string, report: string, options: RemoteOptions & { out?: string }) => {
      if (!(REPORT_NAMES as readonly string[]).includes(report))
        fail(`Unknown report '${report}': one of ${REPORT_NAMES.join(', ')}.`);
      const server = remoteFrom(options);
      // The server holds the raw archive the CERT-In bundle reads, so it writes the reports.
      if (!server)
        fail('Reports are written by the running server: add --server URL --api-key KEY.');
      const file = await downloadFromServer(
        server,
        `/api/v1/incidents/${enc(ref)}/reports/${report}`,
      );
      const out = options.out ?? file.fileName ?? `${ref}-${report}`;
      writeFileSync(out, file.bytes);
      process.stdout.write(`${out}: ${file.bytes.length} bytes\n`);
    }),
  );
}

import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import {
  SettingsService,
  type ReportingSettings,
  type ReportingSettingsInput,
  type SettingsView,
} from '@prahari/server/core';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

type ReportingView = SettingsView<ReportingSettings>;

const PATH = '/api/v1/settings/reporting';

/** Flags for the section's own fields, and for its point of contact's. */
const TOP_FLAGS = [
  ['organisation', 'the reporting entity, e.g. "Pune Municipal Corporation"'],
  ['sector', 'its sector, e.g. "Government (urban local body)"'],
  ['address', 'postal address'],
  ['city', 'city'],
  ['state', 'state or union territory'],
  ['certInEmail', 'where CERT-In reports go (default incident@cert-in.org.in)'],
] as const;
const CONTACT_FLAGS = [
  ['name', 'the point of contact (usually the CISO)'],
  ['designation', 'their designation'],
  ['email', 'their e-mail address'],
  ['phone', 'their landline, with STD code'],
  ['mobile', 'their mobile number'],
] as const;

type Flags = Partial<Record<(typeof TOP_FLAGS)[number][0], string>> & {
  contact?: Partial<Record<(typeof CONTACT_FLAGS)[number][0], string>>;
};

/** `certInEmail` → `--cert-in-email <value>` */
const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <value>`;

/** An empty value clears a field. */
const valueOf = (given: string | undefined, current: string | null) =>
  given === undefined ? current : given.trim() === '' ? null : given;

/** The current section with the flags given applied. */
function merged(current: ReportingSettings, flags: Flags): ReportingSettingsInput {
  const contact = flags.contact ?? {};
  return {
    organisation: valueOf(flags.organisation, current.organisation),
    sector: valueOf(flags.sector, current.sector),
    address: valueOf(flags.address, current.address),
    city: valueOf(flags.city, current.city),
    state: valueOf(flags.state, current.state),
    certInEmail: valueOf(flags.certInEmail, current.certInEmail),
    pointOfContact: Object.fromEntries(
      CONTACT_FLAGS.map(([key]) => [key, valueOf(contact[key], current.pointOfContact[key])]),
    ),
  };
}

/** Commander gives `--contact-email` as `contactEmail`; gathered here under `contact`. */
function flagsOf(options: Record<string, string | undefined>): Flags {
  const contactKey = (key: string) => `contact${key[0]!.toUpperCase()}${key.slice(1)}`;
  return {
    ...Object.fromEntries(TOP_FLAGS.map(([key]) => [key, options[key]])),
    contact: Object.fromEntries(CONTACT_FLAGS.map(([key]) => [key, options[contactKey(key)]])),
  };
}

function printReporting(view: ReportingView): void {
  const s = view.settings;
  const c = s.pointOfContact;
  const show = (v: string | null) => (v === null ? '(not set)' : v.replace(/\n/g, ', '));
  printTable(
    ['FIELD', 'VALUE'],
    [
      ['organisation', show(s.organisation)],
      ['sector', show(s.sector)],
      ['address', show(s.address)],
      ['city', show(s.city)],
      ['state', show(s.state)],
      ['contact name', show(c.name)],
      ['contact designation', show(c.designation)],
      ['contact email', show(c.email)],
      ['contact phone', show(c.phone)],
      ['contact mobile', show(c.mobile)],
      ['CERT-In e-mail', s.certInEmail],
    ],
  );
  process.stderr.write(
    view.missing.length > 0
      ? `Reports still need: ${view.missing.join(', ')}\n`
      : `Complete${view.updatedBy ? ` (last set by ${view.updatedBy} at ${view.updatedAt})` : ''}\n`,
  );
}

function remoteOptions(command: Command): Command {
  return command
    .option('--server <url>', 'a running server instead of the local data directory')
    .option('--api-key <key>', 'API key for --server (role admin to change settings)');
}

/** Runs `fn` on the local data directory's settings. */
function withSettings<T>(command: Command, fn: (settings: SettingsService) => Promise<T>) {
  return withServices(globalOptions(command), (services, store) =>
    fn(new SettingsService(store.settings, services.audit, systemClock)),
  );
}

/** `prahari settings reporting show|set`: the organisation and point of contact reports name. */
export function registerSettingsCommand(program: Command): void {
  const settings = program
    .command('settings')
    .description('settings an admin changes while the server runs');
  const reporting = settings
    .command('reporting')
    .description(
      'the reporting organisation and point of contact named in CERT-In and DPDP reports',
    );

  remoteOptions(
    reporting.command('show').description('the reporting settings, and what is missing'),
  ).action(
    reportErrors(async (options: RemoteOptions, command: Command) => {
      const server = remoteFrom(options);
      const view = server
        ? ((await callServer(server, 'GET', PATH)) as ReportingView)
        : await withSettings(command, (s) => s.reporting());
      if (globalOptions(command).json) return printJson(view);
      printReporting(view);
    }),
  );

  const set = reporting
    .command('set')
    .description(
      'change the fields given (the others stay as they are; an empty value clears one); audited',
    );
  for (const [key, help] of TOP_FLAGS) set.option(flagOf(key), help);
  for (const [key, help] of CONTACT_FLAGS) set.option(flagOf(`contact-${key}`), help);
  remoteOptions(set).action(
    reportErrors(async (options: RemoteOptions & Record<string, string>, command: Command) => {
      const flags = flagsOf(options);
      const server = remoteFrom(options);
      const view = server
        ? ((await callServer(server, 'PUT', PATH, {
            data: JSON.stringify(
              merged(((await callServer(server, 'GET', PATH)) as ReportingView).settings, flags),
            ),
            contentType: 'application/json',
          })) as ReportingView)
        : await withSettings(command, async (s) =>
            s.setReporting(
              { principal: cliPrincipal(), ip: null },
              merged((await s.reporting()).settings, flags),
            ),
          );
      if (globalOptions(command).json) return printJson(view);
      printReporting(view);
    }),
  );
}

import { Command } from 'commander';

// Each noun lives in ./commands/<noun>.ts and exports a `register…Command(program)` function.
// Most of them load the server's services, which takes a second or two, so only the command the
// arguments name is loaded; help, no command or an unknown one loads them all, so help lists
// every command and a typo gets its "did you mean". `rules import` extends `rules`, and
// assets.ts also holds `services`. The order is the order help lists them in.
type Register = (program: Command) => void;
const COMMANDS: [name: string, load: () => Promise<Register[]>][] = [
  ['serve', async () => [(await import('./commands/serve.js')).registerServeCommand]],
  ['migrate', async () => [(await import('./commands/migrate.js')).registerMigrateCommand]],
  ['user', async () => [(await import('./commands/user.js')).registerUserCommand]],
  ['apikey', async () => [(await import('./commands/apikey.js')).registerApiKeyCommand]],
  ['audit', async () => [(await import('./commands/audit.js')).registerAuditCommand]],
  ['ingest', async () => [(await import('./commands/ingest.js')).registerIngestCommand]],
  ['search', async () => [(await import('./commands/search.js')).registerSearchCommand]],
  [
    'deadletter',
    async () => [(await import('./commands/deadletter.js')).registerDeadLetterCommand],
  ],
  ['archive', async () => [(await import('./commands/archive.js')).registerArchiveCommand]],
  [
    'rules',
    async () => [
      (await import('./commands/rules.js')).registerRulesCommand,
      (await import('./commands/rules-import.js')).registerRulesImportCommand,
    ],
  ],
  ['detect', async () => [(await import('./commands/detect.js')).registerDetectCommand]],
  ['alerts', async () => [(await import('./commands/alerts.js')).registerAlertsCommand]],
  ['impact', async () => [(await import('./commands/impact.js')).registerImpactCommand]],
  [
    'indicators',
    async () => [(await import('./commands/indicators.js')).registerIndicatorsCommand],
  ],
  ['assets', async () => [(await import('./commands/assets.js')).registerAssetsCommand]],
  ['services', async () => [(await import('./commands/assets.js')).registerServicesCommand]],
  ['incidents', async () => [(await import('./commands/incidents.js')).registerIncidentsCommand]],
  ['playbooks', async () => [(await import('./commands/playbooks.js')).registerPlaybooksCommand]],
  ['settings', async () => [(await import('./commands/settings.js')).registerSettingsCommand]],
  ['demo', async () => [(await import('./commands/demo.js')).registerDemoCommand]],
  ['simulate', async () => [(await import('./commands/simulate.js')).registerSimulateCommand]],
  ['drill', async () => [(await import('./commands/drill.js')).registerDrillCommand]],
];

/** The options declared on the program below that take a value. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['-c', '--config', '-d', '--data-dir']);

/** The command the arguments name: the first word that is not a global option or its value. */
function commandNamed(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
    else if (arg === '-h' || arg === '--help') return undefined;
  }
  return undefined;
}

// `prahari search … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('prahari')
  .description('Prahari — security operations for a city')
  .option('-c, --config <file>', 'configuration file (default ./prahari.yaml, or PRAHARI_CONFIG)')
  .option('-d, --data-dir <dir>', 'data directory (dataDir; default ./data)')
  .option('--json', 'machine-readable output')
  .showHelpAfterError()
  .version('0.1.0');

const named = commandNamed(process.argv.slice(2));
const wanted = COMMANDS.filter(([name]) => name === named);
for (const [, load] of wanted.length > 0 ? wanted : COMMANDS) {
  for (const register of await load()) register(program);
}

await program.parseAsync(process.argv);

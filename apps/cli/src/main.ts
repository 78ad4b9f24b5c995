import { Command } from 'commander';
import { registerAlertsCommand } from './commands/alerts.js';
import { registerApiKeyCommand } from './commands/apikey.js';
import { registerAssetsCommand, registerServicesCommand } from './commands/assets.js';
import { registerArchiveCommand } from './commands/archive.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerDeadLetterCommand } from './commands/deadletter.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDetectCommand } from './commands/detect.js';
import { registerDrillCommand } from './commands/drill.js';
import { registerIndicatorsCommand } from './commands/indicators.js';
import { registerImpactCommand } from './commands/impact.js';
import { registerIncidentsCommand } from './commands/incidents.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerPlaybooksCommand } from './commands/playbooks.js';
import { registerRulesCommand } from './commands/rules.js';
import { registerRulesImportCommand } from './commands/rules-import.js';
import { registerSearchCommand } from './commands/search.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSettingsCommand } from './commands/settings.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerUserCommand } from './commands/user.js';

// Each noun lives in ./commands/<noun>.ts and exports a `register…Command(program)` function.

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

registerServeCommand(program);
registerMigrateCommand(program);
registerUserCommand(program);
registerApiKeyCommand(program);
registerAuditCommand(program);
registerIngestCommand(program);
registerSearchCommand(program);
registerDeadLetterCommand(program);
registerArchiveCommand(program);
registerRulesCommand(program);
registerRulesImportCommand(program);
registerDetectCommand(program);
registerAlertsCommand(program);
registerImpactCommand(program);
registerIndicatorsCommand(program);
registerAssetsCommand(program);
registerServicesCommand(program);
registerIncidentsCommand(program);
registerPlaybooksCommand(program);

registerSettingsCommand(program);
registerDemoCommand(program);
registerSimulateCommand(program);
registerDrillCommand(program);

await program.parseAsync(process.argv);

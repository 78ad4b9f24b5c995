import type { Command } from 'commander';
import { openStore } from '@prahari/server/core';
import { cliConfig, globalOptions, reportErrors } from '../context.js';
import { printJson } from '../output.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (the server also does this at start)')
    .option('--status', 'only show which migrations are applied and pending; change nothing')
    .action(
      reportErrors(async (options: { status?: boolean }, command: Command) => {
        const opts = globalOptions(command);
        const store = await openStore(cliConfig(opts), { migrate: false });
        try {
          const before = await store.migrationStatus();
          const applied = options.status ? [] : await store.migrate();
          const result = { ...before, ...(!options.status && { appliedNow: applied }) };
          if (opts.json) return printJson(result);
          if (options.status) {
            process.stdout.write(
              `applied: ${before.applied.join(', ') || '(none)'}\npending: ${before.pending.join(', ') || '(none)'}\n`,
            );
          } else if (applied.length === 0) {
            process.stdout.write('The database is already up to date.\n');
          } else {
            process.stdout.write(`Applied ${applied.length} migration(s): ${applied.join(', ')}\n`);
          }
        } finally {
          await store.close();
        }
      }),
    );
}

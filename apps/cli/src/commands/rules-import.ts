import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importRulePack, CITY_CATEGORIES, CITY_PRODUCTS } from '@prahari/server/core';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { fail, printJson } from '../output.js';

interface ImportFlags {
  pack: string;
  all?: boolean;
  includeDeprecated?: boolean;
}

/** `prahari rules import DIR|ZIP`: a third-party rule pack into the data directory. */
export function registerRulesImportCommand(program: Command): void {
  const rules = program.commands.find((c) => c.name() === 'rules');
  if (!rules) throw new Error('the rules command must be registered first');
  rules
    .command('import <source>')
    .description(
      `copy a rule pack (a SigmaHQ checkout, release zip or any folder of Sigma rules) into the data directory; by default only rules for a city's logsources (${CITY_PRODUCTS.join(', ')}; ${CITY_CATEGORIES.join(', ')}). A running server picks it up within seconds.`,
    )
    .option('--pack <name>', 'pack name (replaces a pack of that name)', 'sigmahq')
    .option('--all', 'every rule, whatever its logsource')
    .option('--include-deprecated', 'also rules marked deprecated or unsupported')
    .action(
      reportErrors(async (source: string, flags: ImportFlags, command: Command) => {
        const opts = globalOptions(command);
        const result = await withServices(opts, async (services, _store, config) => {
          let imported;
          try {
            imported = importRulePack({
              dataDir: resolve(config.dataDir),
              source: resolve(source),
              pack: flags.pack,
              ...(flags.all && { all: true }),
              ...(flags.includeDeprecated && { includeDeprecated: true }),
              now: new Date(),
            });
          } catch (err) {
            return fail((err as Error).message);
          }
          await services.audit.record(
            { principal: cliPrincipal(), ip: null },
            {
              action: 'rule.import',
              target: `pack:${imported.pack}`,
              details: {
                source: resolve(source),
                files: imported.files,
                rules: imported.rules,
                licence: imported.licence,
              },
            },
          );
          return imported;
        });
        if (opts.json) return printJson(result);
        process.stdout.write(
          `pack ${result.pack}: ${result.rules} rules in ${result.files} files → ${result.dir}\n` +
            `licence: ${result.licence ?? 'none found — check the terms of these rules'}\n` +
            `left out: ${result.skippedLogsource} for other logsources${flags.all ? '' : ' (--all to take them)'}, ${result.skippedStatus} deprecated/unsupported\n`,
        );
        for (const u of result.unreadable.slice(0, 20))
          process.stderr.write(`prahari: not imported: ${u.file}: ${u.message}\n`);
      }),
    );
}

import type { Command } from 'commander';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { printJson, printTable } from '../output.js';

const actor = () => ({ principal: cliPrincipal(), ip: null });

export function registerApiKeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('manage API keys for machines and scripts');

  apikey
    .command('create <name>')
    .description('create a key; its secret is printed once')
    .requiredOption(
      '--role <role>',
      'admin, analyst, owner, auditor or ingest (a log sender needs only ingest)',
    )
    .option('--expires <date>', 'ISO 8601 date after which the key stops working, e.g. 2027-03-31')
    .option('--for-user <username>', 'an owner key acts for this asset owner (sees what they own)')
    .action(
      reportErrors(
        async (
          name: string,
          options: { role: string; expires?: string; forUser?: string },
          command: Command,
        ) => {
          const opts = globalOptions(command);
          await withServices(opts, async (services) => {
            const key = await services.apiKeys.create(actor(), {
              name,
              role: options.role,
              expiresAt: options.expires ?? null,
              forUser: options.forUser ?? null,
            });
            if (opts.json) return printJson(key);
            process.stdout.write(
              `Created ${key.role} key '${key.name}' (id ${key.id}${key.expiresAt ? `, expires ${key.expiresAt}` : ''}).\n` +
                `Secret (shown only now): ${key.secret}\n` +
                `Use it as: Authorization: Bearer ${key.secret}\n`,
            );
          });
        },
      ),
    );

  apikey
    .command('list')
    .description('list keys (never their secrets)')
    .action(
      reportErrors(async (_options: unknown, command: Command) => {
        const opts = globalOptions(command);
        await withServices(opts, async (services) => {
          const keys = await services.apiKeys.list();
          if (opts.json) return printJson(keys);
          printTable(
            ['ID', 'NAME', 'ROLE', 'STATUS', 'CREATED BY', 'EXPIRES', 'LAST USED'],
            keys.map((k) => [
              k.id,
              k.name,
              k.role,
              k.status,
              k.createdBy,
              k.expiresAt ?? 'never',
              k.lastUsedAt ?? 'never',
            ]),
          );
        });
      }),
    );

  apikey
    .command('revoke <id>')
    .description('revoke a key: it stops working at once')
    .action(
      reportErrors(async (id: string, _options: unknown, command: Command) => {
        const opts = globalOptions(command);
        await withServices(opts, async (services) => {
          const key = await services.apiKeys.revoke(actor(), id);
          if (opts.json) return printJson(key);
          process.stdout.write(`Key ${key.id} ('${key.name}') is revoked.\n`);
        });
      }),
    );
}

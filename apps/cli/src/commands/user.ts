import type { Command } from 'commander';
import {
  cliPrincipal,
  globalOptions,
  readStdinLine,
  reportErrors,
  withServices,
} from '../context.js';
import { printJson, printTable } from '../output.js';
import { randomBytes } from 'node:crypto';

const actor = () => ({ principal: cliPrincipal(), ip: null });

async function passwordFrom(options: {
  password?: string;
  passwordStdin?: boolean;
}): Promise<{ password: string; generated: boolean }> {
  if (options.password !== undefined) return { password: options.password, generated: false };
  if (options.passwordStdin) return { password: await readStdinLine(), generated: false };
  return { password: randomBytes(15).toString('base64url'), generated: true };
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('manage the people who log in');

  user
    .command('add <username>')
    .description('create a user; prints a generated password once unless you give one')
    .requiredOption('--role <role>', 'admin, analyst, owner, auditor or ingest')
    .option('--name <display name>', 'full name shown in the dashboard and audit trail')
    .option('--department <department>', 'e.g. "Water Supply", "ICCC"')
    .option(
      '--password <password>',
      'the password (prefer --password-stdin: this one stays in shell history)',
    )
    .option('--password-stdin', 'read the password from standard input')
    .action(
      reportErrors(
        async (
          username: string,
          options: {
            role: string;
            name?: string;
            department?: string;
            password?: string;
            passwordStdin?: boolean;
          },
          command: Command,
        ) => {
          const opts = globalOptions(command);
          const { password, generated } = await passwordFrom(options);
          await withServices(opts, async (services) => {
            const created = await services.users.create(actor(), {
              username,
              role: options.role,
              password,
              ...(options.name !== undefined && { displayName: options.name }),
              ...(options.department !== undefined && { department: options.department }),
            });
            if (opts.json) return printJson({ ...created, ...(generated && { password }) });
            process.stdout.write(`Created ${created.role} '${created.username}'.\n`);
            if (generated) process.stdout.write(`Password (shown only now): ${password}\n`);
          });
        },
      ),
    );

  user
    .command('list')
    .description('list users with role, state and last login')
    .action(
      reportErrors(async (_options: unknown, command: Command) => {
        const opts = globalOptions(command);
        await withServices(opts, async (services) => {
          const users = await services.users.list();
          if (opts.json) return printJson(users);
          const rows = users.map((u) => [
            u.username,
            u.role,
            u.department ?? '',
            u.disabled ? 'disabled' : u.locked ? 'locked' : 'active',
            u.lastLoginAt ?? 'never',
          ]);
          printTable(['USERNAME', 'ROLE', 'DEPARTMENT', 'STATE', 'LAST LOGIN'], rows);
        });
      }),
    );

  user
    .command('passwd <username>')
    .description("set a user's password (and lift a lockout); ends their sessions")
    .option('--password <password>', 'the new password (prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from standard input')
    .action(
      reportErrors(
        async (
          username: string,
          options: { password?: string; passwordStdin?: boolean },
          command: Command,
        ) => {
          const opts = globalOptions(command);
          const { password, generated } = await passwordFrom(options);
          await withServices(opts, async (services) => {
            await services.users.setPassword(actor(), username, password);
            if (opts.json) return printJson({ username, ...(generated && { password }) });
            process.stdout.write(`Password of '${username}' changed; their sessions have ended.\n`);
            if (generated) process.stdout.write(`New password (shown only now): ${password}\n`);
          });
        },
      ),
    );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${verb} <username>`)
      .description(
        disabled
          ? 'stop a user logging in and end their sessions'
          : 'let a disabled or locked-out user log in again',
      )
      .action(
        reportErrors(async (username: string, _options: unknown, command: Command) => {
          const opts = globalOptions(command);
          await withServices(opts, async (services) => {
            const updated = await services.users.update(actor(), username, { disabled });
            if (opts.json) return printJson(updated);
            process.stdout.write(
              `User '${updated.username}' is ${disabled ? 'disabled' : 'enabled'}.\n`,
            );
          });
        }),
      );
  }
}

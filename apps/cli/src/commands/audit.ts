import type { Command } from 'commander';
import { globalOptions, reportErrors, withServices } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail');

  audit
    .command('verify')
    .description(
      'check every row of the audit chain; names the first row that was altered, removed or inserted',
    )
    .action(
      reportErrors(async (_options: unknown, command: Command) => {
        const opts = globalOptions(command);
        await withServices(opts, async (services) => {
          const status = await services.audit.verify();
          if (opts.json) printJson(status);
          else if (status.ok)
            process.stdout.write(
              `Audit trail intact: ${status.rowsChecked} rows verified; head ${status.headHash ?? '(empty)'}.\n`,
            );
          else
            process.stdout.write(
              `AUDIT TRAIL BROKEN at row ${status.firstBreak?.seq}: ${status.firstBreak?.reason}. ${status.rowsChecked} rows before it are intact.\n`,
            );
          if (!status.ok) process.exitCode = 1;
        });
      }),
    );

  audit
    .command('list')
    .description('show the newest audit entries')
    .option('--limit <n>', 'how many', '50')
    .option('--action <action>', 'only this action, e.g. auth.login')
    .option('--actor <name>', 'only this actor')
    .action(
      reportErrors(
        async (options: { limit: string; action?: string; actor?: string }, command: Command) => {
          const opts = globalOptions(command);
          await withServices(opts, async (services) => {
            const entries = await services.audit.list({
              limit: Math.max(1, Math.min(10_000, Number(options.limit) || 50)),
              ...(options.action !== undefined && { action: options.action }),
              ...(options.actor !== undefined && { actor: options.actor }),
            });
            if (opts.json) return printJson(entries);
            printTable(
              ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'IP'],
              entries.map((e) => [
                String(e.seq),
                e.at,
                e.actorName,
                e.action,
                e.target ?? '',
                e.outcome,
                e.ip ?? '',
              ]),
            );
          });
        },
      ),
    );
}

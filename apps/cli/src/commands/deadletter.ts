import type { Command } from 'commander';
import { DeadLetterService } from '@prahari/server/core';
import type { ParserName } from '@prahari/ingest';
import { systemClock } from '@prahari/core';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerDeadLetterCommand(program: Command): void {
  const deadletter = program
    .command('deadletter')
    .description('messages that could not be parsed, kept raw with the reason');

  deadletter
    .command('list')
    .description('list dead letters (pending by default)')
    .option('--all', 'include reprocessed ones')
    .option('--text <text>', 'only those whose reason or raw text contains this')
    .option('--limit <n>', 'how many', '50')
    .action(
      reportErrors(
        async (options: { all?: boolean; text?: string; limit: string }, command: Command) => {
          const opts = globalOptions(command);
          await withServices(opts, async (_services, store) => {
            const rows = await store.deadLetters.list({
              limit: Math.max(1, Number(options.limit) || 50),
              ...(!options.all && { status: 'pending' as const }),
              ...(options.text && { text: options.text }),
            });
            const counts = await store.deadLetters.countByStatus();
            if (opts.json)
              return printJson({
                counts,
                deadLetters: rows.map((d) => ({ ...d, raw: d.raw.toString('utf8') })),
              });
            printTable(
              ['SEQ', 'RECEIVED', 'FROM', 'STATUS', 'REASON', 'RAW'],
              rows.map((d) => [
                String(d.seq),
                d.receivedAt,
                d.sourceIp ?? d.listener,
                d.status,
                d.reason,
                JSON.stringify(d.raw.toString('utf8').slice(0, 60)),
              ]),
            );
            process.stderr.write(
              `pending: ${counts.pending ?? 0}, reprocessed: ${counts.reprocessed ?? 0}\n`,
            );
          });
        },
      ),
    );

  deadletter
    .command('retry [seq...]')
    .description(
      'parse pending dead letters again (all, or the given ones), e.g. after naming the parser',
    )
    .option('--parser <name>', 'parse them with this parser')
    .action(
      reportErrors(async (seqs: string[], options: { parser?: string }, command: Command) => {
        const opts = globalOptions(command);
        await withServices(opts, async (services, store, config) => {
          const service = new DeadLetterService(
            store,
            services.audit,
            systemClock,
            config.ingest.defaultTimezone,
          );
          const result = await service.retry(
            { principal: cliPrincipal(), ip: null },
            {
              ...(seqs.length > 0 && { seqs: seqs.map(Number) }),
              ...(options.parser && { parser: options.parser as ParserName }),
            },
          );
          if (opts.json) return printJson(result);
          process.stdout.write(
            `Tried ${result.tried}: ${result.reprocessed} now stored as events, ${result.stillFailing.length} still failing.\n`,
          );
          for (const f of result.stillFailing.slice(0, 20))
            process.stdout.write(`  ${f.seq}: ${f.reason}\n`);
        });
      }),
    );
}

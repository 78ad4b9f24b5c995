import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportArchiveTo, verifyArchive } from '@prahari/ingest';
import { systemClock } from '@prahari/core';
import { InstanceLock } from '@prahari/server/core';
import { cliConfig, globalOptions, reportErrors } from '../context.js';
import { fail, printJson } from '../output.js';

function day(label: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    fail(
      `${label} '${value}' is not a date; use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00Z.`,
    );
  return t;
}

export function registerArchiveCommand(program: Command): void {
  const archive = program
    .command('archive')
    .description('the raw-log archive kept for CERT-In (180 days by default)');

  archive
    .command('verify')
    .description(
      'prove the archive is intact: every segment against its manifest and the hash chain; names the first altered segment',
    )
    .option('--from <date>', 'check segments from this day')
    .option('--to <date>', 'check segments up to this day')
    .action(
      reportErrors(async (options: { from?: string; to?: string }, command: Command) => {
        const opts = globalOptions(command);
        const config = cliConfig(opts);
        const from = day('--from', options.from);
        const to = day('--to', options.to);
        // Read-only, so it is safe while the server writes.
        const result = await verifyArchive(join(resolve(config.dataDir), 'archive'), {
          ...(from && { from }),
          ...(to && { to }),
        });
        // An unreadable tail of the open segment is an append under way only if a server is writing.
        const pending = result.openSegment?.pendingBytes ?? 0;
        const writer = InstanceLock.holder(resolve(config.dataDir));
        const unexplained = pending > 0 && writer === null;
        if (opts.json)
          printJson({ ...result, ...(unexplained && { ok: false, unreadableTailBytes: pending }) });
        else if (unexplained) {
          process.stdout.write(
            `ARCHIVE DAMAGED: the last ${pending} bytes of the open segment ${result.openSegment?.segment} cannot be read, and no server is writing to it.\n`,
          );
        } else if (result.ok) {
          process.stdout.write(
            `Archive intact: ${result.segmentsChecked} segment(s), ${result.recordsChecked} record(s) verified` +
              (result.deletedByRetention
                ? `, ${result.deletedByRetention} deleted by retention (recorded)`
                : '') +
              (result.head ? `; chain head ${result.head.manifestHash}` : '') +
              '.\n',
          );
        } else {
          process.stdout.write(
            `ARCHIVE BROKEN at ${result.firstBad?.segment}: ${result.firstBad?.reason}\n`,
          );
        }
        if (!result.ok || unexplained) process.exitCode = 1;
      }),
    );

  archive
    .command('export')
    .description(
      'write the raw logs received in a period, as sent (or as NDJSON with receive details), with a SHA-256 manifest',
    )
    .requiredOption('--from <time>', 'start (inclusive), e.g. 2026-11-01')
    .requiredOption('--to <time>', 'end (exclusive), e.g. 2026-11-08')
    .option(
      '--out <file>',
      'write here (default: standard output); the manifest goes to FILE.manifest.json',
    )
    .option(
      '--format <format>',
      'lines (as received) or ndjson (lossless, with receive time and sender)',
      'lines',
    )
    .action(
      reportErrors(
        async (
          options: { from: string; to: string; out?: string; format: string },
          command: Command,
        ) => {
          const opts = globalOptions(command);
          const config = cliConfig(opts);
          if (options.format !== 'lines' && options.format !== 'ndjson')
            fail(`--format must be lines or ndjson, not '${options.format}'.`);
          const from = day('--from', options.from)!;
          const to = day('--to', options.to)!;
          if (to <= from) fail('--to must be after --from.');
          const out = options.out ? createWriteStream(options.out) : process.stdout;
          const manifest = await exportArchiveTo(
            join(resolve(config.dataDir), 'archive'),
            out,
            { from, to, format: options.format },
            systemClock,
          );
          if (options.out) {
            out.end();
            await finished(out);
            const manifestFile = `${options.out}.manifest.json`;
            const m = createWriteStream(manifestFile);
            m.end(`${JSON.stringify(manifest, null, 2)}\n`);
            await finished(m);
            if (opts.json) printJson(manifest);
            else
              process.stdout.write(
                `Exported ${manifest.records} record(s), ${manifest.bytes} bytes, SHA-256 ${manifest.sha256}\nManifest: ${manifestFile}\n`,
              );
          } else {
            process.stderr.write(`${JSON.stringify(manifest)}\n`);
          }
        },
      ),
    );
}

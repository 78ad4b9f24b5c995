import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import {
  RawArchive,
  ZeekTsvReader,
  parserNames,
  type ParseResult,
  type ParserName,
} from '@prahari/ingest';
import {
  IngestPipeline,
  InstanceLock,
  applyV8Flags,
  Metrics,
  StartupError,
  openStore,
  prepareDataDir,
  splitIngestBody,
  type RawMessage,
} from '@prahari/server/core';
import { systemClock } from '@prahari/core';
import { cliConfig, globalOptions, reportErrors } from '../context.js';
import { Progress, fail, printJson } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

interface IngestOptions extends RemoteOptions {
  format: string;
  batch: string;
}

/**
 * Lines per chunk. Each chunk carries its own key and so is committed alone; with 2,000 a local
 * import of 300,000 city log lines took 6.8-7.1 s (peak RSS 512-517 MB) against 8.2-8.5 s for
 * chunks of 1,000, and 7.8-8.4 s (458-488 MB) before chunks had keys and shared commits.
 */
const CHUNK = 2000;
/**
 * Chunks read into the local pipeline before the first of them is stored: the next ones are
 * parsed while a batch is written, as a server's connections are. Waiting for each chunk's commit
 * before parsing the next left the writer and the parser taking turns (300,000 city log lines took
 * 28 s).
 */
const CHUNKS_IN_FLIGHT = 5;

/**
 * A file slice's idempotency key: the same slice of the same file always carries the same one, so
 * re-running an import that failed part way (a full disk, a killed process) stores nothing twice.
 */
function sliceKey(file: string, offset: number, parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256').update(file).update(String(offset));
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 40);
}

/** Whose keys local imports' are: one sender, the command line, apart from any API key's. */
const LOCAL_PRINCIPAL = 'cli:ingest';

interface FileMessages {
  messages: { raw: Buffer; parsed?: ParseResult }[];
}

/** Reads a log file (plain or gzip, or `-` for stdin) into messages, the way the HTTP API splits a body. */
async function readMessages(file: string, format: string, receivedAt: Date): Promise<FileMessages> {
  let data: Buffer;
  try {
    data = file === '-' ? await readStdin() : await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw Object.assign(
      new Error(
        code === 'EISDIR'
          ? `${file} is a folder; name the files in it (e.g. ${file}/*.json)`
          : `${file} cannot be read (${code})`,
      ),
      { status: 400 },
    );
  }
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  const text = data.toString('utf8');
  if (format === 'zeek-tsv' || (format === 'auto' && /^#separator /m.test(text.slice(0, 4096)))) {
    // A Zeek TSV line means nothing without its header, so the file is read here, line by line.
    const reader = new ZeekTsvReader();
    const messages: FileMessages['messages'] = [];
    for (const line of text.split('\n')) {
      const outcome = reader.line(line, { receivedAt });
      if (outcome === undefined) continue;
      const parsed: ParseResult =
        'ok' in outcome && outcome.ok === false
          ? outcome
          : {
              ok: true,
              parser: 'zeek',
              event: outcome as Extract<typeof outcome, { eventTime: string }>,
            };
      messages.push({ raw: Buffer.from(line), parsed });
    }
    return { messages };
  }
  const split = splitIngestBody(data);
  if (split.error) throw Object.assign(new Error(`${file}: ${split.error}`), { status: 400 });
  return { messages: split.messages.map((raw) => ({ raw })) };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Summary {
  files: number;
  read: number;
  stored: number;
  deadLettered: number;
  duplicates: number;
  parsers: Record<string, number>;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest <file...>')
    .description(
      'read log files (plain or .gz; - for stdin) into Prahari: locally, or into a running server with --server',
    )
    .option('--format <format>', `auto, zeek-tsv, or a parser: ${parserNames.join(', ')}`, 'auto')
    .option('--server <url>', 'send to a running server (e.g. http://127.0.0.1:7700)')
    .option('--api-key <key>', 'API key (role ingest) for --server')
    .option('--batch <n>', 'events per HTTP request with --server', '1000')
    .action(
      reportErrors(async (files: string[], options: IngestOptions, command: Command) => {
        const opts = globalOptions(command);
        if (
          options.format !== 'auto' &&
          options.format !== 'zeek-tsv' &&
          !(parserNames as string[]).includes(options.format)
        ) {
          fail(
            `--format '${options.format}' is unknown; use auto, zeek-tsv or one of ${parserNames.join(', ')}.`,
          );
        }
        const hint =
          options.format === 'auto' || options.format === 'zeek-tsv'
            ? undefined
            : (options.format as ParserName);
        const summary: Summary = {
          files: 0,
          read: 0,
          stored: 0,
          deadLettered: 0,
          duplicates: 0,
          parsers: {},
        };
        const add = (
          r: {
            accepted: number;
            deadLettered: number;
            duplicate: boolean;
            parsers: Record<string, number>;
          },
          n: number,
        ) => {
          if (r.duplicate) {
            summary.duplicates += n;
            return;
          }
          summary.stored += r.accepted;
          summary.deadLettered += r.deadLettered;
          for (const [p, c] of Object.entries(r.parsers))
            summary.parsers[p] = (summary.parsers[p] ?? 0) + c;
        };

        const remote = remoteFrom(options);
        if (remote) {
          const batch = Math.max(1, Math.min(50_000, Number(options.batch) || 1000));
          for (const file of files) {
            const { messages } = await readMessages(file, options.format, new Date());
            const progress = new Progress(`${basename(file)}`, messages.length);
            for (let i = 0; i < messages.length; i += batch) {
              const slice = messages.slice(i, i + batch);
              // Zeek TSV lines go as the JSON records they were read into: the server cannot read a headerless line.
              const lines = slice.map((m) =>
                m.parsed?.ok ? JSON.stringify(m.parsed.event.fields) : m.raw.toString('utf8'),
              );
              const body = lines.join('\n');
              const key = sliceKey(file, i, [body]);
              const result = (await callServer(
                remote,
                'POST',
                `/api/v1/ingest${hint ? `?parser=${hint}` : ''}`,
                {
                  data: body,
                  contentType: 'application/x-ndjson',
                  headers: { 'idempotency-key': key },
                },
              )) as {
                accepted: number;
                deadLettered: number;
                duplicate: boolean;
                parsers: Record<string, number>;
              };
              add(result, slice.length);
              summary.read += slice.length;
              progress.update(Math.min(i + batch, messages.length));
            }
            progress.done();
            summary.files++;
          }
        } else {
          const config = cliConfig(opts);
          let lock: InstanceLock;
          try {
            lock = InstanceLock.acquire(prepareDataDir(config.dataDir).path);
          } catch (err) {
            if (err instanceof StartupError) {
              fail(
                `${err.message}\nTo add logs while it runs, send them to it: prahari ingest FILE --server http://${config.server.host}:${config.server.port} --api-key KEY`,
              );
            }
            throw err;
          }
          // The server's V8 flags, before the writer thread starts: measured on 300,000 city log
          // lines, 15.4-15.7 s and 455-463 MB peak RSS with them against 16.6-17.6 s and 607 MB.
          applyV8Flags();
          const store = await openStore(config);
          // Files read in locally are received messages like any other: the archive keeps them.
          const archive = await RawArchive.open({
            dir: join(prepareDataDir(config.dataDir).path, 'archive'),
            clock: systemClock,
            retentionDays: config.ingest.archiveRetentionDays,
          });
          const pipeline = new IngestPipeline(
            store,
            archive,
            systemClock,
            new Metrics(),
            config.ingest,
          );
          // Each settles once its chunk is stored (in order); a failure is kept, not thrown there.
          const inFlight: Promise<void>[] = [];
          let failure: { err: unknown } | undefined;
          try {
            for (const file of files) {
              const receivedAt = new Date();
              const { messages } = await readMessages(file, options.format, receivedAt);
              const progress = new Progress(`${basename(file)}`, messages.length);
              for (let i = 0; i < messages.length; i += CHUNK) {
                const slice = messages.slice(i, i + CHUNK);
                const raw: RawMessage[] = slice.map((m) => ({
                  raw: m.raw,
                  receivedAt,
                  listener: 'file',
                  sourceIp: null,
                  sourcePort: null,
                  ...(hint && { parserHint: hint }),
                  ...(m.parsed && { parsed: m.parsed }),
                }));
                const done = Math.min(i + CHUNK, messages.length);
                const idempotency = {
                  key: sliceKey(
                    file,
                    i,
                    slice.map((m) => m.raw),
                  ),
                  principalId: LOCAL_PRINCIPAL,
                  receivedAt: receivedAt.toISOString(),
                };
                inFlight.push(
                  pipeline.submit(raw, { idempotency }).then(
                    (result) => {
                      add(result, slice.length);
                      summary.read += slice.length;
                      progress.update(done);
                    },
                    (err: unknown) => {
                      failure ??= { err };
                    },
                  ),
                );
                if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
                if (failure) throw failure.err;
              }
              await Promise.all(inFlight.splice(0));
              if (failure) throw failure.err;
              progress.done();
              summary.files++;
            }
          } finally {
            await Promise.all(inFlight);
            await pipeline.close();
            await archive.close();
            await store.close();
            lock.release();
          }
        }

        if (opts.json) return printJson(summary);
        const parsers = Object.entries(summary.parsers)
          .sort((a, b) => b[1] - a[1])
          .map(([p, c]) => `${p} ${c}`)
          .join(', ');
        process.stdout.write(
          `Read ${summary.read} message(s) from ${summary.files} file(s): ${summary.stored} stored, ${summary.deadLettered} dead-lettered` +
            (summary.duplicates ? `, ${summary.duplicates} already stored before` : '') +
            (parsers ? `.\nBy parser: ${parsers}\n` : '.\n'),
        );
        if (summary.deadLettered > 0)
          process.stdout.write('See them with: prahari deadletter list\n');
      }),
    );
}

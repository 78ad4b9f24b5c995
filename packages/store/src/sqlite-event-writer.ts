import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
// Only types from Kysely and the repositories: the writer thread loads this module, and loading
// Kysely there would double the time it takes to start.
import type { Kysely } from 'kysely';
import type { EventBatchWriter, EventWriteBatch, PreparedEvents } from './event-repositories.js';
import type { IngestBatch, NewDeadLetter, NewEvent, SourceSighting } from './repositories.js';
import { packRows, unpackRows, type PackedValue } from './row-packing.js';
import type { Database } from './schema.js';

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
}

function integer(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) ? n : null;
}

/**
 * An event's column values in the writer's column order (`EVENT_COLUMNS`): hot columns from the
 * normalised fields, everything in `fields` as JSON. An array is cheaper to build, to bind and
 * to hand to the writer thread than an object with named keys.
 */
export function eventParams(e: NewEvent): PackedValue[] {
  const f = e.fields;
  return [
    e.receivedAt,
    e.eventTime,
    e.listener,
    e.parser,
    e.sourceIp,
    e.sourcePort,
    e.sourceName,
    e.logsource.product ?? null,
    e.logsource.category ?? null,
    e.logsource.service ?? null,
    text(f['host.name']),
    text(f['source.ip']),
    text(f['destination.ip']),
    integer(f['destination.port']),
    text(f['user.name']),
    text(f['event.action']),
    text(f['event.outcome']),
    e.message,
    e.raw,
    JSON.stringify(f),
    e.flags.length ? e.flags.join(',') : null,
  ];
}

/** The order of `eventParams()`; the insert below binds them by position. */
export const EVENT_COLUMNS = [
  'received_at',
  'event_time',
  'listener',
  'parser',
  'source_ip',
  'source_port',
  'source_name',
  'product',
  'category',
  'service',
  'host_name',
  'src_ip',
  'dst_ip',
  'dst_port',
  'user_name',
  'action',
  'outcome',
  'message',
  'raw',
  'fields',
  'flags',
] as const;

/**
 * A batch as the statements take it: events already turned into column values (flat arrays of
 * strings and numbers, in `EVENT_COLUMNS` order), some of them still packed as `prepare` made
 * them. Those are read one run at a time as they are written, so a batch of 10,000 events
 * is never all in the heap as rows at once.
 */
interface RowBatch {
  events: readonly (readonly PackedValue[])[];
  packed?: readonly Uint8Array[];
  /** events in `events` and `packed` together */
  eventCount: number;
  deadLetters: NewDeadLetter[];
  idempotency?: IngestBatch['idempotency'];
  reprocessed?: IngestBatch['reprocessed'];
  sightings?: SourceSighting[];
}

/** What `prepare` hands out: rows, or (for the writer thread) rows already packed. */
type Prepared = PreparedEvents & { rows?: PackedValue[][]; bytes?: Buffer };

function rowBatch(
  batch: EventWriteBatch,
  events: readonly (readonly PackedValue[])[],
  packedCount = 0,
): RowBatch {
  return {
    events,
    eventCount: events.length + packedCount,
    deadLetters: batch.deadLetters,
    ...(batch.idempotency && { idempotency: batch.idempotency }),
    ...(batch.reprocessed && { reprocessed: batch.reprocessed }),
    ...(batch.sightings && batch.sightings.length > 0 && { sightings: batch.sightings }),
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Prepared statements and the one transaction a batch is written in. */
function batchStatements(sqlite: Sqlite.Database): (batch: RowBatch) => boolean {
  const insertEvent = sqlite.prepare(
    `insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const indexText = sqlite.prepare('insert into events_fts (rowid, message) values (?, ?)');
  const insertDeadLetter = sqlite.prepare(
    'insert into dead_letters (received_at, listener, source_ip, source_port, parser_hint, reason, raw) values (?, ?, ?, ?, ?, ?, ?)',
  );
  const seen = sqlite.prepare(
    'select 1 from ingest_batches where idempotency_key = ? and principal_id = ?',
  );
  const remember = sqlite.prepare(
    'insert into ingest_batches (idempotency_key, principal_id, received_at, accepted, dead_lettered) values (?, ?, ?, ?, ?)',
  );
  const reprocessed = sqlite.prepare(
    "update dead_letters set status = 'reprocessed', retries = retries + 1, last_retry_at = ? where seq = ?",
  );
  const sighted = sqlite.prepare(
    'update sources set event_count = event_count + ?, last_seen = ?, first_seen = coalesce(first_seen, ?), clock_offset_ms = coalesce(?, clock_offset_ms) where id = ?',
  );
  const messageAt = EVENT_COLUMNS.indexOf('message');
  const write = sqlite.transaction((batch: RowBatch): boolean => {
    const idem = batch.idempotency;
    if (idem) {
      if (seen.get(idem.key, idem.principalId)) return false;
      remember.run(
        idem.key,
        idem.principalId,
        idem.receivedAt,
        batch.eventCount,
        batch.deadLetters.length,
      );
    }
    const insertRows = (rows: readonly (readonly PackedValue[])[]) => {
      for (const row of rows) indexText.run(insertEvent.run(row).lastInsertRowid, row[messageAt]);
    };
    insertRows(batch.events);
    for (const bytes of batch.packed ?? []) insertRows(unpackRows(bytes));
    for (const d of batch.deadLetters) {
      insertDeadLetter.run(
        d.receivedAt,
        d.listener,
        d.sourceIp,
        d.sourcePort,
        d.parserHint,
        d.reason,
        // a Buffer arrives from another thread as a plain Uint8Array
        asBuffer(d.raw),
      );
    }
    if (batch.reprocessed)
      for (const seq of batch.reprocessed.seqs) reprocessed.run(batch.reprocessed.at, seq);
    for (const s of batch.sightings ?? [])
      sighted.run(s.events, s.lastSeen, s.lastSeen, s.clockOffsetMs, s.sourceId);
    return true;
  });
  // IMMEDIATE takes the write lock up front, so a concurrent writer makes this wait (busy timeout)
  // instead of failing the upgrade from a read snapshot.
  return (batch) => write.immediate(batch);
}

/**
 * The ingest write path on SQLite in the calling thread: prepared statements in one synchronous
 * transaction. Used for in-memory databases, which a second connection cannot share.
 */
export class SqliteEventWriter implements EventBatchWriter {
  #write: ((batch: RowBatch) => boolean) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: Sqlite.Database,
  ) {}

  prepare(events: readonly NewEvent[]): PreparedEvents {
    return { count: events.length, rows: events.map(eventParams) } as Prepared;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  write(batch: EventWriteBatch): Promise<boolean> {
    const rows = batch.events.map(eventParams);
    for (const p of (batch.prepared ?? []) as Prepared[]) for (const row of p.rows!) rows.push(row);
    // The statements need the tables, which exist only after migrate().
    this.#write ??= batchStatements(this.sqlite);
    const write = this.#write;
    return this.db.connection().execute(() => Promise.resolve(write(rowBatch(batch, rows))));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Turns for writing, first come first served, between the store's own connection and the writer
 * thread's: each waits here, without blocking the event loop, instead of inside SQLite's busy
 * handler, which would block it. Reads need no turn (WAL gives them a snapshot).
 */
export class WriteGate {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the function that ends the turn. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => turn);
    return ready;
  }
}

/** Connection settings the writer and checkpointer threads apply, matching the store's own. */
export interface WriterConnectionOptions {
  path: string;
  busyTimeoutMs: number;
  /** how often the checkpointer thread copies committed WAL pages back into the database */
  checkpointIntervalMs: number;
  /**
   * WAL pages after which the writer's own commit checkpoints too. SQLite starts the WAL over at
   * a write once everything in it has been copied back, which under steady ingest only happens
   * when the writer itself checkpoints between two batches; by then the checkpointer thread has
   * copied all but the last moments, so this costs the writer little.
   */
  walAutocheckpointPages: number;
  /** the writer connection's page cache (KiB) */
  writerCacheKiB: number;
}

/** A connection of the writer or checkpointer thread, with its own checkpoint mark and cache. */
export function openWriterConnection(
  options: WriterConnectionOptions,
  own: { autocheckpointPages: number; cacheKiB?: number },
): Sqlite.Database {
  const sqlite = new Sqlite(options.path, { timeout: options.busyTimeoutMs });
  // The database is already in WAL mode (persistent); synchronous is per connection and must match.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`wal_autocheckpoint = ${own.autocheckpointPages}`);
  if (own.cacheKiB !== undefined) sqlite.pragma(`cache_size = -${own.cacheKiB}`);
  return sqlite;
}

/**
 * A batch on its way to the writer thread: rows of events prepared beforehand travel as the
 * packed bytes `prepare` made (moved, not copied), the rest as a structured clone.
 */
type ToWriter =
  | { id: number; batch: RowBatch; packed: ArrayBuffer[] }
  | { id: number; open: true }
  | { close: true };
type FromWriter =
  { id: number; written: boolean } | { id: number; error: { message: string; code?: string } };

const WORKER_MARK = 'prahari-event-writer';
const CHECKPOINTER_MARK = 'prahari-wal-checkpointer';

/**
 * The writer and checkpointer threads keep nothing between batches, yet V8 lets each thread's
 * young generation grow to 48 MB under the writer's allocation rate: ~35 MB of resident memory
 * for garbage. With 8 MB the rows of a batch are collected a little more often; measured at full
 * speed, that costs no throughput.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** A thread's script: under the TypeScript sources (tests), the compiled module of this file. */
function threadUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../dist/sqlite-event-writer.js', here) : new URL(here);
}

/**
 * The ingest write path on SQLite in a thread of its own: the same statements and transaction,
 * run by a worker on its own connection, so the event loop goes on receiving and parsing while a
 * batch is written (the insert into the events table, its indexes and the full-text index is most
 * of the cost of ingest). Each write takes its turn at the write gate, so the store's connection
 * never writes at the same time (nor waits inside SQLite for the worker's lock), while its reads
 * go on; a read after a write has resolved sees it.
 *
 * Copying the WAL back into the database (a checkpoint) is a third thread's work: done on commit,
 * it stalled the writer for ~300 ms every 160 MB of WAL, a fifth of its time under full load.
 */
export class WorkerEventWriter implements EventBatchWriter {
  #worker: Worker | undefined;
  #checkpointer: Worker | undefined;
  #pending = new Map<number, { resolve(written: boolean): void; reject(err: Error): void }>();
  #nextId = 1;

  constructor(
    private readonly gate: WriteGate,
    private readonly options: WriterConnectionOptions,
  ) {}

  /**
   * Packs the events' rows now, into memory outside the JavaScript heap that moves to the writer
   * thread without a copy: while they wait for their write they cost the garbage collector
   * nothing, and the write does no packing on the event loop.
   */
  prepare(events: readonly NewEvent[]): PreparedEvents {
    return { count: events.length, bytes: packRows(events.map(eventParams)) } as Prepared;
  }

  /** Starts the thread and opens its connection now, so the first batch does not wait for that. */
  async start(): Promise<void> {
    if (this.#worker) return;
    await this.#send((id) => ({ id, open: true }), []);
  }

  async write(batch: EventWriteBatch): Promise<boolean> {
    const prepared = (batch.prepared ?? []) as Prepared[];
    const packed = prepared.map((p) => {
      const bytes = p.bytes!;
      // packRows() gives each result an ArrayBuffer of its own, which is what may be moved.
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.buffer.slice(
            bytes.byteOffset,
            bytes.byteOffset + bytes.byteLength,
          ) as ArrayBuffer);
    });
    const rows = rowBatch(
      batch,
      batch.events.map(eventParams),
      prepared.reduce((sum, p) => sum + p.count, 0),
    );
    const release = await this.gate.acquire();
    try {
      return await this.#post(rows, packed);
    } finally {
      release();
    }
  }

  #post(batch: RowBatch, packed: ArrayBuffer[]): Promise<boolean> {
    return this.#send((id) => ({ id, batch, packed }), packed);
  }

  #send(message: (id: number) => ToWriter, transfer: ArrayBuffer[]): Promise<boolean> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Only a message in flight keeps the process alive, so a CLI that is done can exit.
      worker.ref();
      worker.postMessage(message(id), transfer);
    });
  }

  #start(): Worker {
    this.#checkpointer ??= this.#startCheckpointer();
    const worker = new Worker(threadUrl(), {
      resourceLimits: THREAD_LIMITS,
      workerData: { [WORKER_MARK]: this.options },
    });
    worker.on('message', (m: FromWriter) => {
      const waiter = this.#pending.get(m.id);
      if (!waiter) return;
      this.#pending.delete(m.id);
      // Not once close() has taken the thread over: it keeps the process alive until the thread
      // has ended, and a late answer (the first batch's `open`) must not undo that.
      if (this.#pending.size === 0 && this.#worker === worker) worker.unref();
      if ('error' in m) {
        waiter.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      } else {
        waiter.resolve(m.written);
      }
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the event writer thread stopped (exit ${code})`)));
    return worker;
  }

  /**
   * Runs for as long as the writer does, unreferenced (it never keeps a process alive). Should it
   * stop, the next writer thread started brings it back.
   */
  #startCheckpointer(): Worker {
    const checkpointer = new Worker(threadUrl(), {
      resourceLimits: THREAD_LIMITS,
      workerData: { [CHECKPOINTER_MARK]: this.options },
    });
    checkpointer.unref();
    const gone = () => {
      if (this.#checkpointer === checkpointer) this.#checkpointer = undefined;
    };
    checkpointer.on('error', gone);
    checkpointer.on('exit', gone);
    return checkpointer;
  }

  /** Waits for the writes in flight (callers await them), then ends the threads. */
  async close(): Promise<void> {
    const worker = this.#worker;
    const checkpointer = this.#checkpointer;
    this.#worker = undefined;
    this.#checkpointer = undefined;
    const ended: Promise<void>[] = [];
    for (const thread of [worker, checkpointer]) {
      if (!thread) continue;
      ended.push(new Promise<void>((resolve) => thread.once('exit', () => resolve())));
      thread.ref();
      thread.postMessage({ close: true } satisfies ToWriter);
    }
    await Promise.all(ended);
  }
}

/**
 * The checkpointer thread: every interval, copies what the WAL holds back into the database,
 * without holding up the writer or readers (a PASSIVE checkpoint). The connection opens at the
 * first tick and again after a failure (SQLITE_BUSY while another process holds a lock, say).
 */
function runCheckpointerThread(options: WriterConnectionOptions): void {
  const port = parentPort!;
  let sqlite: Sqlite.Database | undefined;
  const checkpoint = () => {
    try {
      sqlite ??= openWriterConnection(options, { autocheckpointPages: 0 });
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      sqlite?.close();
      sqlite = undefined;
    }
  };
  const timer = setInterval(checkpoint, options.checkpointIntervalMs);
  port.on('message', (m: ToWriter) => {
    if (!('close' in m)) return;
    clearInterval(timer);
    sqlite?.close();
    port.close();
  });
}

/** The writer thread's side: one connection, one batch at a time, in the order posted. */
function runWriterThread(options: WriterConnectionOptions): void {
  const port = parentPort!;
  let sqlite: Sqlite.Database | undefined;
  let write: ((batch: RowBatch) => boolean) | undefined;
  port.on('message', (m: ToWriter) => {
    if ('close' in m) {
      sqlite?.close();
      port.close();
      return;
    }
    try {
      // Opened on the first message: the tables exist by then (migrations run before any write).
      sqlite ??= openWriterConnection(options, {
        autocheckpointPages: options.walAutocheckpointPages,
        cacheKiB: options.writerCacheKiB,
      });
      write ??= batchStatements(sqlite);
      if ('open' in m) {
        port.postMessage({ id: m.id, written: false } satisfies FromWriter);
        return;
      }
      const batch = { ...m.batch, packed: m.packed.map((bytes) => new Uint8Array(bytes)) };
      port.postMessage({ id: m.id, written: write(batch) } satisfies FromWriter);
    } catch (err) {
      const e = err as Error & { code?: unknown };
      port.postMessage({
        id: m.id,
        error: { message: e.message, ...(typeof e.code === 'string' && { code: e.code }) },
      } satisfies FromWriter);
    }
  });
}

const marks = workerData as Record<string, WriterConnectionOptions | undefined> | null;
if (!isMainThread && marks?.[WORKER_MARK]) runWriterThread(marks[WORKER_MARK]);
if (!isMainThread && marks?.[CHECKPOINTER_MARK]) runCheckpointerThread(marks[CHECKPOINTER_MARK]);

import { deserialize, serialize } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import {
  eventParams,
  type EventBatchWriter,
  type EventWriteBatch,
  type PreparedEvents,
} from './event-repositories.js';
import type { IngestBatch, NewDeadLetter, NewEvent, SourceSighting } from './repositories.js';
import type { Database } from './schema.js';

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
 * strings and numbers, in `EVENT_COLUMNS` order).
 */
interface RowBatch {
  events: readonly (readonly unknown[])[];
  deadLetters: NewDeadLetter[];
  idempotency?: IngestBatch['idempotency'];
  reprocessed?: IngestBatch['reprocessed'];
  sightings?: SourceSighting[];
}

/** What `prepare` hands out: rows, or (for the writer thread) rows already serialised. */
type Prepared = PreparedEvents & { rows?: unknown[][]; bytes?: Buffer };

function rowBatch(batch: EventWriteBatch, events: readonly (readonly unknown[])[]): RowBatch {
  return {
    events,
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
    'update sources set event_count = event_count + ?, last_seen = ?, first_seen = coalesce(first_seen, ?) where id = ?',
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
        batch.events.length,
        batch.deadLetters.length,
      );
    }
    for (const row of batch.events) {
      indexText.run(insertEvent.run(row).lastInsertRowid, row[messageAt]);
    }
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
      sighted.run(s.events, s.lastSeen, s.lastSeen, s.sourceId);
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

/**
 * Kysely's connection to SQLite: a statement or transaction that writes takes a write turn first;
 * statements are prepared once and kept.
 */
class GatedConnection implements DatabaseConnection {
  #statements = new Map<string, Sqlite.Statement>();
  /** set while a transaction holds the write turn */
  release: (() => void) | undefined;

  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly gate: WriteGate,
  ) {}

  #prepare(sql: string): Sqlite.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      // Kysely compiles the same few hundred statements over and over; preparing costs more
      // than running most of them.
      if (this.#statements.size >= 500) this.#statements.clear();
      stmt = this.sqlite.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql);
    if (this.release || stmt.readonly) return run<R>(stmt, compiledQuery.parameters);
    const release = await this.gate.acquire();
    try {
      return run<R>(stmt, compiledQuery.parameters);
    } finally {
      release();
    }
  }

  streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    // A statement being iterated is busy, so a stream gets one of its own.
    const rows = this.sqlite.prepare(compiledQuery.sql).iterate(compiledQuery.parameters);
    const stream: AsyncIterableIterator<QueryResult<R>> = {
      next: () => {
        const r = rows.next();
        return Promise.resolve(
          r.done
            ? { done: true, value: undefined }
            : { done: false, value: { rows: [r.value as R] } },
        );
      },
      return: () => {
        rows.return?.();
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }
}

const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;

function run<R>(stmt: Sqlite.Statement, parameters: readonly unknown[]): QueryResult<R> {
  if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** Kysely's SQLite driver as Kysely has it (one connection, one query at a time) with turns. */
class GatedSqliteDriver implements Driver {
  readonly #connection: GatedConnection;
  #busy: Promise<void> | undefined;
  #free: (() => void) | undefined;

  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly gate: WriteGate,
  ) {
    this.#connection = new GatedConnection(sqlite, gate);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.#busy) await this.#busy;
    this.#busy = new Promise<void>((resolve) => (this.#free = resolve));
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as GatedConnection;
    c.release = await this.gate.acquire();
    try {
      await c.executeQuery(CompiledQuery.raw('begin'));
    } catch (err) {
      this.#endTurn(c);
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as GatedConnection;
    // A commit that fails leaves the transaction open; Kysely rolls it back, which ends the turn.
    await c.executeQuery(CompiledQuery.raw('commit'));
    this.#endTurn(c);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as GatedConnection;
    try {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.#endTurn(c);
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteId(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteId(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteId(name)}`));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    // Whatever ended the work, a turn it still holds is given back.
    this.#endTurn(connection as GatedConnection);
    const free = this.#free;
    this.#busy = undefined;
    this.#free = undefined;
    free?.();
    return Promise.resolve();
  }

  #endTurn(c: GatedConnection): void {
    const release = c.release;
    c.release = undefined;
    release?.();
  }

  destroy(): Promise<void> {
    this.sqlite.close();
    return Promise.resolve();
  }
}

/**
 * Kysely's SQLite dialect for a store whose event batches are written by another connection (the
 * writer thread): the store's own writes take turns with the writer's through the gate, reads run
 * at any time.
 */
export class GatedSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly gate: WriteGate,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new GatedSqliteDriver(this.sqlite, this.gate);
  }
}

/** Connection settings the writer thread applies, matching the store's own connection. */
export interface WriterConnectionOptions {
  path: string;
  busyTimeoutMs: number;
  /** WAL pages after which a commit checkpoints (SQLite's wal_autocheckpoint) */
  walAutocheckpointPages: number;
}

export function openWriterConnection(options: WriterConnectionOptions): Sqlite.Database {
  const sqlite = new Sqlite(options.path, { timeout: options.busyTimeoutMs });
  // The database is already in WAL mode (persistent); synchronous is per connection and must match.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages}`);
  return sqlite;
}

/**
 * A batch on its way to the writer thread: rows of events prepared beforehand travel as the
 * serialised bytes `prepare` made (moved, not copied), the rest as a structured clone.
 */
type ToWriter = { id: number; batch: RowBatch; packed: ArrayBuffer[] } | { close: true };
type FromWriter =
  { id: number; written: boolean } | { id: number; error: { message: string; code?: string } };

const WORKER_MARK = 'prahari-event-writer';

/**
 * The ingest write path on SQLite in a thread of its own: the same statements and transaction,
 * run by a worker on its own connection, so the event loop goes on receiving and parsing while a
 * batch is written (the insert into the events table, its indexes and the full-text index is most
 * of the cost of ingest). Each write takes its turn at the write gate, so the store's connection
 * never writes at the same time (nor waits inside SQLite for the worker's lock), while its reads
 * go on; a read after a write has resolved sees it.
 */
export class WorkerEventWriter implements EventBatchWriter {
  #worker: Worker | undefined;
  #pending = new Map<number, { resolve(written: boolean): void; reject(err: Error): void }>();
  #nextId = 1;

  constructor(
    private readonly gate: WriteGate,
    private readonly options: WriterConnectionOptions,
  ) {}

  /**
   * Serialises the events' rows now, into memory outside the JavaScript heap that moves to the
   * writer thread without a copy: while they wait for their write they cost the garbage collector
   * nothing, and the write does no serialising on the event loop.
   */
  prepare(events: readonly NewEvent[]): PreparedEvents {
    return { count: events.length, bytes: serialize(events.map(eventParams)) } as Prepared;
  }

  async write(batch: EventWriteBatch): Promise<boolean> {
    const packed = ((batch.prepared ?? []) as Prepared[]).map((p) => {
      const bytes = p.bytes!;
      // serialize() gives each result an ArrayBuffer of its own, which is what may be moved.
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.buffer.slice(
            bytes.byteOffset,
            bytes.byteOffset + bytes.byteLength,
          ) as ArrayBuffer);
    });
    const rows = rowBatch(batch, batch.events.map(eventParams));
    const release = await this.gate.acquire();
    try {
      return await this.#post(rows, packed);
    } finally {
      release();
    }
  }

  #post(batch: RowBatch, packed: ArrayBuffer[]): Promise<boolean> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Only a write in flight keeps the process alive, so a CLI that is done can exit.
      worker.ref();
      worker.postMessage({ id, batch, packed } satisfies ToWriter, packed);
    });
  }

  #start(): Worker {
    // Under the TypeScript sources (tests), the thread runs the compiled module of this file.
    const here = import.meta.url;
    const url = here.endsWith('.ts')
      ? new URL('../dist/sqlite-event-writer.js', here)
      : new URL(here);
    const worker = new Worker(url, { workerData: { [WORKER_MARK]: this.options } });
    worker.on('message', (m: FromWriter) => {
      const waiter = this.#pending.get(m.id);
      if (!waiter) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
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

  /** Waits for the writes in flight (callers await them), then ends the thread. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ close: true } satisfies ToWriter);
    await exited;
  }
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
      // Opened on the first batch: the tables exist by then (migrations run before any write).
      sqlite ??= openWriterConnection(options);
      write ??= batchStatements(sqlite);
      let batch = m.batch;
      if (m.packed.length > 0) {
        const rows = [...batch.events];
        for (const bytes of m.packed) {
          for (const row of deserialize(new Uint8Array(bytes)) as unknown[][]) rows.push(row);
        }
        batch = { ...batch, events: rows };
      }
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

const marked = (workerData as Record<string, unknown> | null)?.[WORKER_MARK];
if (!isMainThread && marked) runWriterThread(marked as WriterConnectionOptions);

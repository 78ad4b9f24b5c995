import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  SelectQueryNode,
  SqliteDialect,
  sql,
  type DatabaseConnection,
  type Driver,
  type MigrationProvider,
  type QueryResult,
} from 'kysely';
import { sqliteDialect, type DialectHelper } from './dialect.js';
import {
  KyselyApiKeyRepository,
  KyselyAuditRepository,
  KyselySessionRepository,
  KyselyUserRepository,
} from './kysely-repositories.js';
import { migrationsFor } from './migrations/index.js';
import {
  KyselyDeadLetterRepository,
  KyselyEventRepository,
  type EventBatchWriter,
  type IngestEventRepository,
} from './event-repositories.js';
import { SqliteEventWriter, WorkerEventWriter, WriteGate } from './sqlite-event-writer.js';

export type {
  EventWriteBatch,
  IngestEventRepository,
  PreparedEvents,
} from './event-repositories.js';
import { EventSearcher } from './event-search.js';
import { KyselySourceRepository } from './source-repository.js';
import {
  AlertRepository,
  EventFeed,
  IndicatorRepository,
  RuleSettingsRepository,
} from './detection-repositories.js';
import {
  AssetEdgeRepository,
  AssetRepository,
  CityServiceRepository,
} from './asset-repositories.js';
import {
  BlockListRepository,
  NotificationChannelRepository,
  NotificationDeliveryRepository,
  PlaybookRepository,
  PlaybookRunRepository,
} from './response-repositories.js';
import { IncidentRepository } from './incident-repositories.js';
import type {
  ApiKeyRepository,
  DeadLetterRepository,
  AuditRepository,
  SessionRepository,
  SourceRepository,
  UserRepository,
} from './repositories.js';
import { SettingsRepository } from './settings-repository.js';
import { IncidentReportDetailsRepository } from './incident-report-details-repository.js';
import type { Database } from './schema.js';

export interface SqliteStoreOptions {
  driver: 'sqlite';
  /** path of the database file, or `:memory:` */
  path: string;
  /** how long a writer waits for another process's lock before failing (ms) */
  busyTimeoutMs?: number;
  /**
   * write event batches on a thread of their own (default: yes, unless the database is in
   * memory, which a second connection cannot open)
   */
  writerThread?: boolean;
  /** with a writer thread: how often the WAL is copied back into the database (ms) */
  checkpointIntervalMs?: number;
  /** with a writer thread: WAL pages after which its commit checkpoints (and the WAL starts over) */
  walAutocheckpointPages?: number;
}

/**
 * WAL pages (16 KiB each) after which a commit copies the WAL back into the database. SQLite's
 * default of 1000 (16 MB here) made the event writer checkpoint every few batches, copying the
 * same index pages again each time; at 10,000 (a WAL of up to 160 MB) writing 600,000 events in
 * batches of 2000 took 62 instead of 119 µs an event (47 instead of 64 µs of CPU). Durability is
 * unchanged: a checkpoint only moves pages already committed to the WAL.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * With a writer thread, a checkpointer thread copies the WAL back this often: the copying then
 * no longer stalls the writer (~300 ms each time the WAL reached 160 MB, a fifth of its time
 * under full load), which only starts the WAL over when it passes the mark above.
 */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * The writer thread's page cache. Each row goes into ten B-trees (the table, eight indexes, the
 * full-text index); SQLite's default 2 MB holds few of their pages once the store has a million
 * events, and every other page is read back from the file: at 800,000 events 64 MB cut the
 * writer's CPU per row by a quarter (58 → 44 µs in batches of 2000).
 */
const WRITER_CACHE_KIB = 64 * 1024;

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
class GatedSqliteDialect extends SqliteDialect {
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

export type StoreOptions = SqliteStoreOptions;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** The state of one Prahari deployment behind repository interfaces. */
export class Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  readonly events: IngestEventRepository;
  readonly deadLetters: DeadLetterRepository;
  readonly search: EventSearcher;
  readonly sources: SourceRepository;
  readonly alerts: AlertRepository;
  readonly indicators: IndicatorRepository;
  readonly ruleSettings: RuleSettingsRepository;
  readonly eventFeed: EventFeed;
  readonly assets: AssetRepository;
  readonly cityServices: CityServiceRepository;
  readonly assetEdges: AssetEdgeRepository;
  readonly incidents: IncidentRepository;
  readonly playbooks: PlaybookRepository;
  readonly playbookRuns: PlaybookRunRepository;
  readonly blocklist: BlockListRepository;
  readonly notificationChannels: NotificationChannelRepository;
  readonly notificationDeliveries: NotificationDeliveryRepository;
  readonly settings: SettingsRepository;
  readonly incidentReportDetails: IncidentReportDetailsRepository;
  readonly #migrator: Migrator;

  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectHelper,
    private readonly eventWriter: EventBatchWriter,
  ) {
    this.users = new KyselyUserRepository(db);
    this.sessions = new KyselySessionRepository(db);
    this.apiKeys = new KyselyApiKeyRepository(db);
    this.audit = new KyselyAuditRepository(db);
    this.events = new KyselyEventRepository(db, eventWriter);
    this.deadLetters = new KyselyDeadLetterRepository(db);
    this.search = new EventSearcher(db, dialect);
    this.sources = new KyselySourceRepository(db);
    this.alerts = new AlertRepository(db);
    this.indicators = new IndicatorRepository(db);
    this.ruleSettings = new RuleSettingsRepository(db);
    this.eventFeed = new EventFeed(db);
    this.assets = new AssetRepository(db);
    this.cityServices = new CityServiceRepository(db);
    this.assetEdges = new AssetEdgeRepository(db);
    this.incidents = new IncidentRepository(db, randomUUID);
    this.playbooks = new PlaybookRepository(db);
    this.playbookRuns = new PlaybookRunRepository(db);
    this.blocklist = new BlockListRepository(db);
    this.notificationChannels = new NotificationChannelRepository(db);
    this.notificationDeliveries = new NotificationDeliveryRepository(db);
    this.settings = new SettingsRepository(db);
    this.incidentReportDetails = new IncidentReportDetailsRepository(db);
    const migrations = migrationsFor(dialect);
    const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
    this.#migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  }

  static open(options: StoreOptions): Store {
    const sqlite = new Sqlite(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL lets readers (search, the CLI) work while the server writes; NORMAL sync is durable
    // across process crashes in WAL mode, which is the guarantee acknowledgement relies on.
    // 16 KiB pages make ingest about 35% faster than the 4 KiB default (measured: 22k → 30k
    // events/s written), mostly through fewer page splits in the events indexes. It only takes
    // effect for a new database, so it must come before WAL mode is set.
    sqlite.pragma('page_size = 16384');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const inMemory = options.path === ':memory:' || options.path === '';
    if (options.writerThread ?? !inMemory) {
      // The checkpointer and the writer thread keep the WAL copied back; a commit here would
      // stall the event loop doing it again (a CLI that never starts the writer checkpoints on
      // close).
      sqlite.pragma('wal_autocheckpoint = 0');
      const gate = new WriteGate();
      const db = new Kysely<Database>({ dialect: new GatedSqliteDialect(sqlite, gate) });
      return new Store(
        db,
        sqliteDialect,
        new WorkerEventWriter(gate, {
          path: options.path,
          busyTimeoutMs: options.busyTimeoutMs ?? 5000,
          checkpointIntervalMs: options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
          walAutocheckpointPages: options.walAutocheckpointPages ?? WAL_AUTOCHECKPOINT_PAGES,
          writerCacheKiB: WRITER_CACHE_KIB,
        }),
      );
    }
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return new Store(db, sqliteDialect, new SqliteEventWriter(db, sqlite));
  }

  /** Applies pending migrations in order; throws naming the migration that failed. */
  async migrate(): Promise<string[]> {
    const { error, results } = await this.#migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) {
      const why = error instanceof Error ? error.message : JSON.stringify(error);
      throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${why}`);
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  async migrationStatus(): Promise<MigrationStatus> {
    const all = await this.#migrator.getMigrations();
    return {
      applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
      pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
    };
  }

  /** True when the database answers a query. */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.eventWriter.close();
    await this.db.destroy();
  }
}

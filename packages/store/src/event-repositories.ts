import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  DeadLetterQuery,
  DeadLetterRecord,
  DeadLetterRepository,
  EventRecord,
  EventRepository,
  IngestBatch,
  NewEvent,
  SourceSighting,
} from './repositories.js';
import type { Database, DeadLettersTable, EventsTable } from './schema.js';

export function fromEventRow(r: Selectable<EventsTable>): EventRecord {
  return {
    seq: Number(r.seq),
    receivedAt: r.received_at,
    eventTime: r.event_time,
    listener: r.listener,
    parser: r.parser,
    sourceIp: r.source_ip,
    sourcePort: r.source_port,
    sourceName: r.source_name,
    logsource: {
      ...(r.product !== null && { product: r.product }),
      ...(r.category !== null && { category: r.category }),
      ...(r.service !== null && { service: r.service }),
    },
    message: r.message,
    raw: r.raw,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    flags: r.flags ? r.flags.split(',') : [],
  };
}

declare const preparedEvents: unique symbol;

/** Events already turned into what the writer stores (IngestEventRepository.prepare). */
export interface PreparedEvents {
  readonly count: number;
  readonly [preparedEvents]: true;
}

/**
 * What ingest writes in one transaction: the batch, and what it says about its named sources
 * (event counts, last seen), so the counts move exactly with the events.
 */
export interface EventWriteBatch extends IngestBatch {
  /** events prepared beforehand, stored after `events`; a write uses them up */
  prepared?: readonly PreparedEvents[];
  sightings?: SourceSighting[];
}

/** Writes a whole batch atomically; the fast path differs per database. */
export interface EventBatchWriter {
  write(batch: EventWriteBatch): Promise<boolean>;
  prepare(events: readonly NewEvent[]): PreparedEvents;
  /** gets ready for the first batch (a write does so anyway) */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The event repository ingest writes through; a batch may carry its source sightings. */
export interface IngestEventRepository extends EventRepository {
  writeBatch(batch: EventWriteBatch): Promise<boolean>;
  /**
   * Turns events into what the writer stores, ahead of the write: a caller that queues events
   * for a while then holds them in one compact piece rather than as parsed objects, which the
   * garbage collector would otherwise have to trace until the write.
   */
  prepare(events: readonly NewEvent[]): PreparedEvents;
  /**
   * Gets the writer ready for the first batch (its thread takes a moment to start), for a caller
   * about to write events; call it after migrations. Writing works without it.
   */
  startWriter(): Promise<void>;
}

/**
 * Deletes at most `limit` rows received before `before`, oldest first: retention works through a
 * large backlog in chunks, each a short write, instead of one that holds the write lock for long.
 */
async function deleteOldestReceivedBefore(
  db: Kysely<Database>,
  table: 'events' | 'dead_letters',
  before: string,
  limit: number,
): Promise<number> {
  const r = await db
    .deleteFrom(table)
    .where('seq', 'in', (eb) =>
      eb
        .selectFrom(table)
        .select('seq')
        .where('received_at', '<', before)
        .orderBy('seq')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export class KyselyEventRepository implements IngestEventRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: EventBatchWriter,
  ) {}

  writeBatch(batch: EventWriteBatch): Promise<boolean> {
    return this.writer.write(batch);
  }

  prepare(events: readonly NewEvent[]): PreparedEvents {
    return this.writer.prepare(events);
  }

  startWriter(): Promise<void> {
    return this.writer.start();
  }

  async findIdempotent(key: string, principalId: string) {
    const r = await this.db
      .selectFrom('ingest_batches')
      .select(['accepted', 'dead_lettered'])
      .where('idempotency_key', '=', key)
      .where('principal_id', '=', principalId)
      .executeTakeFirst();
    return r && { accepted: r.accepted, deadLettered: r.dead_lettered };
  }

  async get(seq: number): Promise<EventRecord | undefined> {
    const r = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirst();
    return r && fromEventRow(r);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  deleteReceivedBefore(before: string, limit: number): Promise<number> {
    return deleteOldestReceivedBefore(this.db, 'events', before, limit);
  }

  async forgetIdempotencyKeysBefore(before: string): Promise<number> {
    const r = await this.db
      .deleteFrom('ingest_batches')
      .where('received_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toDeadLetter(r: Selectable<DeadLettersTable>): DeadLetterRecord {
  return {
    seq: Number(r.seq),
    receivedAt: r.received_at,
    listener: r.listener,
    sourceIp: r.source_ip,
    sourcePort: r.source_port,
    parserHint: r.parser_hint,
    reason: r.reason,
    raw: Buffer.from(r.raw),
    status: r.status === 'reprocessed' ? 'reprocessed' : 'pending',
    retries: r.retries,
    lastRetryAt: r.last_retry_at,
  };
}

export class KyselyDeadLetterRepository implements DeadLetterRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(q: DeadLetterQuery): Promise<DeadLetterRecord[]> {
    let query = this.db.selectFrom('dead_letters').selectAll();
    if (q.status) query = query.where('status', '=', q.status);
    if (q.from) query = query.where('received_at', '>=', q.from);
    if (q.to) query = query.where('received_at', '<', q.to);
    if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
    if (q.text) {
      const pattern = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('reason', 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql<string>`cast(raw as text)`, 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    return (await query.orderBy('seq').limit(q.limit).execute()).map(toDeadLetter);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('dead_letters')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async markRetryFailed(seq: number, reason: string, at: string): Promise<void> {
    await this.db
      .updateTable('dead_letters')
      .set((eb) => ({ reason, retries: eb('retries', '+', 1), last_retry_at: at }))
      .where('seq', '=', seq)
      .execute();
  }

  deleteReceivedBefore(before: string, limit: number): Promise<number> {
    return deleteOldestReceivedBefore(this.db, 'dead_letters', before, limit);
  }
}

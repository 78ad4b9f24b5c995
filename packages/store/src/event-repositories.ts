import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  DeadLetterQuery,
  DeadLetterRecord,
  DeadLetterRepository,
  EventRecord,
  EventRepository,
  IngestBatch,
  NewEvent,
} from './repositories.js';
import type { Database, DeadLettersTable, EventsTable } from './schema.js';

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

export function toEventRow(e: NewEvent): Insertable<EventsTable> {
  const f = e.fields;
  return {
    received_at: e.receivedAt,
    event_time: e.eventTime,
    listener: e.listener,
    parser: e.parser,
    source_ip: e.sourceIp,
    source_port: e.sourcePort,
    source_name: e.sourceName,
    product: e.logsource.product ?? null,
    category: e.logsource.category ?? null,
    service: e.logsource.service ?? null,
    host_name: text(f['host.name']),
    src_ip: text(f['source.ip']),
    dst_ip: text(f['destination.ip']),
    dst_port: integer(f['destination.port']),
    user_name: text(f['user.name']),
    action: text(f['event.action']),
    outcome: text(f['event.outcome']),
    message: e.message,
    raw: e.raw,
    fields: JSON.stringify(f),
    flags: e.flags.length ? e.flags.join(',') : null,
  };
}

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

/** Writes a whole batch atomically; the fast path differs per database. */
export interface EventBatchWriter {
  write(batch: IngestBatch): Promise<boolean>;
}

export class KyselyEventRepository implements EventRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: EventBatchWriter,
  ) {}

  writeBatch(batch: IngestBatch): Promise<boolean> {
    return this.writer.write(batch);
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

  async deleteReceivedBefore(before: string, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom('events')
      .where('seq', 'in', (eb) =>
        eb
          .selectFrom('events')
          .select('seq')
          .where('received_at', '<', before)
          .orderBy('seq')
          .limit(limit),
      )
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
}

import type Sqlite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { toEventRow } from './event-repositories.js';
import type { IngestBatch } from './repositories.js';
import type { Database } from './schema.js';

const EVENT_COLUMNS = [
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
 * The ingest write path on SQLite: prepared statements in one synchronous transaction, several
 * times faster than building an INSERT per batch. It runs while holding Kysely's connection, so no
 * other query can interleave with the transaction.
 */
export class SqliteEventWriter {
  readonly #write: (batch: IngestBatch) => boolean;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: Sqlite.Database,
  ) {
    const insertEvent = sqlite.prepare(
      `insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
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
    this.#write = sqlite.transaction((batch: IngestBatch): boolean => {
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
      for (const e of batch.events) {
        const row = toEventRow(e);
        indexText.run(insertEvent.run(row).lastInsertRowid, row.message);
      }
      for (const d of batch.deadLetters) {
        insertDeadLetter.run(
          d.receivedAt,
          d.listener,
          d.sourceIp,
          d.sourcePort,
          d.parserHint,
          d.reason,
          d.raw,
        );
      }
      if (batch.reprocessed)
        for (const seq of batch.reprocessed.seqs) reprocessed.run(batch.reprocessed.at, seq);
      return true;
    });
  }

  write(batch: IngestBatch): Promise<boolean> {
    return this.db.connection().execute(() => Promise.resolve(this.#write(batch)));
  }
}

import { sql } from 'kysely';
import type { VersionedMigration } from './index.js';

/**
 * Idempotency keys are a sender's own: keyed by sender and key, where the key alone made a second
 * collector that counts its batches the same way fail every batch. Indexed by time, so retention
 * can forget keys as old as the events they guarded.
 */
export const ingestBatchesPerSender: VersionedMigration = {
  name: '0011-ingest-batches-per-sender',
  async up(db) {
    await db.schema
      .createTable('ingest_batches_per_sender')
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('dead_lettered', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_batches_key', ['principal_id', 'idempotency_key'])
      .execute();
    await sql`insert into ingest_batches_per_sender
        (principal_id, idempotency_key, received_at, accepted, dead_lettered)
      select principal_id, idempotency_key, received_at, accepted, dead_lettered
        from ingest_batches`.execute(db);
    await db.schema.dropTable('ingest_batches').execute();
    await db.schema.alterTable('ingest_batches_per_sender').renameTo('ingest_batches').execute();
    await db.schema
      .createIndex('ingest_batches_received')
      .on('ingest_batches')
      .column('received_at')
      .execute();
  },
};

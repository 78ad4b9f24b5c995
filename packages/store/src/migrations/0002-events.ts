import type { VersionedMigration } from './index.js';

/**
 * The hot store of parsed events, the dead-letter store, named sources and HTTP batch idempotency.
 * Hot columns hold the normalised fields searches filter on most; everything else is in `fields`.
 */
export const events: VersionedMigration = {
  name: '0002-events',
  async up(db, dialect) {
    await dialect
      .addSerialPrimaryKey(db.schema.createTable('events'), 'seq')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('event_time', 'text', (c) => c.notNull())
      .addColumn('listener', 'text', (c) => c.notNull())
      .addColumn('parser', 'text', (c) => c.notNull())
      .addColumn('source_ip', 'text')
      .addColumn('source_port', 'integer')
      .addColumn('source_name', 'text')
      .addColumn('product', 'text')
      .addColumn('category', 'text')
      .addColumn('service', 'text')
      .addColumn('host_name', 'text')
      .addColumn('src_ip', 'text')
      .addColumn('dst_ip', 'text')
      .addColumn('dst_port', 'integer')
      .addColumn('user_name', 'text')
      .addColumn('action', 'text')
      .addColumn('outcome', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('flags', 'text')
      .execute();
    for (const [name, columns] of [
      ['events_time', ['event_time']],
      ['events_received', ['received_at']],
      ['events_source', ['source_ip', 'event_time']],
      ['events_host', ['host_name', 'event_time']],
      ['events_logsource', ['product', 'category', 'service', 'event_time']],
      ['events_src_ip', ['src_ip']],
      ['events_dst_ip', ['dst_ip']],
      ['events_user', ['user_name']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('events')
        .columns([...columns])
        .execute();
    }
    await dialect.createFullTextIndex(db, 'events', 'seq', 'message');

    await dialect
      .addSerialPrimaryKey(db.schema.createTable('dead_letters'), 'seq')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('listener', 'text', (c) => c.notNull())
      .addColumn('source_ip', 'text')
      .addColumn('source_port', 'integer')
      .addColumn('parser_hint', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('raw', dialect.binaryType, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_retry_at', 'text')
      .execute();
    await db.schema
      .createIndex('dead_letters_status')
      .on('dead_letters')
      .columns(['status', 'seq'])
      .execute();
    await db.schema
      .createIndex('dead_letters_received')
      .on('dead_letters')
      .column('received_at')
      .execute();

    await db.schema
      .createTable('sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('match_ip', 'text')
      .addColumn('match_hostname', 'text')
      .addColumn('match_api_key_id', 'text')
      .addColumn('default_parser', 'text')
      .addColumn('timezone', 'text')
      .addColumn('description', 'text')
      .addColumn('discovered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_seen', 'text')
      .addColumn('last_seen', 'text')
      .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sources_ip').on('sources').column('match_ip').execute();

    await db.schema
      .createTable('ingest_batches')
      .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('dead_lettered', 'integer', (c) => c.notNull())
      .execute();
  },
};

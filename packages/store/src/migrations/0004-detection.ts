import type { VersionedMigration } from './index.js';

/**
 * Detection: alerts (deduplicated, with a change revision the live stream resumes from), the
 * indicators matched on every event, per-rule settings and tuning filters made by people, and the
 * position detection has reached in the events table.
 */
export const detection: VersionedMigration = {
  name: '0004-detection',
  async up(db, dialect) {
    await dialect
      .addSerialPrimaryKey(db.schema.createTable('alerts'), 'seq')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('rule_title', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('product', 'text')
      .addColumn('category', 'text')
      .addColumn('service', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('group_fields', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text')
      .addColumn('status_by', 'text')
      .addColumn('status_at', 'text')
      .addColumn('status_note', 'text')
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('source_ip', 'text')
      .addColumn('host_name', 'text')
      .addColumn('source_name', 'text')
      .addColumn('user_name', 'text')
      .addColumn('event_seqs', 'text', (c) => c.notNull())
      .addColumn('matched', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const [name, columns] of [
      ['alerts_revision', ['revision']],
      ['alerts_dedupe', ['dedupe_key', 'status', 'last_seen']],
      ['alerts_status', ['status', 'seq']],
      ['alerts_rule', ['rule_id', 'seq']],
      ['alerts_last_seen', ['last_seen']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('alerts')
        .columns([...columns])
        .execute();
    }

    await db.schema
      .createTable('indicators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('tlp', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_hit_at', 'text')
      .addUniqueConstraint('indicators_type_value', ['type', 'value'])
      .execute();

    await db.schema
      .createTable('rule_settings')
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();

    await db.schema
      .createTable('rule_filters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('rule_ids', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('detection_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};

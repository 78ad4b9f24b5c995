import type { VersionedMigration } from './index.js';

/**
 * Response: playbooks people uploaded (and the enabled state of those Prahari ships), every run
 * of a playbook with its steps, inputs, outputs and approvals; the block list firewalls pull;
 * notification channels per user or role and every delivery made through them.
 */
export const response: VersionedMigration = {
  name: '0008-response',
  async up(db, dialect) {
    // Built-in playbooks live in files; a row for one holds only its enabled state (yaml null).
    await db.schema
      .createTable('playbooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('yaml', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // A run keeps the playbook as it was when it started, so editing or deleting the playbook
    // never changes what a run waiting for approval will do.
    await dialect
      .addSerialPrimaryKey(db.schema.createTable('playbook_runs'), 'seq')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('playbook_id', 'text', (c) => c.notNull())
      .addColumn('playbook_title', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .execute();
    for (const [name, columns] of [
      ['playbook_runs_playbook', ['playbook_id', 'seq']],
      ['playbook_runs_status', ['status', 'seq']],
      ['playbook_runs_subject', ['subject_kind', 'subject_id']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('playbook_runs')
        .columns([...columns])
        .execute();
    }

    await db.schema
      .createTable('playbook_run_steps')
      .addColumn('run_id', 'text', (c) =>
        c.notNull().references('playbook_runs.id').onDelete('cascade'),
      )
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('needs_approval', 'integer', (c) => c.notNull())
      .addColumn('inputs', 'text')
      .addColumn('outputs', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('decision_note', 'text')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('playbook_run_steps_pk', ['run_id', 'idx'])
      .execute();

    await db.schema
      .createTable('blocklist')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addColumn('added_by_kind', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('removed_at', 'text')
      .addColumn('removed_by', 'text')
      .execute();
    await db.schema.createIndex('blocklist_value').on('blocklist').columns(['value']).execute();
    await db.schema
      .createIndex('blocklist_active')
      .on('blocklist')
      .columns(['removed_at', 'expires_at'])
      .execute();

    // A channel belongs to one user or to one role; `secret` signs webhook bodies.
    await db.schema
      .createTable('notification_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('owner_role', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notification_channels_user')
      .on('notification_channels')
      .columns(['owner_user_id'])
      .execute();

    // Deliveries outlive their channel (the name is kept), so the history stays readable.
    await dialect
      .addSerialPrimaryKey(db.schema.createTable('notification_deliveries'), 'seq')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('channel_name', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema
      .createIndex('notification_deliveries_due')
      .on('notification_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('notification_deliveries_channel')
      .on('notification_deliveries')
      .columns(['channel_id', 'seq'])
      .execute();
  },
};

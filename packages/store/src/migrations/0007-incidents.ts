import type { VersionedMigration } from './index.js';

/**
 * Incidents: the record of a response, with what it concerns (alerts, assets, city services,
 * observables), who works it (owner, assignees, tasks), what was learnt and kept (notes, evidence
 * with its chain of custody), the legal duties reported, and the grouping proposals detection
 * makes for it. Links are tables of their own, indexed from both ends, because the questions
 * run both ways: what does this incident touch, and which open incident touches this alert,
 * asset or address.
 */
export const incidents: VersionedMigration = {
  name: '0007-incidents',
  async up(db, dialect) {
    await db.schema
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('year_seq', 'integer', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text')
      .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('cert_in_type', 'text')
      .addColumn('personal_data_breach', 'integer', (c) => c.notNull())
      .addColumn('noticed_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('contained_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('merged_into_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('incidents_year_seq', ['year', 'year_seq'])
      .execute();
    for (const [name, columns] of [
      ['incidents_status', ['status', 'seq']],
      ['incidents_owner', ['owner_user_id', 'seq']],
      ['incidents_severity', ['severity', 'seq']],
      ['incidents_created', ['created_at']],
      ['incidents_duties', ['cert_in_type', 'personal_data_breach']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('incidents')
        .columns([...columns])
        .execute();
    }

    // An alert belongs to at most one open incident; the service checks that in the transaction
    // that attaches it (a closed incident keeps its alerts for the record).
    await db.schema
      .createTable('incident_alerts')
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('attached_at', 'text', (c) => c.notNull())
      .addColumn('attached_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_alerts_pk', ['incident_id', 'alert_id'])
      .execute();
    await db.schema
      .createIndex('incident_alerts_alert')
      .on('incident_alerts')
      .column('alert_id')
      .execute();

    // Assets and services are not foreign keys: an incident keeps naming what it concerned
    // after the register deletes it.
    for (const [table, column] of [
      ['incident_assets', 'asset_id'],
      ['incident_services', 'service_id'],
    ] as const) {
      await db.schema
        .createTable(table)
        .addColumn('incident_id', 'text', (c) =>
          c.notNull().references('incidents.id').onDelete('cascade'),
        )
        .addColumn(column, 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['incident_id', column])
        .execute();
      await db.schema.createIndex(`${table}_target`).on(table).column(column).execute();
    }

    await db.schema
      .createTable('incident_assignees')
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('assigned_at', 'text', (c) => c.notNull())
      .addColumn('assigned_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_assignees_pk', ['incident_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('incident_assignees_user')
      .on('incident_assignees')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('incident_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('assignee_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('due_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('done_at', 'text')
      .addColumn('done_by', 'text')
      .execute();
    await db.schema
      .createIndex('incident_tasks_incident')
      .on('incident_tasks')
      .columns(['incident_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('incident_tasks_assignee')
      .on('incident_tasks')
      .columns(['assignee_user_id', 'status'])
      .execute();

    await db.schema
      .createTable('incident_observables')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text')
      .addColumn('last_seen', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('incident_observables_unique', ['incident_id', 'type', 'value'])
      .execute();
    await db.schema
      .createIndex('incident_observables_value')
      .on('incident_observables')
      .columns(['type', 'value'])
      .execute();

    await db.schema
      .createTable('incident_observable_alerts')
      .addColumn('observable_id', 'text', (c) =>
        c.notNull().references('incident_observables.id').onDelete('cascade'),
      )
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('event_seqs', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_observable_alerts_pk', ['observable_id', 'alert_id'])
      .execute();
    await db.schema
      .createIndex('incident_observable_alerts_alert')
      .on('incident_observable_alerts')
      .column('alert_id')
      .execute();

    await db.schema
      .createTable('incident_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('author_id', 'text')
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('incident_notes_incident')
      .on('incident_notes')
      .columns(['incident_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('incident_evidence')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('stored_path', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text')
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('incident_evidence_incident')
      .on('incident_evidence')
      .columns(['incident_id', 'uploaded_at'])
      .execute();
    await db.schema
      .createIndex('incident_evidence_sha256')
      .on('incident_evidence')
      .column('sha256')
      .execute();

    // Custody rows are only ever added: the record of who handled a file outlives the incident
    // it was filed under (merges move evidence between incidents).
    await dialect
      .addSerialPrimaryKey(db.schema.createTable('incident_evidence_custody'), 'seq')
      .addColumn('evidence_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('sha256_seen', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('incident_evidence_custody_evidence')
      .on('incident_evidence_custody')
      .columns(['evidence_id', 'seq'])
      .execute();

    await db.schema
      .createTable('incident_duty_reports')
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('duty', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addColumn('reported_by', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_duty_reports_pk', ['incident_id', 'duty'])
      .execute();

    await db.schema
      .createTable('incident_proposals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) =>
        c.notNull().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addUniqueConstraint('incident_proposals_unique', ['incident_id', 'alert_id'])
      .execute();
    await db.schema
      .createIndex('incident_proposals_alert')
      .on('incident_proposals')
      .columns(['alert_id', 'status'])
      .execute();
    await db.schema
      .createIndex('incident_proposals_incident')
      .on('incident_proposals')
      .columns(['incident_id', 'status'])
      .execute();

    await db.schema
      .createTable('incident_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // An incident's timeline reads every audit entry targeted at it.
    await db.schema
      .createIndex('audit_target')
      .on('audit_log')
      .columns(['target', 'seq'])
      .execute();
  },
};

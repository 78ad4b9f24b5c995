import type { VersionedMigration } from './index.js';

/**
 * What people write for an incident's reports beyond what Prahari records itself: how it was
 * found when not by an alert, the DPDP particulars of a personal-data breach, the post-incident
 * review. One JSON document per incident; the server checks its shape.
 */
export const incidentReportDetails: VersionedMigration = {
  name: '0010-incident-report-details',
  async up(db) {
    await db.schema
      .createTable('incident_report_details')
      .addColumn('incident_id', 'text', (c) =>
        c.primaryKey().references('incidents.id').onDelete('cascade'),
      )
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};

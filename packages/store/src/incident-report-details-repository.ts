import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** What people wrote for an incident's reports, as last saved. */
export interface IncidentReportDetailsRecord {
  incidentId: string;
  /** parsed JSON; the server checks its shape */
  value: unknown;
  updatedBy: string;
  updatedAt: string;
}

/** One JSON document per incident for its reports (DPDP particulars, review, how it was found). */
export class IncidentReportDetailsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(incidentId: string): Promise<IncidentReportDetailsRecord | null> {
    const row = await this.db
      .selectFrom('incident_report_details')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .executeTakeFirst();
    return row
      ? {
          incidentId: row.incident_id,
          value: JSON.parse(row.value) as unknown,
          updatedBy: row.updated_by,
          updatedAt: row.updated_at,
        }
      : null;
  }

  async put(record: IncidentReportDetailsRecord): Promise<void> {
    const values = {
      value: JSON.stringify(record.value),
      updated_by: record.updatedBy,
      updated_at: record.updatedAt,
    };
    await this.db
      .insertInto('incident_report_details')
      .values({ incident_id: record.incidentId, ...values })
      .onConflict((oc) => oc.column('incident_id').doUpdateSet(values))
      .execute();
  }
}

import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** One settings key's value as last set, with who set it and when. */
export interface SettingRecord {
  key: string;
  /** parsed JSON; the server checks its shape for each key */
  value: unknown;
  updatedBy: string;
  updatedAt: string;
}

/** Settings changed at run time: one JSON value per key. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<SettingRecord | null> {
    const row = await this.db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row
      ? {
          key: row.key,
          value: JSON.parse(row.value) as unknown,
          updatedBy: row.updated_by,
          updatedAt: row.updated_at,
        }
      : null;
  }

  /** Sets (or replaces) the value of a key. */
  async put(record: SettingRecord): Promise<void> {
    const values = {
      value: JSON.stringify(record.value),
      updated_by: record.updatedBy,
      updated_at: record.updatedAt,
    };
    await this.db
      .insertInto('settings')
      .values({ key: record.key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }
}

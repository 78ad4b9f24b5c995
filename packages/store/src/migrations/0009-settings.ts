import type { VersionedMigration } from './index.js';

/**
 * Settings people change at run time (the reporting organisation and its point of contact, …),
 * as opposed to the config file read at start: one JSON value per key, with who set it and when.
 * The server validates each key's value; the table only keeps it.
 */
export const settings: VersionedMigration = {
  name: '0009-settings',
  async up(db) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};

import { sql } from 'kysely';
import type { VersionedMigration } from './index.js';

/**
 * Alerts carry the asset they concern (as it was when the alert opened) and a severity that
 * weighs the rule's level by the asset's criticality, so the same hit on a water PLC outranks it
 * on a test bench; owners see the alerts of their assets.
 */
export const alertAssets: VersionedMigration = {
  name: '0006-alert-assets',
  async up(db) {
    for (const [column, type] of [
      ['asset_id', 'text'],
      ['asset_name', 'text'],
      ['asset_criticality', 'integer'],
      ['asset_zone', 'text'],
      ['asset_owner_id', 'text'],
      ['asset_owner_name', 'text'],
      ['severity', 'text'],
    ] as const) {
      await db.schema.alterTable('alerts').addColumn(column, type).execute();
    }
    await sql`update alerts set severity = level`.execute(db);
    await db.schema.createIndex('alerts_asset').on('alerts').columns(['asset_id', 'seq']).execute();
    await db.schema
      .createIndex('alerts_owner')
      .on('alerts')
      .columns(['asset_owner_id', 'seq'])
      .execute();
  },
};

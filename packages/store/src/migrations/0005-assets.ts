import type { VersionedMigration } from './index.js';

/**
 * The asset register: assets (IT, OT, IoT) with their addresses in a table of their own, indexed
 * for the lookups enrichment and discovery make by IP, MAC and hostname; the city services
 * citizens get; and the typed dependency edges between assets and services that the cascading
 * impact analysis walks.
 */
export const assets: VersionedMigration = {
  name: '0005-assets',
  async up(db) {
    await db.schema
      .createTable('assets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('zone', 'text')
      .addColumn('department', 'text')
      .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('criticality', 'integer')
      .addColumn('description', 'text')
      .addColumn('vendor', 'text')
      .addColumn('product', 'text')
      .addColumn('version', 'text')
      .addColumn('cpe', 'text')
      .addColumn('ward', 'text')
      .addColumn('site', 'text')
      .addColumn('latitude', 'real')
      .addColumn('longitude', 'real')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('personal_data', 'integer', (c) => c.notNull())
      .addColumn('internet_exposed', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('os_guess', 'text')
      .addColumn('open_services', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text')
      .addColumn('last_seen', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const [name, columns] of [
      ['assets_status', ['status', 'name']],
      ['assets_owner', ['owner_user_id', 'name']],
      ['assets_kind', ['kind']],
      ['assets_zone', ['zone']],
      ['assets_department', ['department']],
      ['assets_criticality', ['criticality']],
      ['assets_updated', ['updated_at']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('assets')
        .columns([...columns])
        .execute();
    }

    // One row per address. An address is unique among assets that are not retired; the service
    // checks that, so a retired device's address can be given to its replacement.
    await db.schema
      .createTable('asset_addresses')
      .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addPrimaryKeyConstraint('asset_addresses_pk', ['asset_id', 'type', 'value'])
      .execute();
    await db.schema
      .createIndex('asset_addresses_lookup')
      .on('asset_addresses')
      .columns(['type', 'value'])
      .execute();

    await db.schema
      .createTable('city_services')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('citizen_impact', 'integer', (c) => c.notNull())
      .addColumn('population_served', 'integer')
      .addColumn('mtd_minutes', 'integer')
      .addColumn('department', 'text')
      .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // `from_id` is always an asset; `to_id` is an asset, or a city service for `supports`.
    await db.schema
      .createTable('asset_edges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('from_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addColumn('to_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('time_to_impact_minutes', 'integer')
      .addColumn('redundancy_group', 'text')
      .addColumn('redundancy_k', 'integer')
      .addColumn('note', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('asset_edges_unique', ['from_id', 'to_id', 'type'])
      .execute();
    await db.schema.createIndex('asset_edges_to').on('asset_edges').columns(['to_id']).execute();
  },
};

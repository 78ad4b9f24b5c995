import type { CreateTableBuilder } from 'kysely';

export type DialectKind = 'sqlite' | 'postgres';

/**
 * Everything that differs between SQLite and PostgreSQL lives here, so the repositories and
 * migrations above it stay dialect-neutral.
 */
export interface DialectHelper {
  kind: DialectKind;
  /** An auto-incrementing integer primary key column. */
  addSerialPrimaryKey<T extends string>(
    table: CreateTableBuilder<T>,
    column: string,
  ): CreateTableBuilder<T>;
}

export const sqliteDialect: DialectHelper = {
  kind: 'sqlite',
  addSerialPrimaryKey: (table, column) =>
    table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
};

export const postgresDialect: DialectHelper = {
  kind: 'postgres',
  addSerialPrimaryKey: (table, column) =>
    table.addColumn(column, 'bigserial', (c) => c.primaryKey()),
};

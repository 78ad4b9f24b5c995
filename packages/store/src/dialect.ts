import {
  sql,
  type CreateTableBuilder,
  type Expression,
  type Kysely,
  type RawBuilder,
  type SqlBool,
} from 'kysely';

export type DialectKind = 'sqlite' | 'postgres';

/**
 * `lead`: the matches are few, so the query starts from them (and sorts them). `filter`: they are
 * many, so the query walks the time index in the order asked for and keeps the rows that match,
 * stopping at the page's end instead of fetching and sorting every match.
 */
export type FullTextUse = 'lead' | 'filter';

/**
 * Everything that differs between SQLite and PostgreSQL lives here, so the repositories and
 * migrations above it stay dialect-neutral. Only SQLite is implemented until the PostgreSQL issue;
 * its implementation of this interface is all it needs to add below the repositories.
 */
export interface DialectHelper {
  kind: DialectKind;
  /** column type for raw bytes */
  binaryType: 'blob' | 'bytea';
  /** An auto-incrementing integer primary key column. */
  addSerialPrimaryKey<T extends string>(
    table: CreateTableBuilder<T>,
    column: string,
  ): CreateTableBuilder<T>;
  /** A full-text index over one text column; deletes keep it in step, inserts are the writer's job. */
  createFullTextIndex(
    db: Kysely<unknown>,
    table: string,
    key: string,
    column: string,
  ): Promise<void>;
  /**
   * Rows whose `column` holds the words of `text` in that order (a phrase); a trailing `*` makes
   * the last word a prefix.
   */
  fullTextMatch(table: string, key: string, text: string, use?: FullTextUse): Expression<SqlBool>;
  /** How many rows `fullTextMatch` would find, counted up to `cap` (a cheap probe). */
  fullTextCount(db: Kysely<unknown>, table: string, text: string, cap: number): Promise<number>;
  /** The value of a top-level key of a JSON text column as text (keys may contain dots). */
  jsonText(column: string, key: string): RawBuilder<string | null>;
  /** The value of a top-level key of a JSON text column as a number (null when not numeric). */
  jsonNumber(column: string, key: string): RawBuilder<number | null>;
  /** Seconds since the epoch of an ISO 8601 UTC text column. */
  epochSeconds(column: string): RawBuilder<number>;
}

/** FTS5 phrase: quoted, so punctuation and operators in it are plain text. */
function fts5Phrase(text: string): string {
  const prefix = text.endsWith('*');
  const words = (prefix ? text.slice(0, -1) : text).replaceAll('"', '""');
  return `"${words}"${prefix ? '*' : ''}`;
}

function jsonPath(key: string): string {
  return `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export const sqliteDialect: DialectHelper = {
  kind: 'sqlite',
  binaryType: 'blob',
  addSerialPrimaryKey: (table, column) =>
    table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
  async createFullTextIndex(db, table, key, column) {
    const fts = `${table}_fts`;
    await sql`create virtual table ${sql.id(fts)} using fts5(${sql.id(column)}, content=${sql.lit(table)}, content_rowid=${sql.lit(key)}, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
    // External-content FTS5 must be told about deletes (retention); a trigger keeps that atomic.
    // Inserts are written by the event writer itself: an insert trigger costs five times more.
    await sql`create trigger ${sql.id(`${table}_fts_delete`)} after delete on ${sql.id(table)} begin
      insert into ${sql.id(fts)}(${sql.id(fts)}, rowid, ${sql.id(column)}) values ('delete', old.${sql.id(key)}, old.${sql.id(column)}); end`.execute(
      db,
    );
  },
  fullTextMatch: (table, key, text, use = 'lead') =>
    // A unary `+` keeps SQLite from starting at the matched keys, so it scans in index order.
    sql<SqlBool>`${use === 'filter' ? sql`+` : sql``}${sql.ref(`${table}.${key}`)} in (select rowid from ${sql.id(`${table}_fts`)} where ${sql.id(`${table}_fts`)} match ${fts5Phrase(text)})`,
  async fullTextCount(db, table, text, cap) {
    const fts = sql.id(`${table}_fts`);
    const r = await sql<{
      n: number;
    }>`select count(*) as n from (select rowid from ${fts} where ${fts} match ${fts5Phrase(text)} limit ${sql.lit(Math.trunc(cap))})`.execute(
      db,
    );
    return Number(r.rows[0]?.n ?? 0);
  },
  jsonText: (column, key) =>
    sql<string | null>`cast(json_extract(${sql.ref(column)}, ${jsonPath(key)}) as text)`,
  jsonNumber: (column, key) =>
    sql<
      number | null
    >`(case when json_type(${sql.ref(column)}, ${jsonPath(key)}) in ('integer', 'real') then json_extract(${sql.ref(column)}, ${jsonPath(key)}) when json_type(${sql.ref(column)}, ${jsonPath(key)}) = 'text' and trim(json_extract(${sql.ref(column)}, ${jsonPath(key)})) glob '[0-9-]*' then cast(json_extract(${sql.ref(column)}, ${jsonPath(key)}) as real) end)`,
  epochSeconds: (column) => sql<number>`cast(strftime('%s', ${sql.ref(column)}) as integer)`,
};

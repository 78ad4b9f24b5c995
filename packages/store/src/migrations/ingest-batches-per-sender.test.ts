import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteDialect } from '../dialect.js';
import { Store } from '../store.js';
import { MIGRATIONS, type VersionedMigration } from './index.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-migration-'));
  path = join(dir, 'prahari.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database as a release that stopped before `name` left it. */
async function migratedUpTo(name: string): Promise<Kysely<unknown>> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Sqlite(path) }) });
  const before: VersionedMigration[] = MIGRATIONS.slice(
    0,
    MIGRATIONS.findIndex((m) => m.name === name),
  );
  const migrator = new Migrator({
    db,
    migrationTableName: 'schema_migrations',
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(before.map((m) => [m.name, { up: (d) => m.up(d, sqliteDialect) }])),
        ),
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return db;
}

describe('0011-ingest-batches-per-sender', () => {
  it('keeps the keys an earlier release stored and lets another sender reuse one', async () => {
    const old = await migratedUpTo('0011-ingest-batches-per-sender');
    await sql`insert into ingest_batches (idempotency_key, principal_id, received_at, accepted, dead_lettered)
      values ('batch-7', 'apikey:sensor-1', '2026-11-20T10:00:00.000Z', 500, 2)`.execute(old);
    await old.destroy();

    const store = Store.open({ driver: 'sqlite', path, writerThread: false });
    try {
      expect(await store.migrate()).toContain('0011-ingest-batches-per-sender');
      expect(await store.events.findIdempotent('batch-7', 'apikey:sensor-1')).toEqual({
        accepted: 500,
        deadLettered: 2,
      });
      const batch = (principalId: string) => ({
        events: [],
        deadLetters: [],
        idempotency: { key: 'batch-7', principalId, receivedAt: '2026-11-26T10:00:00.000Z' },
      });
      expect(await store.events.writeBatch(batch('apikey:sensor-2'))).toBe(true);
      expect(await store.events.writeBatch(batch('apikey:sensor-1'))).toBe(false);

      // Retention forgets keys by age, through the index on their time.
      expect(await store.events.forgetIdempotencyKeysBefore('2026-11-25T00:00:00.000Z')).toBe(1);
      expect(await store.events.findIdempotent('batch-7', 'apikey:sensor-1')).toBeUndefined();
      expect(await store.events.findIdempotent('batch-7', 'apikey:sensor-2')).toBeDefined();
      const plan = await sql<{ detail: string }>`explain query plan
        delete from ingest_batches where received_at < '2026-11-25'`.execute(store.db);
      expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/ingest_batches_received/);
    } finally {
      await store.close();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChainBreak } from '@prahari/core';
import { sql } from 'kysely';
import { Store } from './store.js';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-store-'));
  store = Store.open({ driver: 'sqlite', path: join(dir, 'prahari.db') });
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = '2026-11-25T10:00:00.000Z';

describe('SQLite store', () => {
  it('runs migrations once and reports them', async () => {
    expect(await store.migrate()).toEqual([]);
    const status = await store.migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.applied).toContain('0001-identity-and-audit');
    expect(await store.ping()).toBe(true);
  });

  it('turns on WAL and foreign keys', async () => {
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
  });

  it('stores and updates users; usernames are unique', async () => {
    const user = {
      id: 'u1',
      username: 'meena',
      displayName: 'Meena Iyer',
      role: 'analyst' as const,
      department: 'IT',
      passwordHash: 'h',
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    };
    await store.users.insert(user);
    await expect(store.users.insert({ ...user, id: 'u2' })).rejects.toThrow(/UNIQUE/);
    await store.users.update('u1', { disabled: true, failedLogins: 3 });
    expect(await store.users.findByUsername('meena')).toMatchObject({
      disabled: true,
      failedLogins: 3,
    });
    expect(await store.users.count()).toBe(1);
  });

  it('refuses a session for a user that does not exist (foreign keys are enforced)', async () => {
    await expect(
      store.sessions.insert({
        id: 's',
        userId: 'nobody',
        createdAt: now,
        expiresAt: now,
        lastSeenAt: now,
        ip: null,
        userAgent: null,
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('appends a hash chain that verifies, and a hand edit breaks it', async () => {
    for (const action of ['auth.login', 'user.create', 'auth.logout']) {
      await store.audit.append({
        at: now,
        actorKind: 'user',
        actorId: 'u1',
        actorName: 'meena',
        action,
        target: null,
        outcome: 'success',
        ip: '127.0.0.1',
        details: { n: 1 },
      });
    }
    const rows = await store.audit.page(0, 100);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(findChainBreak(rows)).toMatchObject({ ok: true });

    await sql`update audit_log set actor_name = 'someone' where seq = 2`.execute(store.db);
    expect(findChainBreak(await store.audit.page(0, 100))).toMatchObject({ ok: false, seq: 2 });
  });
});

describe('WAL checkpoints with the event writer thread', () => {
  const message = 'Failed password for root from 203.0.113.7 port 4712 ssh2 '.repeat(20);
  const event = {
    receivedAt: now,
    eventTime: now,
    listener: 'syslog-tcp',
    parser: 'rfc3164',
    sourceIp: '10.20.0.5',
    sourcePort: 514,
    sourceName: null,
    logsource: { product: 'linux', service: 'sshd' },
    message,
    raw: message,
    fields: { 'user.name': 'root', 'source.ip': '203.0.113.7' },
    flags: [],
  };
  const writeBatches = async (into: Store, batches: number, after?: (batch: number) => void) => {
    for (let batch = 0; batch < batches; batch++) {
      await into.events.writeBatch({
        events: Array.from({ length: 200 }, () => event),
        deadLetters: [],
      });
      after?.(batch);
    }
  };

  it('a thread of its own copies committed pages into the database file while the writer goes on', async () => {
    const path = join(dir, 'copied.db');
    // The writer never checkpoints here: whatever reaches the database file, the checkpointer
    // thread put there.
    const copied = Store.open({
      driver: 'sqlite',
      path,
      checkpointIntervalMs: 20,
      walAutocheckpointPages: 1_000_000,
    });
    try {
      await copied.migrate();
      const before = statSync(path).size;
      await writeBatches(copied, 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // 2000 events of ~2.5 KB
      expect(statSync(path).size - before).toBeGreaterThan(4 * 1024 * 1024);
      expect(await copied.events.count()).toBe(2000);
    } finally {
      await copied.close();
    }
  });

  it('lets a process that closes the store while the writer thread starts exit normally', () => {
    // A CLI run that wrote nothing (every slice already stored) closes while the thread's first
    // answer is on its way; that answer unreferenced the thread close() was waiting for, and
    // the process ended with the command unfinished (exit 13, nothing printed).
    const script = `
      import { Store } from ${JSON.stringify(new URL('../dist/store.js', import.meta.url).href)};
      const store = Store.open({ driver: 'sqlite', path: ${JSON.stringify(join(dir, 'closing.db'))} });
      await store.migrate();
      void store.events.startWriter();
      await store.close();
      console.log('closed');
    `;
    const file = join(dir, 'close-while-starting.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ code: run.status, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: 'closed' });
  });

  it('keeps the WAL bounded while batches keep coming', async () => {
    const path = join(dir, 'busy.db');
    const busy = Store.open({ driver: 'sqlite', path, walAutocheckpointPages: 40 });
    try {
      await busy.migrate();
      // Batches back to back: the WAL is never found fully copied between two of them, so only
      // the writer's own checkpoint lets it start over. The 60 batches write some 30 MB of WAL;
      // started over at the first commit past 40 pages of 16 KiB, the file never grows much past
      // that and a batch or two.
      const walSizes: number[] = [];
      await writeBatches(busy, 60, () => walSizes.push(statSync(`${path}-wal`).size));
      expect(await busy.events.count()).toBe(60 * 200);
      expect(Math.max(...walSizes)).toBeLessThan(40 * 16 * 1024 + 8 * 1024 * 1024);
    } finally {
      await busy.close();
    }
  });
});

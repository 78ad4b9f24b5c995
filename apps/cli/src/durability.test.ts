/**
 * Nothing acknowledged is lost: send HTTP batches to a real server, kill -9 it mid-stream, restart
 * it on the same data directory, and find every acknowledged event exactly once — in the store
 * and in the raw archive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe } from './testing.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-kill9-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability', { timeout: 180_000 }, () => {
  it('after kill -9 during ingest and a restart, every acknowledged event is stored exactly once', async () => {
    const env = { PRAHARI_ADMIN_PASSWORD: 'durability-test-pw' };
    const key = JSON.parse(
      runPrahari(dir, ['--json', 'apikey', 'create', 'loader', '--role', 'ingest']).stdout,
    ).secret as string;
    const server = await startServe(dir, env);
    const acknowledged: number[] = [];
    let killed = false;
    const send = async (batch: number) => {
      const body = Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({ marker: `b${batch}-e${i}`, batch, message: 'durability probe' }),
      ).join('\n');
      const res = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/x-ndjson',
          'idempotency-key': `batch-${batch}`,
        },
        body,
      });
      if (res.status === 200) acknowledged.push(batch);
    };
    // Four senders at once; the server dies under them once a few batches are acknowledged.
    const senders = Array.from({ length: 4 }, async (_, s) => {
      for (let b = s; !killed; b += 4) await send(b).catch(() => undefined);
    });
    for (const end = Date.now() + 60_000; acknowledged.length < 8 && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 20));
    process.kill(server.pid, 'SIGKILL');
    killed = true;
    await Promise.all(senders);
    await server.stop();
    expect(acknowledged.length).toBeGreaterThan(5);

    // The restart recovers the archive's torn tail, if any, and takes over the stale lock.
    const again = await startServe(dir, env);
    // A sender that did not hear back retries with the same key: stored once, not twice.
    const retry = await fetch(`${again.url}/api/v1/ingest`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/x-ndjson',
        'idempotency-key': `batch-${acknowledged[0]}`,
      },
      body: JSON.stringify({ marker: `b${acknowledged[0]}-e0`, batch: acknowledged[0] }),
    });
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(await again.stop()).toBe(0);

    const db = new Sqlite(join(dir, 'data', 'prahari.db'), { readonly: true });
    const counts = new Map(
      (
        db
          .prepare(
            "select json_extract(fields, '$.batch') as batch, count(*) as n, count(distinct json_extract(fields, '$.marker')) as distinct_markers from events group by 1",
          )
          .all() as {
          batch: number;
          n: number;
          distinct_markers: number;
        }[]
      ).map((r) => [r.batch, r]),
    );
    db.close();
    for (const batch of acknowledged)
      expect(counts.get(batch), `batch ${batch}`).toMatchObject({ n: 200, distinct_markers: 200 });
    // Batches never acknowledged are either wholly there or wholly absent: a transaction each.
    for (const row of counts.values()) expect(row.n).toBe(200);

    const verify = runPrahari(dir, ['archive', 'verify']);
    expect(verify.stdout).toMatch(/Archive intact/);
    const archived = spawnSync(
      'bash',
      ['-c', `zcat ${join(dir, 'data', 'archive')}/*/*.ndjson.gz | grep -c durability`],
      { encoding: 'utf8' },
    );
    expect(Number(archived.stdout)).toBeGreaterThanOrEqual(acknowledged.length * 200);
  });
});

import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const username of ['kavya', 'arjun']) {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username, role: 'analyst', password: 'long-enough-password' },
    });
  }
});
afterAll(() => server.stop());

describe('audit trail', () => {
  it('lists newest first with cursor pages', async () => {
    const first = await server.request('GET', '/api/v1/audit?limit=2', { auth: admin });
    expect(first.body.entries).toHaveLength(2);
    const [a, b] = first.body.entries;
    expect(a.seq).toBeGreaterThan(b.seq);
    expect(first.body.nextBefore).toBe(b.seq);
    const next = await server.request('GET', `/api/v1/audit?limit=2&before=${b.seq}`, {
      auth: admin,
    });
    expect(next.body.entries[0].seq).toBe(b.seq - 1);
  });

  it('lists the entries about one target, newest first, in pages', async () => {
    for (const displayName of ['Kavya N', 'Kavya Nair', 'Kavya S. Nair'])
      expect(
        (
          await server.request('PATCH', '/api/v1/users/kavya', {
            auth: admin,
            body: { displayName },
          })
        ).status,
      ).toBe(200);
    // entries about someone else are left out
    await server.request('PATCH', '/api/v1/users/arjun', {
      auth: admin,
      body: { displayName: 'Arjun' },
    });

    const first = await server.request('GET', '/api/v1/audit?target=user:kavya&limit=2', {
      auth: admin,
    });
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e: { target: string }) => e.target)).toEqual([
      'user:kavya',
      'user:kavya',
    ]);
    expect(first.body.entries[0].details).toMatchObject({
      changes: { displayName: 'Kavya S. Nair' },
    });
    expect(first.body.entries[0].seq).toBeGreaterThan(first.body.entries[1].seq);
    expect(first.body.nextBefore).toBe(first.body.entries[1].seq);

    const rest = await server.request(
      'GET',
      `/api/v1/audit?target=user:kavya&limit=100&before=${first.body.nextBefore}`,
      { auth: admin },
    );
    const actions = rest.body.entries.map((e: { action: string }) => e.action);
    expect(actions.at(-1)).toBe('user.create');
    expect(rest.body.entries.every((e: { target: string }) => e.target === 'user:kavya')).toBe(
      true,
    );
    expect(rest.body.nextBefore).toBeNull();

    const none = await server.request('GET', '/api/v1/audit?target=user:nobody', { auth: admin });
    expect(none.body).toEqual({ entries: [], nextBefore: null });
    const empty = await server.request('GET', '/api/v1/audit?target=', { auth: admin });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/target/);
  });

  it('is readable by auditors and not by analysts', async () => {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'auditor1', role: 'auditor', password: 'long-enough-password' },
    });
    const auditor = await server.login('auditor1', 'long-enough-password');
    expect((await server.request('GET', '/api/v1/audit', { auth: auditor })).status).toBe(200);
    const analyst = await server.login('kavya', 'long-enough-password');
    expect((await server.request('GET', '/api/v1/audit', { auth: analyst })).status).toBe(403);
  });

  it('rejects a malformed query with 400', async () => {
    const res = await server.request('GET', '/api/v1/audit?limit=0', { auth: admin });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/limit/);
  });

  it('verifies an intact chain, and names the row edited by hand in the SQLite file', async () => {
    const intact = await server.request('GET', '/api/v1/audit/verify', { auth: admin });
    expect(intact.body).toMatchObject({
      ok: true,
      firstBreak: null,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const rows = intact.body.rowsChecked as number;
    expect(rows).toBeGreaterThanOrEqual(4);

    // What an insider with file access might do: quietly change who created a user.
    const db = new Sqlite(join(server.dataDir, 'prahari.db'));
    const target = db
      .prepare("select seq from audit_log where target = 'user:kavya' and action = 'user.create'")
      .get() as { seq: number };
    db.prepare("update audit_log set actor_name = 'someone-else' where seq = ?").run(target.seq);
    db.close();

    const broken = await server.request('GET', '/api/v1/audit/verify', { auth: admin });
    expect(broken.body).toMatchObject({
      ok: false,
      firstBreak: { seq: target.seq, reason: expect.stringMatching(/altered/) },
    });
  });
});

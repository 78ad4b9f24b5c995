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

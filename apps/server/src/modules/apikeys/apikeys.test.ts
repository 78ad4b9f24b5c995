import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => server.stop());

describe('API keys', () => {
  it('lifecycle: created with its secret shown once, used, listed without the secret, revoked', async () => {
    const created = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'firewall-core-1', role: 'ingest' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'firewall-core-1',
      role: 'ingest',
      status: 'active',
      createdBy: 'admin',
    });
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^prk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);

    const me = await server.request('GET', '/api/v1/auth/me', { auth: secret });
    expect(me.body).toEqual({
      kind: 'apikey',
      id: created.body.id,
      name: 'firewall-core-1',
      role: 'ingest',
    });

    const list = await server.request('GET', '/api/v1/apikeys', { auth: admin });
    const listed = list.body.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'firewall-core-1', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(-43));

    const revoked = await server.request('DELETE', `/api/v1/apikeys/${created.body.id}`, {
      auth: admin,
    });
    expect(revoked.body.status).toBe('revoked');
    const after = await server.request('GET', '/api/v1/auth/me', { auth: secret });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/unknown, revoked or expired/);

    const audit = await server.request('GET', '/api/v1/audit?actor=admin&limit=10', {
      auth: admin,
    });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['apikey.create', 'apikey.revoke']),
    );
  });

  it('an ingest key gets 403 on /api/v1/users', async () => {
    const { body } = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'nvr-ward-12', role: 'ingest' },
    });
    const res = await server.request('GET', '/api/v1/users', { auth: body.secret });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Your role 'ingest' may not do this/);
  });

  it('a key with a tampered secret, a garbage header or no credentials is refused with 401', async () => {
    const { body } = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'soar', role: 'analyst' },
    });
    const tampered = `${body.secret.slice(0, -1)}${body.secret.endsWith('A') ? 'B' : 'A'}`;
    expect((await server.request('GET', '/api/v1/auth/me', { auth: tampered })).status).toBe(401);
    expect(
      (await server.request('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } }))
        .status,
    ).toBe(401);
    expect((await server.request('GET', '/api/v1/users')).status).toBe(401);
  });

  it('an expiry must be a future date; an expired key stops working', async () => {
    const past = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'old', role: 'ingest', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.body.details).toEqual({ field: 'expiresAt' });
    const bad = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'old', role: 'ingest', expiresAt: 'next tuesday' },
    });
    expect(bad.status).toBe(400);

    const soon = new Date(Date.now() + 1500).toISOString();
    const { body } = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'short-lived', role: 'ingest', expiresAt: soon },
    });
    expect((await server.request('GET', '/api/v1/auth/me', { auth: body.secret })).status).toBe(
      200,
    );
    await new Promise((r) => setTimeout(r, 1600));
    expect((await server.request('GET', '/api/v1/auth/me', { auth: body.secret })).status).toBe(
      401,
    );
  });

  it('only admins create keys', async () => {
    const { body } = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'analyst-key', role: 'analyst' },
    });
    const res = await server.request('POST', '/api/v1/apikeys', {
      auth: body.secret,
      body: { name: 'escalate', role: 'admin' },
    });
    expect(res.status).toBe(403);
  });
});

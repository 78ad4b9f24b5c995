import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => server.stop());

describe('users', () => {
  it('an admin creates an analyst, who can log in; the change is audited with the admin name', async () => {
    const created = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: {
        username: 'Meena',
        displayName: 'Meena Iyer',
        role: 'analyst',
        department: 'IT cell',
        password: 'analyst-password-1',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'meena',
      role: 'analyst',
      department: 'IT cell',
      disabled: false,
    });
    expect(created.body).not.toHaveProperty('passwordHash');

    const session = await server.login('meena', 'analyst-password-1');
    expect((await server.request('GET', '/api/v1/auth/me', { auth: session })).body.role).toBe(
      'analyst',
    );

    const audit = await server.request('GET', '/api/v1/audit?action=user.create&limit=5', {
      auth: admin,
    });
    expect(audit.body.entries[0]).toMatchObject({
      actorName: 'admin',
      actorKind: 'user',
      target: 'user:meena',
      details: { role: 'analyst' },
    });
  });

  it('an analyst may list users but not create them (403 naming the roles that may)', async () => {
    const analyst = await server.login('meena', 'analyst-password-1');
    expect((await server.request('GET', '/api/v1/users', { auth: analyst })).status).toBe(200);
    const res = await server.request('POST', '/api/v1/users', {
      auth: analyst,
      body: { username: 'x1', role: 'admin', password: 'whatever-whatever' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      error: 'forbidden',
      details: { role: 'analyst', allowed: ['admin'] },
    });
  });

  it('rejects bad input with 400s that say what to fix, and duplicates with 409', async () => {
    const short = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'ravi', role: 'analyst', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/at least 12 characters/);

    const role = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'ravi', role: 'superuser', password: 'long-enough-password' },
    });
    expect(role.status).toBe(400);
    expect(role.body.details).toMatchObject({
      field: 'role',
      allowed: ['admin', 'analyst', 'owner', 'auditor', 'ingest'],
    });

    const extra = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'ravi', role: 'analyst', password: 'long-enough-password', isRoot: true },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/isRoot is not a known field/);

    const dup = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'MEENA', role: 'analyst', password: 'long-enough-password' },
    });
    expect(dup.status).toBe(409);

    const notJson = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe('bad_request');
  });

  it('disabling a user ends their sessions; enabling lets them back', async () => {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'ravi', role: 'owner', password: 'owner-password-12' },
    });
    const ravi = await server.login('ravi', 'owner-password-12');
    const disabled = await server.request('PATCH', '/api/v1/users/ravi', {
      auth: admin,
      body: { disabled: true },
    });
    expect(disabled.body.disabled).toBe(true);
    expect((await server.request('GET', '/api/v1/auth/me', { auth: ravi })).status).toBe(401);
    const login = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'ravi', password: 'owner-password-12' },
    });
    expect(login.status).toBe(403);
    expect(login.body.error).toBe('account_disabled');

    await server.request('PATCH', '/api/v1/users/ravi', { auth: admin, body: { disabled: false } });
    await server.login('ravi', 'owner-password-12');
  });

  it('the last admin cannot be demoted, and nobody can disable themselves', async () => {
    const self = await server.request('PATCH', '/api/v1/users/admin', {
      auth: admin,
      body: { disabled: true },
    });
    expect(self.status).toBe(403);
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'second', role: 'analyst', password: 'second-password-1' },
    });
    const other = await server.login('second', 'second-password-1');
    expect(
      (
        await server.request('PATCH', '/api/v1/users/admin', {
          auth: other,
          body: { role: 'analyst' },
        })
      ).status,
    ).toBe(403);
  });

  it('people change their own password with the current one; admins reset others', async () => {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'asha', role: 'auditor', password: 'auditor-password-1' },
    });
    const asha = await server.login('asha', 'auditor-password-1');
    const wrong = await server.request('PUT', '/api/v1/users/asha/password', {
      auth: asha,
      body: { password: 'auditor-password-2', currentPassword: 'nope' },
    });
    expect(wrong.status).toBe(403);
    const other = await server.request('PUT', '/api/v1/users/meena/password', {
      auth: asha,
      body: { password: 'hijack-password-1' },
    });
    expect(other.status).toBe(403);
    const ok = await server.request('PUT', '/api/v1/users/asha/password', {
      auth: asha,
      body: { password: 'auditor-password-2', currentPassword: 'auditor-password-1' },
    });
    expect(ok.status).toBe(204);
    await server.login('asha', 'auditor-password-2');
    const reset = await server.request('PUT', '/api/v1/users/asha/password', {
      auth: admin,
      body: { password: 'auditor-password-3' },
    });
    expect(reset.status).toBe(204);
    await server.login('asha', 'auditor-password-3');
  });

  it('answers an unknown user with 404', async () => {
    const res = await server.request('GET', '/api/v1/users/nobody', { auth: admin });
    expect(res).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: "There is no user 'nobody'." },
    });
  });
});

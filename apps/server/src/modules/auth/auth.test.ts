import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;

describe('logging in and out', () => {
  beforeEach(async () => {
    server = await startTestServer({
      'auth.maxFailedLogins': 3,
      'auth.loginRateLimitPerMinute': 6,
    });
  });
  afterEach(() => server.stop());

  it('logs in with the first-start admin password and sets a strict, HttpOnly session cookie', async () => {
    expect(server.initialAdmin).toEqual({
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      generated: false,
    });
    const res = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ kind: 'user', name: 'admin', role: 'admin' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^prahari_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Expires=/);

    const session = cookie.split(';')[0]!;
    const me = await server.request('GET', '/api/v1/auth/me', { auth: session });
    expect(me.body).toMatchObject({ name: 'admin', role: 'admin' });
  });

  it('answers a wrong password with 401 and records the attempt in the audit trail', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'guess-guess-guess' },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthenticated', message: 'Wrong username or password.' });

    const unknown = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'mallory', password: 'x' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe(res.body.message);

    const admin = await server.login('admin', TEST_ADMIN_PASSWORD);
    const audit = await server.request('GET', '/api/v1/audit?action=auth.login', { auth: admin });
    const failures = audit.body.entries.filter((e: { outcome: string }) => e.outcome === 'failure');
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorKind: 'anonymous',
          actorName: 'admin',
          target: 'user:admin',
          details: { reason: 'wrong password', failedLogins: 1 },
        }),
        expect.objectContaining({ actorName: 'mallory', details: { reason: 'unknown user' } }),
      ]),
    );
    expect(failures[0].ip).toBe('127.0.0.1');
  });

  it('locks an account after repeated failures and says so, even to the right password', async () => {
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await server.request('POST', '/api/v1/auth/login', {
            body: { username: 'admin', password: 'wrong-wrong-1' },
          })
        ).status,
      ).toBe(401);
    }
    const third = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'wrong-wrong-1' },
    });
    expect(third.status).toBe(403);
    expect(third.body.error).toBe('account_locked');
    expect(third.body.message).toMatch(/locked after too many failed logins until/);

    const right = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(right.status).toBe(403);
    expect(right.body.error).toBe('account_locked');
  });

  it('rate-limits login attempts per address with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (
          await server.request('POST', '/api/v1/auth/login', {
            body: { username: `nobody${i}`, password: 'x' },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    const limited = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'x' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error: 'too_many_requests',
      message: expect.stringMatching(/Too many requests/),
    });
  });

  it('logout ends the session', async () => {
    const session = await server.login('admin', TEST_ADMIN_PASSWORD);
    expect((await server.request('POST', '/api/v1/auth/logout', { auth: session })).status).toBe(
      204,
    );
    const after = await server.request('GET', '/api/v1/auth/me', { auth: session });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/session has expired/);
  });

  it('refuses a malformed login body with a 400 naming the field', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toMatch(/password is required/);
    expect(res.body.details.fields).toEqual([
      expect.objectContaining({ in: 'body', field: 'password' }),
    ]);
  });
});

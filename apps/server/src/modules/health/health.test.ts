import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ 'server.bodyLimitBytes': 4096 });
});
afterAll(() => server.stop());

describe('operations endpoints', () => {
  it('/healthz and /readyz answer without a login', async () => {
    expect(await server.request('GET', '/healthz')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await server.request('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', store: 'reachable', pendingMigrations: [] },
    });
  });

  it('/metrics serves Prometheus text with process and HTTP request figures', async () => {
    await server.request('GET', '/healthz');
    const res = await server.request('GET', '/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^# HELP prahari_process_cpu_user_seconds_total/m);
    expect(res.body).toMatch(
      /prahari_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(res.body).toMatch(/prahari_http_request_duration_seconds_bucket/);
  });

  it('serves an OpenAPI 3 document listing every /api/v1 route with its security', async () => {
    const res = await server.request('GET', '/api/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users',
        '/api/v1/apikeys',
        '/api/v1/audit',
        '/api/v1/audit/verify',
      ]),
    );
    expect(res.body.components.securitySchemes).toHaveProperty('apiKey');
    expect((await server.request('GET', '/api/docs')).status).toBeLessThan(400);
  });

  it('unknown API routes need a login, then answer 404 in the error shape', async () => {
    expect((await server.request('GET', '/api/v1/nothing-here')).status).toBe(401);
    const admin = await server.login('admin', TEST_ADMIN_PASSWORD);
    const res = await server.request('GET', '/api/v1/nothing-here', { auth: admin });
    expect(res).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'There is no route GET /api/v1/nothing-here.' },
    });
  });

  it('refuses a body over the limit with 413', async () => {
    const admin = await server.login('admin', TEST_ADMIN_PASSWORD);
    const res = await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'big', role: 'analyst', password: 'x'.repeat(8000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });
});

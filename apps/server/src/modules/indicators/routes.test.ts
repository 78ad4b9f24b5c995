/**
 * The /indicators routes over real HTTP (`inject`) and a real SQLite store, in an app put together
 * the way buildApp does it: same validation options, error handlers, and the real access checks
 * (registerAuth), with API keys resolved by a stand-in so each role can be tried.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, ROLES, type Principal } from '@prahari/core';
import { Store } from '@prahari/store';
import { registerAuth } from '../../http/auth.js';
import { errorHandler, notFoundHandler } from '../../http/errors.js';
import type { ApiKeyService } from '../apikeys/service.js';
import { AuditService } from '../audit/service.js';
import type { AuthService } from '../auth/service.js';
import { indicatorRoutes } from './routes.js';
import { IndicatorService } from './service.js';

let store: Store;
let app: FastifyInstance;
let service: IndicatorService;

beforeAll(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  const clock = new ManualClock('2026-11-25T10:00:00.000Z');
  service = new IndicatorService(store.indicators, new AuditService(store.audit, clock), clock);
  await service.refresh();

  app = Fastify({
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(cookie);
  // A key named after a role is a caller with that role.
  const apiKeys = {
    authenticate: (key: string): Promise<Principal | null> =>
      Promise.resolve(
        (ROLES as readonly string[]).includes(key)
          ? { kind: 'apikey', id: key, name: `${key}-key`, role: key as Principal['role'] }
          : null,
      ),
  };
  registerAuth(app, {
    auth: { authenticateSession: () => Promise.resolve(null) } as unknown as AuthService,
    apiKeys: apiKeys as unknown as ApiKeyService,
  });
  await app.register(swagger, {
    openapi: { openapi: '3.0.3', info: { title: 't', version: '0' } },
  });
  await app.register(
    async (api) => {
      await api.register(indicatorRoutes(service));
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
});

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  role: string | null,
  body?: unknown,
) {
  const res = await app.inject({
    method,
    url: `/api/v1${url}`,
    headers: role ? { authorization: `Bearer ${role}` } : {},
    ...(body !== undefined && { payload: body as object }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.statusCode, body: res.json<any>() };
}

describe('/api/v1/indicators', () => {
  it('adds one object or an array, detecting types, and the matcher picks them up', async () => {
    const one = await call('POST', '/indicators', 'analyst', {
      value: 'evil.example',
      source: 'cert-in',
      tlp: 'red',
      description: 'C2 domain',
    });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ added: 1, updated: 0 });
    expect(one.body.indicators[0]).toMatchObject({
      type: 'domain',
      value: 'evil.example',
      source: 'cert-in',
      tlp: 'red',
      createdBy: 'analyst-key',
    });
    const many = await call('POST', '/indicators', 'admin', [
      { value: '203.0.113.7', expiresAt: '30d' },
      { value: '198.51.100.0/24', type: 'cidr' },
      { value: 'ce9f70e104c07d92fc05fbd6000839fd6a87ff010e706396f87dd679244ed97b' },
    ]);
    expect(many.status).toBe(201);
    expect(many.body.indicators.map((i: { type: string }) => i.type)).toEqual([
      'ip',
      'cidr',
      'hash',
    ]);
    expect(many.body.indicators[0].expiresAt).toBe('2026-12-25T10:00:00.000Z');
    expect(
      service.matcher().match({ fields: { query: 'x.evil.example' }, sourceIp: '198.51.100.9' }),
    ).toHaveLength(2);
  });

  it('answers 400 naming the wrong item and field, for the service’s checks and the schema’s', async () => {
    const bad = await call('POST', '/indicators', 'analyst', [
      { value: 'good.example' },
      { value: '300.1.1.1', type: 'ip' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_request');
    expect(bad.body.message).toContain(
      "items[1].value: '300.1.1.1' is not an IPv4 or IPv6 address",
    );
    expect(bad.body.details.errors).toEqual([
      { index: 1, field: 'value', reason: expect.stringContaining('300.1.1.1') },
    ]);
    const unknownField = await call('POST', '/indicators', 'analyst', {
      value: 'a.example',
      color: 'red',
    });
    expect(unknownField.status).toBe(400);
    const badTlp = await call('POST', '/indicators', 'analyst', {
      value: 'a.example',
      tlp: 'purple',
    });
    expect(badTlp.status).toBe(400);
    expect((await call('GET', '/indicators?q=good', 'analyst')).body.indicators).toEqual([]);
  });

  it('imports text and CSV, all or nothing, with a dry run', async () => {
    const csv =
      'value,type,tlp,description\n"bad.test",domain,amber,"dropper, stage 2"\n10.9.9.9,ip,,\n';
    const dry = await call('POST', '/indicators/import', 'analyst', {
      format: 'csv',
      text: `${csv}nonsense value,,,\n`,
      source: 'isac',
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      imported: false,
      valid: 2,
      added: 2,
      errorCount: 1,
    });
    expect(dry.body.errors[0]).toMatchObject({ line: 4, field: 'value', value: 'nonsense value' });

    const refused = await call('POST', '/indicators/import', 'analyst', {
      format: 'csv',
      text: `${csv}nonsense value,,,\n`,
      source: 'isac',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(
      /nothing was imported \(an import is all or nothing\): line 4:/,
    );
    expect(refused.body.details).toMatchObject({ imported: false, errorCount: 1 });
    expect((await call('GET', '/indicators?source=isac', 'analyst')).body.indicators).toEqual([]);

    const ok = await call('POST', '/indicators/import', 'analyst', {
      format: 'csv',
      text: csv,
      source: 'isac',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ imported: true, added: 2, updated: 0 });
    const text = await call('POST', '/indicators/import', 'admin', {
      format: 'text',
      text: '# list\nbad.test\n192.0.2.1\n',
      source: 'isac',
      tlp: 'green',
    });
    expect(text.body).toMatchObject({ imported: true, added: 1, updated: 1 });
    const listed = await call('GET', '/indicators?source=isac', 'auditor');
    expect(listed.body.indicators.map((i: { value: string }) => i.value).sort()).toEqual([
      '10.9.9.9',
      '192.0.2.1',
      'bad.test',
    ]);
  });

  it('lists with filters and pages', async () => {
    const ips = await call('GET', '/indicators?type=ip&active=true&limit=1', 'auditor');
    expect(ips.status).toBe(200);
    expect(ips.body.indicators).toHaveLength(1);
    expect(ips.body.nextCursor).toEqual(expect.any(String));
    const next = await call(
      'GET',
      `/indicators?type=ip&limit=100&cursor=${ips.body.nextCursor}`,
      'auditor',
    );
    expect(next.body.indicators.length).toBeGreaterThan(0);
    expect(next.body.indicators[0].id > ips.body.indicators[0].id).toBe(true);
    expect((await call('GET', '/indicators?active=false', 'auditor')).body.indicators).toEqual([]);
    expect((await call('GET', '/indicators?type=mutex', 'auditor')).status).toBe(400);
  });

  it('deletes: 200 with what was deleted, then 404', async () => {
    const { body } = await call('GET', '/indicators?q=203.0.113.7', 'analyst');
    const id = body.indicators[0].id as string;
    const del = await call('DELETE', `/indicators/${id}`, 'analyst');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id, value: '203.0.113.7' });
    expect(
      service.matcher().match({ fields: { 'source.ip': '203.0.113.7' }, sourceIp: null }),
    ).toEqual([]);
    const again = await call('DELETE', `/indicators/${id}`, 'analyst');
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`There is no indicator '${id}'.`);
  });

  it('lets admin, analyst and auditor read; only admin and analyst change; nobody anonymous', async () => {
    for (const role of ['admin', 'analyst', 'auditor'])
      expect((await call('GET', '/indicators', role)).status).toBe(200);
    for (const role of ['owner', 'ingest']) {
      const res = await call('GET', '/indicators', role);
      expect(res.status).toBe(403);
      expect(res.body.message).toContain('admin, analyst, auditor');
    }
    expect((await call('GET', '/indicators', null)).status).toBe(401);
    for (const [method, url, body] of [
      ['POST', '/indicators', { value: 'x.example' }],
      ['POST', '/indicators/import', { format: 'text', text: 'x.example', source: 's' }],
      ['DELETE', '/indicators/whatever', undefined],
    ] as const) {
      expect((await call(method, url, 'auditor', body)).status).toBe(403);
      expect((await call(method, url, 'owner', body)).status).toBe(403);
    }
  });

  it('documents the routes under the detection tag', () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/indicators',
      '/api/v1/indicators/import',
      '/api/v1/indicators/{id}',
    ]);
    expect(doc.paths['/api/v1/indicators/import']!.post!.tags).toEqual(['detection']);
  });
});

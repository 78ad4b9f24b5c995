/** /assets, /services and /asset-edges in a real server, with people of each role logged in. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;
let water: string;
let auditor: string;

const PASSWORD = 'a-long-password-1';

beforeAll(async () => {
  server = await startTestServer({ 'ingest.syslog.tcpPort': 0, 'ingest.syslog.udpPort': 0 });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const [username, role] of [
    ['water', 'owner'],
    ['traffic', 'owner'],
    ['audrey', 'auditor'],
  ])
    expect(
      (
        await server.request('POST', '/api/v1/users', {
          auth: admin,
          body: { username, role, password: PASSWORD },
        })
      ).status,
    ).toBe(201);
  water = await server.login('water', PASSWORD);
  auditor = await server.login('audrey', PASSWORD);
  const city = [
    '[assets]',
    'name,kind,zone,owner,criticality,ips',
    'scada-water-01,scada_server,ot,water,5,10.20.0.10',
    'plc-pump-ws3-01,plc_rtu,ot,water,5,10.20.3.11',
    'signal-jn-07,traffic_controller,iot,traffic,4,10.30.7.5',
    'core-switch,network_device,it,,5,10.10.0.1',
    '[services]',
    'name,citizen_impact,owner',
    'Water supply,5,water',
    'Traffic management,4,traffic',
    '[edges]',
    'from,to,type,time_to_impact',
    'plc-pump-ws3-01,scada-water-01,depends_on,60',
    'scada-water-01,core-switch,network_via,',
    'scada-water-01,Water supply,supports,',
    'signal-jn-07,Traffic management,supports,',
  ].join('\n');
  const res = await server.request('POST', '/api/v1/assets/import', {
    auth: admin,
    body: { format: 'csv', text: city },
  });
  expect(res.status).toBe(200);
}, 60_000);
afterAll(() => server.stop());

describe('/api/v1/assets over HTTP', () => {
  it('lists with filters and pages with a cursor', async () => {
    const ot = await server.request('GET', '/api/v1/assets?zone=ot&minCriticality=5', {
      auth: admin,
    });
    expect(ot.status).toBe(200);
    expect(ot.body.assets.map((a: { name: string }) => a.name)).toEqual([
      'plc-pump-ws3-01',
      'scada-water-01',
    ]);
    const page = await server.request('GET', '/api/v1/assets?limit=2', { auth: admin });
    expect(page.body.nextCursor).toBe('plc-pump-ws3-01');
    const next = await server.request(
      'GET',
      `/api/v1/assets?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`,
      { auth: admin },
    );
    expect(next.body.assets.map((a: { name: string }) => a.name)).toEqual([
      'scada-water-01',
      'signal-jn-07',
    ]);
    const byOwner = await server.request('GET', '/api/v1/assets?owner=traffic', { auth: admin });
    expect(byOwner.body.assets.map((a: { name: string }) => a.name)).toEqual(['signal-jn-07']);
    const q = await server.request('GET', '/api/v1/assets?q=10.20.', { auth: auditor });
    expect(q.body.assets).toHaveLength(2);
  });

  it('shows one asset by name with its addresses, edges both ways and services', async () => {
    const res = await server.request('GET', '/api/v1/assets/scada-water-01', { auth: admin });
    expect(res.status).toBe(200);
    expect(res.body.asset).toMatchObject({
      ownerName: 'water',
      criticality: 5,
      ips: ['10.20.0.10'],
    });
    expect(res.body.addresses).toEqual([{ type: 'ip', value: '10.20.0.10', label: null }]);
    expect(res.body.edgesIn).toEqual([
      expect.objectContaining({
        fromName: 'plc-pump-ws3-01',
        type: 'depends_on',
        timeToImpactMinutes: 60,
      }),
    ]);
    expect(res.body.edgesOut.map((e: { toName: string }) => e.toName)).toEqual([
      'core-switch',
      'Water supply',
    ]);
    expect(res.body.services.map((s: { name: string }) => s.name)).toEqual(['Water supply']);
    expect((await server.request('GET', '/api/v1/assets/nope', { auth: admin })).status).toBe(404);
  });

  it('lets an owner see only their assets, edges and services, and change only description and location', async () => {
    const list = await server.request('GET', '/api/v1/assets', { auth: water });
    expect(list.status).toBe(200);
    expect(list.body.assets.map((a: { name: string }) => a.name)).toEqual([
      'plc-pump-ws3-01',
      'scada-water-01',
    ]);
    const theirs = await server.request('GET', '/api/v1/assets/signal-jn-07', { auth: water });
    expect(theirs.status).toBe(403);
    expect(theirs.body.message).toMatch(/is not yours/);
    const services = await server.request('GET', '/api/v1/services', { auth: water });
    expect(services.body.services.map((s: { name: string }) => s.name)).toEqual(['Water supply']);
    expect(
      (await server.request('GET', '/api/v1/services/Traffic%20management', { auth: water }))
        .status,
    ).toBe(403);
    const edges = await server.request('GET', '/api/v1/asset-edges', { auth: water });
    expect(edges.body.edges).toHaveLength(3);

    const edit = await server.request('PATCH', '/api/v1/assets/scada-water-01', {
      auth: water,
      body: { description: 'Geo SCADA at the WTP', site: 'Water treatment plant' },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.asset).toMatchObject({ description: 'Geo SCADA at the WTP' });
    const lower = await server.request('PATCH', '/api/v1/assets/scada-water-01', {
      auth: water,
      body: { criticality: 1 },
    });
    expect(lower.status).toBe(403);
    expect(lower.body.details).toEqual({
      fields: ['criticality'],
      allowed: ['description', 'ward', 'site', 'latitude', 'longitude'],
    });
    for (const [method, path, body] of [
      ['POST', '/api/v1/assets', { name: 'x', kind: 'server' }],
      ['POST', '/api/v1/asset-edges', { from: 'a', to: 'b', type: 'depends_on' }],
      ['POST', '/api/v1/services', { name: 'x', citizenImpact: 1 }],
      ['POST', '/api/v1/assets/scada-water-01/retire', {}],
      ['DELETE', '/api/v1/assets/scada-water-01', undefined],
    ] as const)
      expect((await server.request(method, path, { auth: water, body })).status).toBe(403);
    const audit = await server.request('GET', '/api/v1/audit?action=asset.update', { auth: admin });
    expect(audit.body.entries[0]).toMatchObject({
      actorName: 'water',
      target: 'asset:scada-water-01',
      details: {
        changes: {
          description: { before: null, after: 'Geo SCADA at the WTP' },
          site: { before: null, after: 'Water treatment plant' },
        },
      },
    });
  });

  it('lets an auditor read and not change', async () => {
    expect((await server.request('GET', '/api/v1/asset-edges', { auth: auditor })).status).toBe(
      200,
    );
    expect(
      (
        await server.request('PATCH', '/api/v1/assets/core-switch', {
          auth: auditor,
          body: { description: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('adds, confirms and retires over HTTP, with 400s that name the field', async () => {
    const bad = await server.request('POST', '/api/v1/assets', {
      auth: admin,
      body: { name: 'x', kind: 'server', criticality: 9 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request', details: { field: 'criticality' } });
    const unknown = await server.request('POST', '/api/v1/assets', {
      auth: admin,
      body: { name: 'x', kind: 'server', critcality: 3 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('critcality');
    const found = await server.request('POST', '/api/v1/assets', {
      auth: admin,
      body: { name: '10.30.7.99', kind: 'other', status: 'discovered', ips: ['10.30.7.99'] },
    });
    expect(found.status).toBe(201);
    const ok = await server.request('POST', `/api/v1/assets/${found.body.asset.id}/confirm`, {
      auth: admin,
      body: { name: 'cam-ward07-jn-09', kind: 'camera', criticality: 2 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.asset).toMatchObject({ name: 'cam-ward07-jn-09', status: 'active' });
    const retired = await server.request('POST', '/api/v1/assets/cam-ward07-jn-09/retire', {
      auth: admin,
    });
    expect(retired.status).toBe(200);
    expect(retired.body.asset.status).toBe('retired');
  });

  it('adds edges with checks, and imports all or nothing with line and field errors', async () => {
    const edge = await server.request('POST', '/api/v1/asset-edges', {
      auth: admin,
      body: {
        from: 'signal-jn-07',
        to: 'core-switch',
        type: 'network_via',
        redundancy: 'uplinks:2',
      },
    });
    expect(edge.status).toBe(201);
    expect(edge.body.warnings).toEqual([
      "redundancy group 'uplinks' of 'signal-jn-07' needs 2 of its edges up but has 1 so far: add the other paths, or 'signal-jn-07' fails when any of these does",
    ]);
    const dup = await server.request('POST', '/api/v1/asset-edges', {
      auth: admin,
      body: { from: 'signal-jn-07', to: 'core-switch', type: 'network_via' },
    });
    expect(dup.status).toBe(409);
    const patched = await server.request('PATCH', `/api/v1/asset-edges/${edge.body.edge.id}`, {
      auth: admin,
      body: { redundancyK: 1, timeToImpactMinutes: 5 },
    });
    expect(patched.body).toMatchObject({
      warnings: [],
      edge: { redundancyK: 1, timeToImpactMinutes: 5 },
    });

    const csv = 'name,kind,criticality\nok-1,server,3\nbad-1,toaster,3\n';
    const dry = await server.request('POST', '/api/v1/assets/import', {
      auth: admin,
      body: { format: 'csv', text: csv, dryRun: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.body.errors).toEqual([
      expect.objectContaining({ line: 3, record: 'asset', field: 'kind', value: 'toaster' }),
    ]);
    const real = await server.request('POST', '/api/v1/assets/import', {
      auth: admin,
      body: { format: 'csv', text: csv },
    });
    expect(real.status).toBe(400);
    expect(real.body.details.errors[0]).toMatchObject({ line: 3, field: 'kind' });
    expect((await server.request('GET', '/api/v1/assets/ok-1', { auth: admin })).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await server.request('GET', '/api/docs/json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/assets',
        '/api/v1/assets/{id}',
        '/api/v1/assets/import',
        '/api/v1/services',
        '/api/v1/asset-edges',
      ]),
    );
  });
});

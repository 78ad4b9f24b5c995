import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

async function post(path: string, body: unknown): Promise<void> {
  const res = await server.request('POST', path, { auth: admin, body });
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(201);
}

/**
 * Ward 12's water: the pumping station needs its PLC, the PLC is run from the SCADA server (it
 * keeps its last program for 30 minutes), and the station has two power feeders, either enough.
 */
beforeAll(async () => {
  server = await startTestServer({
    'ingest.syslog.tcpEnabled': false,
    'ingest.syslog.udpEnabled': false,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const a of [
    { name: 'SCADA server', kind: 'scada_server', zone: 'ot', criticality: 5, ips: ['10.20.0.5'] },
    { name: 'PLC pumping station 3', kind: 'plc_rtu', zone: 'ot', criticality: 5 },
    { name: 'Pumping station 3', kind: 'other', zone: 'ot', criticality: 5 },
    { name: 'Feeder A', kind: 'power_feeder', zone: 'ot', criticality: 4 },
    { name: 'Feeder B', kind: 'power_feeder', zone: 'ot', criticality: 4 },
  ])
    await post('/api/v1/assets', a);
  await post('/api/v1/services', {
    name: 'Water supply ward 12',
    citizenImpact: 5,
    populationServed: 48000,
    mtdMinutes: 240,
  });
  for (const e of [
    {
      from: 'PLC pumping station 3',
      to: 'SCADA server',
      type: 'data_from',
      timeToImpactMinutes: 30,
    },
    { from: 'Pumping station 3', to: 'PLC pumping station 3', type: 'depends_on' },
    { from: 'Pumping station 3', to: 'Feeder A', type: 'powered_by', redundancy: 'power:1' },
    { from: 'Pumping station 3', to: 'Feeder B', type: 'powered_by', redundancy: 'power:1' },
    { from: 'Pumping station 3', to: 'Water supply ward 12', type: 'supports' },
  ])
    await post('/api/v1/asset-edges', e);
});
afterAll(() => server.stop());

describe('what happens if the SCADA server is compromised', () => {
  it('names everything affected, when, and why', async () => {
    const res = await server.request(
      'GET',
      `/api/v1/impact/blast-radius?asset=${encodeURIComponent('SCADA server')}`,
      { auth: admin },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byName = new Map(
      (res.body.affected as { id: string; name: string; at: number; path?: unknown[] }[]).map(
        (a) => [a.name, a],
      ),
    );
    expect(byName.get('SCADA server')!.at).toBe(0);
    expect(byName.get('PLC pumping station 3')!.at).toBe(30);
    expect(byName.get('Pumping station 3')!.at).toBe(30);
    expect(byName.get('Water supply ward 12')!.at).toBe(30);
    expect(byName.get('Water supply ward 12')!.path).toHaveLength(3);
    expect(byName.has('Feeder A')).toBe(false);
    expect(res.body.servicesAffected).toBe(1);

    const short = await server.request(
      'GET',
      `/api/v1/impact/blast-radius?asset=${encodeURIComponent('SCADA server')}&paths=false`,
      { auth: admin },
    );
    const water = short.body.affected.find(
      (a: { name: string }) => a.name === 'Water supply ward 12',
    );
    expect(water.path).toBeUndefined();
    expect(water.cause.dependency).toBe(byName.get('Pumping station 3')!.id);
  });

  it('lets the station survive one feeder, thanks to the other', async () => {
    const res = await server.request('GET', '/api/v1/impact/blast-radius?asset=Feeder%20A', {
      auth: admin,
    });
    expect(res.body.affected.map((a: { name: string }) => a.name)).toEqual(['Feeder A']);
    expect(res.body.survived[0]).toMatchObject({ name: 'Pumping station 3', working: 1 });
  });

  it('runs a drill with the timeline and the maximum tolerable downtime', async () => {
    const res = await server.request('POST', '/api/v1/impact/what-if', {
      auth: admin,
      body: { failed: [{ asset: 'SCADA server', reason: 'ransomware' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.firstMtdExceededAt).toBe(270);
    const texts = (res.body.timeline as { text: string }[]).map((t) => t.text).join('\n');
    expect(texts).toMatch(/t=30 min Pumping station 3/);
    expect(res.body.timelineTotal).toBe(res.body.timeline.length);
  });

  it('ranks single points of failure: not the feeders', async () => {
    const res = await server.request('GET', '/api/v1/impact/spof', { auth: admin });
    const names = (res.body as { name: string }[]).map((s) => s.name).sort();
    expect(names).toEqual(['PLC pumping station 3', 'Pumping station 3', 'SCADA server']);
  });

  it('explains the riskiest assets, with their open alerts', async () => {
    const res = await server.request('GET', '/api/v1/impact/risk?limit=3', { auth: admin });
    expect(res.body).toHaveLength(3);
    expect(res.body[0].components.downstream.value).toBeGreaterThan(0);
    expect(res.body[0].openAlerts).toBeNull();
  });

  it('says which name it does not know', async () => {
    const res = await server.request('GET', '/api/v1/impact/blast-radius?asset=Nowhere', {
      auth: admin,
    });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain("'Nowhere'");
  });
});

describe('the dependency graph to draw', () => {
  const graph = (query: string) =>
    server.request('GET', `/api/v1/impact/graph${query}`, { auth: admin });

  it('gives a small register whole', async () => {
    const res = await graph('');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.complete).toBe(true);
    expect(res.body.total).toEqual({ assets: 5, services: 1, edges: 5 });
    expect(res.body.nodes.map((n: { name: string }) => n.name).sort()).toEqual([
      'Feeder A',
      'Feeder B',
      'PLC pumping station 3',
      'Pumping station 3',
      'SCADA server',
      'Water supply ward 12',
    ]);
    const scada = res.body.nodes.find((n: { name: string }) => n.name === 'SCADA server');
    expect(scada).toMatchObject({ kind: 'asset', assetKind: 'scada_server', zone: 'ot' });
    expect(res.body.edges).toContainEqual(
      expect.objectContaining({ type: 'data_from', timeToImpactMinutes: 30, redundancy: null }),
    );
  });

  it('gives the neighbourhood of an asset by name, and nothing of a register above the limit', async () => {
    const near = await graph(`?around=${encodeURIComponent('SCADA server')}&hops=1`);
    expect(near.body.nodes.map((n: { name: string; hops: number }) => [n.name, n.hops])).toEqual([
      ['SCADA server', 0],
      ['PLC pumping station 3', 1],
    ]);
    expect(near.body.edges).toHaveLength(1);
    const big = await graph('?limit=3');
    expect(big.body).toMatchObject({ nodes: [], complete: false });
    const unknown = await graph('?around=Nowhere');
    expect(unknown.status).toBe(404);
  });
});

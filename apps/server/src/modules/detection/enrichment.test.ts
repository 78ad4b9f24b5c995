import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';
import { severityOf } from './evaluation.js';

let server: TestServer;
let admin: string;
let ingestKey: string;

const MODBUS_WRITE_RULE = `title: Test Modbus write
id: 6d1f0c2e-8a3b-4c5d-9e0f-1a2b3c4d5e01
status: test
level: medium
logsource:
  product: zeek
  service: modbus
detection:
  selection:
    func|startswith: WRITE_
  condition: selection
`;

function modbusWrite(dst: string, src: string): string {
  return JSON.stringify({
    _path: 'modbus',
    ts: Date.now() / 1000,
    uid: 'C1',
    'id.orig_h': src,
    'id.orig_p': 50000,
    'id.resp_h': dst,
    'id.resp_p': 502,
    func: 'WRITE_SINGLE_REGISTER',
  });
}

async function user(name: string, role: string): Promise<string> {
  const password = `${name}-password-123`;
  const res = await server.request('POST', '/api/v1/users', {
    auth: admin,
    body: { username: name, displayName: name, role, password },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return server.login(name, password);
}

beforeAll(async () => {
  server = await startTestServer({
    'ingest.syslog.tcpEnabled': false,
    'ingest.syslog.udpEnabled': false,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'c', role: 'ingest' },
    })
  ).body.secret;
  expect(
    (
      await server.request('POST', '/api/v1/rules', {
        auth: admin,
        body: { yaml: MODBUS_WRITE_RULE },
      })
    ).status,
  ).toBe(201);
});
afterAll(() => server.stop());

describe('alerts carry the asset they concern', () => {
  it('weighs the level by criticality: a write to a water PLC outranks one on a test bench', async () => {
    const water = await user('waterowner', 'owner');
    const other = await user('trafficowner', 'owner');
    for (const asset of [
      {
        name: 'PLC pumping station 3',
        kind: 'plc_rtu',
        zone: 'ot',
        criticality: 5,
        ips: ['10.20.3.10'],
        owner: 'waterowner',
      },
      { name: 'Lab PLC bench', kind: 'plc_rtu', zone: 'ot', criticality: 1, ips: ['10.99.0.10'] },
    ]) {
      const res = await server.request('POST', '/api/v1/assets', { auth: admin, body: asset });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await server.assets.directory.refresh({ force: true });
    const res = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: [modbusWrite('10.20.3.10', '10.50.0.7'), modbusWrite('10.99.0.10', '10.50.0.8')].join(
        '\n',
      ),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    await server.detection.whenCaughtUp();
    const list = (
      await server.request('GET', '/api/v1/alerts?rule=6d1f0c2e-8a3b-4c5d-9e0f-1a2b3c4d5e01', {
        auth: admin,
      })
    ).body as {
      asset: { name: string; criticality: number } | null;
      severity: string;
      level: string;
    }[];
    const plc = list.find((a) => a.asset?.name === 'PLC pumping station 3')!;
    const bench = list.find((a) => a.asset?.name === 'Lab PLC bench')!;
    expect(plc).toMatchObject({ level: 'medium', severity: 'high', asset: { criticality: 5 } });
    // The sensor that forwarded the log is no party to it: the alert names the event's own source
    // and no host, so a playbook cannot block the sensor, nor group every attack it saw as one.
    expect(plc).toMatchObject({ sourceIp: '10.50.0.7', hostName: null });
    expect(bench).toMatchObject({ level: 'medium', severity: 'low', asset: { criticality: 1 } });

    // the water department's owner sees the alert on their PLC, and only that
    const mine = (await server.request('GET', '/api/v1/alerts', { auth: water })).body as {
      asset: { name: string };
    }[];
    // (the city rule for unlisted SCADA clients fires on the same write)
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(new Set(mine.map((a) => a.asset.name))).toEqual(new Set(['PLC pumping station 3']));
    expect((await server.request('GET', '/api/v1/alerts', { auth: other })).body).toEqual([]);
    // so does a script with an owner key an admin made for them
    const created = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'water-dept-report', role: 'owner', forUser: 'waterowner' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const viaKey = (await server.request('GET', '/api/v1/alerts', { auth: created.body.secret }))
      .body as { asset: { name: string } }[];
    expect(viaKey.map((a) => a.asset.name).sort()).toEqual(mine.map((a) => a.asset.name).sort());
    // an owner key acts for an owner, nobody else
    const wrong = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'x', role: 'owner', forUser: 'admin' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/'admin' has role admin, not owner/);
    const benchId = (
      list.find((a) => a.asset?.name === 'Lab PLC bench') as unknown as { id: string }
    ).id;
    expect((await server.request('GET', `/api/v1/alerts/${benchId}`, { auth: water })).status).toBe(
      404,
    );
    // the events themselves show the asset they concern
    const events = await server.request('GET', '/api/v1/events?q=func:WRITE_SINGLE_REGISTER', {
      auth: admin,
    });
    expect(
      (events.body.events as { asset: { name: string } | null }[]).map((e) => e.asset?.name).sort(),
    ).toEqual(['Lab PLC bench', 'PLC pumping station 3']);
    // and cannot change alerts or read rules
    expect((await server.request('GET', '/api/v1/rules', { auth: water })).status).toBe(403);
  });

  it('discovers an unknown sender as an asset awaiting confirmation', async () => {
    const res = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: '<38>1 2026-11-25T10:00:00Z cam-ward7-042 camd 1 - - motion detected',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    await server.detection.whenCaughtUp();
    const found = await server.request('GET', '/api/v1/assets?status=discovered&q=cam-ward7-042', {
      auth: admin,
    });
    expect(found.body.assets ?? found.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'discovered' })]),
    );
  });
});

describe('event histogram', () => {
  it('counts matching events per round time bucket, zeros included', async () => {
    const now = Date.now();
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 3_600_000 + 7).toISOString();
    const res = await server.request(
      'GET',
      `/api/v1/events/histogram?q=func:WRITE_SINGLE_REGISTER&from=${from}&to=${to}&buckets=12`,
      { auth: admin },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.bucketSeconds).toBe(600);
    expect(res.body.buckets.length).toBeGreaterThanOrEqual(12);
    expect(res.body.buckets.length).toBeLessThanOrEqual(13);
    expect(res.body.buckets[0].start).toMatch(/:[0-5]0:00\.000Z$/);
    expect(res.body.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(2);
    const bad = await server.request('GET', `/api/v1/events/histogram?from=${to}&to=${from}`, {
      auth: admin,
    });
    expect(bad.status).toBe(400);
  });
});

describe('severity', () => {
  it('moves one step up on criticality 5, one down on 1-2, and stays within the scale', () => {
    expect(severityOf('critical', 5)).toBe('critical');
    expect(severityOf('informational', 1)).toBe('informational');
    expect(severityOf('high', 3)).toBe('high');
    expect(severityOf('high', 4)).toBe('high');
    expect(severityOf('low', 2)).toBe('informational');
    expect(severityOf('medium', null)).toBe('medium');
  });
});

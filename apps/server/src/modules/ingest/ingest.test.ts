import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

const run = promisify(execFile);
let server: TestServer;
let admin: string;
let ingestKey: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'collector', role: 'ingest' },
    })
  ).body.secret;
});
afterAll(() => server.stop());

async function search(q: string): Promise<{
  events: { message: string; parser: string; listener: string; fields: Record<string, unknown> }[];
}> {
  const res = await server.request('GET', `/api/v1/events?q=${encodeURIComponent(q)}`, {
    auth: admin,
  });
  expect(res.status).toBe(200);
  return res.body;
}

const eve = {
  timestamp: '2026-11-25T09:15:02.123456+0530',
  event_type: 'alert',
  src_ip: '203.0.113.50',
  src_port: 51234,
  dest_ip: '10.40.2.15',
  dest_port: 502,
  proto: 'TCP',
  alert: {
    signature_id: 2024001,
    signature: 'ET SCADA Modbus write to PLC',
    severity: 1,
    category: 'Attempted Administrator Privilege Gain',
  },
};

describe('HTTP ingest', () => {
  it('stores NDJSON with an ingest key, dead-letters a bad line, and both are searchable', async () => {
    const body = `${JSON.stringify(eve)}\n{"broken": \n<38>Nov 25 09:20:01 iccc-app-1 sshd[811]: Failed password for root from 198.51.100.9 port 40022 ssh2\n`;
    const res = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted + res.body.deadLettered).toBe(3);
    expect(res.body.parsers['suricata-eve']).toBe(1);

    const alerts = await search('event_type:alert');
    expect(alerts.events).toHaveLength(1);
    expect(alerts.events[0]).toMatchObject({ parser: 'suricata-eve', listener: 'http' });
    expect((await search('"Failed password" user.name:root')).events).toHaveLength(1);

    const dead = await server.request('GET', '/api/v1/deadletters', { auth: admin });
    expect(dead.body.deadLetters.map((d: { raw: string }) => d.raw)).toContain('{"broken": ');
    expect(dead.body.deadLetters[0].reason).toEqual(expect.any(String));

    // an analyst re-reads it over HTTP with a named parser: plain text keeps it as a message
    const broken = dead.body.deadLetters.find((d: { raw: string }) => d.raw === '{"broken": ');
    const retried = await server.request('POST', '/api/v1/deadletters/retry', {
      auth: admin,
      body: { seqs: [broken.seq], parser: 'text' },
    });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ tried: 1, reprocessed: 1 });
  });

  it('accepts a gzip body and a JSON array', async () => {
    const batch = [
      { ...eve, src_ip: '203.0.113.51' },
      { ...eve, src_ip: '203.0.113.52' },
    ];
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ingestKey}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: gzipSync(JSON.stringify(batch)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 2, deadLettered: 0 });
    expect((await search('source.ip:203.0.113.5*')).events).toHaveLength(3);
  });

  it('stores a retried batch once when it carries the same Idempotency-Key', async () => {
    const send = () =>
      server.request('POST', '/api/v1/ingest', {
        auth: ingestKey,
        body: { ...eve, src_ip: '192.0.2.77' },
        headers: { 'idempotency-key': 'batch-0001' },
      });
    expect((await send()).body).toMatchObject({ accepted: 1, duplicate: false });
    expect((await send()).body).toMatchObject({ duplicate: true });
    expect((await search('source.ip:192.0.2.77')).events).toHaveLength(1);
  });

  it('keeps each sender’s Idempotency-Keys apart: two collectors counting batches the same way both store', async () => {
    const otherKey = (
      await server.request('POST', '/api/v1/apikeys', {
        auth: admin,
        body: { name: 'collector-2', role: 'ingest' },
      })
    ).body.secret;
    const send = (auth: string, ip: string) =>
      server.request('POST', '/api/v1/ingest', {
        auth,
        body: { ...eve, src_ip: ip },
        headers: { 'idempotency-key': 'batch-7' },
      });
    expect((await send(ingestKey, '192.0.2.81')).body).toMatchObject({ duplicate: false });
    const second = await send(otherKey, '192.0.2.82');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ accepted: 1, duplicate: false });
    expect((await send(otherKey, '192.0.2.82')).body).toMatchObject({ duplicate: true });
    expect((await search('source.ip:192.0.2.81 OR source.ip:192.0.2.82')).events).toHaveLength(2);
  });

  it('refuses roles that may not send events, bad parsers and bad encodings', async () => {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'aud', role: 'auditor', password: 'auditor-password-1' },
    });
    const auditor = await server.login('aud', 'auditor-password-1');
    expect(
      (await server.request('POST', '/api/v1/ingest', { auth: auditor, body: eve })).status,
    ).toBe(403);
    const badParser = await server.request('POST', '/api/v1/ingest?parser=xml', {
      auth: ingestKey,
      body: eve,
    });
    expect(badParser.status).toBe(400);
    expect(badParser.body.message).toMatch(/Parser 'xml' does not exist/);
    const badEncoding = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: 'x',
      headers: { 'content-encoding': 'br', 'content-type': 'text/plain' },
    });
    expect(badEncoding.status).toBe(400);
  });

  it('answers a malformed search with 400 pointing at the position', async () => {
    const res = await server.request(
      'GET',
      `/api/v1/events?q=${encodeURIComponent('user.name:root AND (')}`,
      { auth: admin },
    );
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ field: 'q', position: 20 });
    expect(res.body.message).toMatch(/position 21: the query ends where a term was expected/);
  });

  it('counts top values and reports ingest figures', async () => {
    const top = await server.request('GET', '/api/v1/events/top?field=parser', { auth: admin });
    expect(top.body.values[0]).toEqual({ value: 'suricata-eve', count: 6 });
    const stats = await server.request('GET', '/api/v1/ingest/stats', { auth: admin });
    expect(stats.body).toMatchObject({
      stored: expect.any(Number),
      queueDepth: 0,
      listeners: { tcpPort: expect.any(Number), udpPort: expect.any(Number) },
    });
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.body).toMatch(
      /prahari_events_stored_total\{listener="http",parser="suricata-eve"\} 6/,
    );
  });
});

describe('syslog listeners', () => {
  it('receives from util-linux logger over TCP (RFC 5424, octet counting) and UDP (RFC 3164)', async () => {
    const tcpPort = String(server.syslog.tcpPort);
    const udpPort = String(server.syslog.udpPort);
    await run('logger', [
      '--server',
      '127.0.0.1',
      '--port',
      tcpPort,
      '--tcp',
      '--rfc5424',
      '--octet-count',
      '-t',
      'nvr-ward12',
      '-p',
      'auth.warning',
      'camera 17 login failed for user admin',
    ]);
    await run('logger', [
      '--server',
      '127.0.0.1',
      '--port',
      udpPort,
      '--udp',
      '--rfc3164',
      '-t',
      'sshd',
      '-p',
      'auth.info',
      'Accepted password for ravi from 10.20.1.9 port 5122 ssh2',
    ]);
    await expect
      .poll(async () => (await search('"camera 17 login failed"')).events.length, { timeout: 5000 })
      .toBe(1);
    await expect
      .poll(async () => (await search('"Accepted password for ravi"')).events.length, {
        timeout: 5000,
      })
      .toBe(1);
    const [tcp] = (await search('"camera 17 login failed"')).events;
    expect(tcp).toMatchObject({ listener: 'syslog-tcp', parser: 'rfc5424' });
    const [udp] = (await search('"Accepted password for ravi"')).events;
    expect(udp!.listener).toBe('syslog-udp');
    expect(udp!.fields['user.name']).toBe('ravi');
  });

  it('lists an unknown sender as a discovered source', async () => {
    const sources = await server.store.sources.list();
    expect(sources.find((s) => s.name === '127.0.0.1')).toMatchObject({
      discovered: true,
      eventCount: expect.any(Number),
    });
  });
});

describe('sources', () => {
  it('naming a discovered sender adopts it; its time zone applies to times written without one', async () => {
    const bad = await server.request('POST', '/api/v1/sources', {
      auth: admin,
      body: { name: 'x', matchIp: '127.0.0.1', timezone: 'India/Pune' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Time zone 'India\/Pune' is unknown/);

    const named = await server.request('POST', '/api/v1/sources', {
      auth: admin,
      body: {
        name: 'iccc-syslog-relay',
        matchIp: '127.0.0.1',
        timezone: 'Asia/Kolkata',
        description: 'rsyslog relay in the ICCC',
      },
    });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({
      name: 'iccc-syslog-relay',
      discovered: false,
      timezone: 'Asia/Kolkata',
      eventCount: expect.any(Number),
    });
    expect(named.body.eventCount).toBeGreaterThan(0);

    const year = new Date().getUTCFullYear();
    await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: '<38>Jan  5 09:20:01 pump-station-3 sshd[811]: Failed password for operator from 198.51.100.77 port 40022 ssh2',
      headers: { 'content-type': 'text/plain' },
    });
    const [event] = (await search('user.name:operator')).events as unknown as {
      eventTime: string;
      sourceName: string;
    }[];
    expect(event!.sourceName).toBe('iccc-syslog-relay');
    expect(event!.eventTime).toMatch(
      new RegExp(`^${year}-01-05T03:50:01|^${year - 1}-01-05T03:50:01`),
    );

    const audit = await server.request('GET', '/api/v1/audit?action=source.update', {
      auth: admin,
    });
    expect(audit.body.entries[0]).toMatchObject({ actorName: 'admin', target: 'source:127.0.0.1' });
  });

  it('shows how far a source’s clock is from the arrival of its events', async () => {
    const key = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'nvr-ward-7', role: 'ingest' },
    });
    const created = await server.request('POST', '/api/v1/sources', {
      auth: admin,
      body: { name: 'nvr-ward-7', matchApiKeyId: key.body.id },
    });
    expect(created.body.clockOffsetMs).toBeNull();
    const send = (at: Date) =>
      server.request('POST', '/api/v1/ingest', {
        auth: key.body.secret,
        body: `<37>1 ${at.toISOString()} nvr-ward-7 nvrd 4 AUTH - login failed for user admin`,
        headers: { 'content-type': 'text/plain' },
      });
    const offset = async () =>
      (
        (await server.request('GET', '/api/v1/sources', { auth: admin })).body as {
          name: string;
          clockOffsetMs: number | null;
        }[]
      ).find((s) => s.name === 'nvr-ward-7')!.clockOffsetMs!;

    // India's local time written as if it were UTC: 5½ hours ahead.
    expect((await send(new Date(Date.now() + 330 * 60_000))).status).toBe(200);
    expect(Math.abs((await offset()) - 330 * 60_000)).toBeLessThan(5_000);
    // Once the clock is right, the newest event says so.
    expect((await send(new Date(Date.now() - 1_000))).status).toBe(200);
    expect(Math.abs(await offset())).toBeLessThan(5_000);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ 'ingest.maxMessageBytes': 1024 });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => server.stop());

interface StoredEvent {
  eventTime: string;
  parser: string;
  sourceName: string | null;
  message: string;
  raw: string;
  fields: Record<string, unknown>;
  flags: string[];
}

async function events(q: string): Promise<StoredEvent[]> {
  const res = await server.request('GET', `/api/v1/events?q=${encodeURIComponent(q)}`, {
    auth: admin,
  });
  expect(res.status).toBe(200);
  return res.body.events;
}

function send(body: string) {
  return server.request('POST', '/api/v1/ingest', {
    auth: admin,
    body,
    headers: { 'content-type': 'text/plain' },
  });
}

describe('HTTP ingest size limit', () => {
  it('cuts a line longer than ingest.maxMessageBytes and flags it, in the store and the archive', async () => {
    const long = `<38>Nov 25 09:20:01 portal-1 sshd[7]: Failed password for u1 from 198.51.100.1 port 22 ssh2 longline ${'x'.repeat(3000)}`;
    const json = JSON.stringify({ marker: 'longjson', padding: 'y'.repeat(3000) });
    const res = await send(`${long}\n${json}\nshort line shortline\n`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 3, deadLettered: 0 });

    const [cut] = await events('longline');
    expect(Buffer.byteLength(cut!.raw)).toBe(1024);
    expect(cut!.flags).toContain('truncated');
    expect(cut!.fields['user.name']).toBe('u1');
    // A JSON record cut short is kept as text, flagged, rather than dead-lettered.
    const [cutJson] = await events('longjson');
    expect(cutJson!.flags).toContain('truncated');
    expect(Buffer.byteLength(cutJson!.raw)).toBe(1024);
    const [short] = await events('shortline');
    expect(short!.flags).not.toContain('truncated');

    const archived = [];
    for await (const r of server.archive.export({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 3_600_000),
    })) {
      if (r.raw.includes('longline') || r.raw.includes('longjson')) archived.push(r);
    }
    expect(archived).toHaveLength(2);
    for (const r of archived) {
      expect(r.raw.length).toBe(1024);
      expect(r.flags).toEqual(['truncated']);
    }
  });
});

describe('sources named by hostname', () => {
  it('match by the parsed host.name when no named address or key does; their time zone and parser apply', async () => {
    const created = await Promise.all([
      server.request('POST', '/api/v1/sources', {
        auth: admin,
        body: { name: 'pump-station-3', matchHostname: 'Pump-Station-3', timezone: 'Asia/Kolkata' },
      }),
      server.request('POST', '/api/v1/sources', {
        auth: admin,
        body: { name: 'scada-kv', matchHostname: 'scada-gw', defaultParser: 'kv' },
      }),
    ]);
    for (const c of created) expect(c.status).toBe(201);

    const res = await send(
      [
        '<38>Nov 25 09:20:01 pump-station-3 sshd[811]: Failed password for operator from 198.51.100.77 port 40022 ssh2 byhost',
        '<38>Nov 25 09:20:01 other-host sshd[811]: Failed password for operator from 198.51.100.78 port 40022 ssh2 nohost',
        '<134>Nov 25 09:22:03 scada-gw gw: user=ravi act=write register=40001 forcedkv',
      ].join('\n'),
    );
    expect(res.body).toMatchObject({ accepted: 3 });

    const [byHost] = await events('byhost');
    expect(byHost!.sourceName).toBe('pump-station-3');
    // 09:20:01 in Asia/Kolkata, the source's zone, not the server's UTC
    expect(byHost!.eventTime).toMatch(/-11-25T03:50:01/);
    expect(byHost!.flags).toContain('timezone_assumed');

    const [other] = await events('nohost');
    // No source names it: the sender's address is discovered, and the server's zone applies.
    expect(other!.sourceName).toBe('127.0.0.1');
    expect(other!.eventTime).toMatch(/-11-25T09:20:01/);

    const [kv] = await events('forcedkv');
    expect(kv).toMatchObject({ sourceName: 'scada-kv', parser: 'kv' });
    expect(kv!.fields['register']).toBe('40001');

    const sources = await server.store.sources.list();
    expect(sources.find((s) => s.name === 'pump-station-3')).toMatchObject({ eventCount: 1 });
    expect(sources.find((s) => s.name === 'scada-kv')).toMatchObject({ eventCount: 1 });
  });

  it('give way to a source named by address', async () => {
    const named = await server.request('POST', '/api/v1/sources', {
      auth: admin,
      body: { name: 'ward-relay', matchIp: '127.0.0.1' },
    });
    expect(named.status).toBe(201);
    await send(
      '<38>Nov 25 09:20:01 pump-station-3 sshd[811]: Failed password for operator from 198.51.100.79 port 40022 ssh2 viarelay',
    );
    const [event] = await events('viarelay');
    expect(event!.sourceName).toBe('ward-relay');
    expect(event!.eventTime).toMatch(/-11-25T09:20:01/);
  });
});

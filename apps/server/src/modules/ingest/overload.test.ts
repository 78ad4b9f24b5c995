import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ 'ingest.queueMaxEvents': 1000 });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => server.stop());

const lines = (n: number, tag: string) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<38>Nov 25 09:20:01 portal-1 sshd[7]: Failed password for u${i} from 198.51.100.${i % 250} port ${i} ssh2 ${tag}`,
  ).join('\n');

/** Sends a batch far over the queue limit and returns once the writer is visibly behind. */
async function fillTheQueue(tag: string) {
  const big = server.request('POST', '/api/v1/ingest', {
    auth: admin,
    body: lines(40_000, tag),
    headers: { 'content-type': 'text/plain' },
  });
  await expect
    .poll(
      async () =>
        (await server.request('GET', '/api/v1/ingest/stats', { auth: admin })).body.queueDepth,
      {
        timeout: 20_000,
        interval: 5,
      },
    )
    .toBeGreaterThan(1000);
  // Wrapped, or awaiting this function would wait for the batch itself.
  return { big };
}

describe('overload', () => {
  it('answers 503 with Retry-After while the writer is behind, stores nothing of that batch, and catches up', async () => {
    const { big } = await fillTheQueue('bulk');
    const refused = await server.request('POST', '/api/v1/ingest', {
      auth: admin,
      body: lines(5, 'refused'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body.message).toMatch(/it was not stored/);

    expect((await big).body).toMatchObject({ accepted: 40_000 });
    expect(
      (await server.request('GET', '/api/v1/ingest/stats', { auth: admin })).body.queueDepth,
    ).toBe(0);
    expect(
      (await server.request('GET', '/api/v1/events?q=refused', { auth: admin })).body.events,
    ).toEqual([]);
  });

  it('counts UDP datagrams that arrive while the writer is full, in the stats and /metrics', async () => {
    const { big } = await fillTheQueue('bulk2');
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) =>
      socket.send('<38>udp while full', server.syslog.udpPort!, '127.0.0.1', () => resolve()),
    );
    socket.close();
    await big;
    await expect
      .poll(
        async () =>
          (await server.request('GET', '/api/v1/ingest/stats', { auth: admin })).body.udpDropped,
      )
      .toBeGreaterThanOrEqual(1);
    expect((await server.request('GET', '/metrics')).body).toMatch(
      /prahari_udp_dropped_total [1-9]/,
    );
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let certDir: string;
let server: TestServer;

beforeAll(async () => {
  // A self-signed certificate from Debian's openssl, as a city would make for a first try.
  certDir = mkdtempSync(join(tmpdir(), 'prahari-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  server = await startTestServer({
    'ingest.syslog.tlsPort': 0,
    'ingest.syslog.tlsCert': join(certDir, 'cert.pem'),
    'ingest.syslog.tlsKey': join(certDir, 'key.pem'),
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(certDir, { recursive: true, force: true });
});

describe('syslog over TLS (RFC 5425)', () => {
  it('receives octet-counted messages over TLS', async () => {
    const message =
      '<34>1 2026-11-25T10:00:00.000Z scada-gw-2 plcmon 411 ALERT - modbus write to coil 17 from 10.50.3.9';
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect(
        {
          host: '127.0.0.1',
          port: server.syslog.tlsPort!,
          ca: readFileSync(join(certDir, 'cert.pem')),
          servername: 'localhost',
        },
        () => socket.end(`${Buffer.byteLength(message)} ${message}`),
      );
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const admin = await server.login('admin', TEST_ADMIN_PASSWORD);
    await expect
      .poll(
        async () =>
          (
            await server.request(
              'GET',
              `/api/v1/events?q=${encodeURIComponent('"modbus write to coil 17"')}`,
              { auth: admin },
            )
          ).body.events,
        { timeout: 5000 },
      )
      .toEqual([expect.objectContaining({ listener: 'syslog-tls', parser: 'rfc5424' })]);
  });

  it('refuses to start with a certificate but no key, naming the setting', async () => {
    await expect(
      startTestServer({ 'ingest.syslog.tlsCert': join(certDir, 'cert.pem') }),
    ).rejects.toThrow(/ingest\.syslog\.tlsCert and ingest\.syslog\.tlsKey/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@prahari/core';
import { loadConfig, type Config } from './config/index.js';
import { startServer, type RunningServer } from './start.js';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

/** Response bodies are whatever JSON the route returns; tests assert on their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** fetch against the server; `auth` is a session cookie (`prahari_session=…`) or an API key */
  request(
    method: string,
    path: string,
    options?: { auth?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  /** logs in and returns the cookie to pass as `auth` */
  login(username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real server on an ephemeral port with a fresh data directory, for integration tests. Settings
 * may be overridden as dotted keys, like command-line flags.
 */
export async function startTestServer(
  flags: Record<string, unknown> = {},
  options: { clock?: Clock } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-test-'));
  const { config } = loadConfig({
    cwd: dataDir,
    env: {},
    flags: {
      dataDir,
      'server.port': 0,
      // Free ports, so tests never collide with each other or with a server already running here.
      'ingest.syslog.tcpPort': 0,
      'ingest.syslog.udpPort': 0,
      'ingest.syslog.tlsPort': 0,
      'server.logLevel': 'silent',
      'auth.initialAdminPassword': TEST_ADMIN_PASSWORD,
      ...flags,
    },
  });
  const server = await startServer(config, {
    logger: false,
    ...(options.clock && { clock: options.clock }),
  });

  const request: TestServer['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth?.startsWith('prk_')) headers.authorization = `Bearer ${opts.auth}`;
    else if (opts.auth) headers.cookie = opts.auth;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text (metrics, HTML)
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    ...server,
    dataDir,
    config,
    request,
    async login(username, password) {
      const res = await request('POST', '/api/v1/auth/login', { body: { username, password } });
      if (res.status !== 200)
        throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      const cookie = res.headers.get('set-cookie') ?? '';
      return cookie.split(';')[0]!;
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

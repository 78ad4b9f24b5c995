import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** what the receiver answered */
  status: number;
}

/**
 * A webhook receiver on a free local port, for tests: it records every request and answers each
 * path with the statuses queued for it (then 200), as a SOAR tool or chat bridge would.
 */
export interface TestReceiver {
  url: string;
  received: Received[];
  /** the next requests to `path` get these statuses, in order */
  answer(path: string, ...statuses: number[]): void;
  to(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const received: Received[] = [];
  const queued = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const status = queued.get(path)?.shift() ?? 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(path, ...statuses) {
      queued.set(path, [...(queued.get(path) ?? []), ...statuses]);
    },
    to: (path) => received.filter((r) => r.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Checks a request's signature the way a receiver is told to in the README: HMAC-SHA256 of
 * `<X-Prahari-Timestamp>.<body>` with the shared secret, hex, after `sha256=`.
 */
export function signatureValid(secret: string, r: Received): boolean {
  const timestamp = r.headers['x-prahari-timestamp'];
  const given = r.headers['x-prahari-signature'];
  if (typeof timestamp !== 'string' || typeof given !== 'string') return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

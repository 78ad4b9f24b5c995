/**
 * Search over a large hot store: `node packages/store/dist/bench.js` (BENCH_SEARCH_EVENTS sets the
 * size; the architecture's target is a field query over 10 million events in < 500 ms). Figures
 * only; not a test.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery } from '@prahari/core';
import type { NewEvent } from './repositories.js';
import { Store } from './store.js';

const TOTAL = Number(process.env.BENCH_SEARCH_EVENTS ?? 1_000_000);
const BATCH = 5000;
const dir = mkdtempSync(join(tmpdir(), 'prahari-search-bench-'));
const store = Store.open({ driver: 'sqlite', path: join(dir, 'bench.db') });
await store.migrate();

const start = Date.UTC(2026, 10, 1);
function event(i: number): NewEvent {
  const t = new Date(start + i * 250).toISOString();
  const kind = i % 4;
  const fields: Record<string, unknown> =
    kind === 0
      ? {
          'user.name': `user${i % 5000}`,
          'source.ip': `203.0.${(i >> 8) % 256}.${i % 256}`,
          'event.outcome': i % 10 === 0 ? 'success' : 'failure',
          'host.name': `iccc-app-${i % 40}`,
        }
      : kind === 1
        ? {
            'c-uri': `/property-tax/receipt/${i}`,
            'cs-method': i % 7 === 0 ? 'POST' : 'GET',
            'sc-status': i % 50 === 1 ? 500 : 200,
            'source.ip': `198.51.${(i >> 8) % 256}.${i % 256}`,
          }
        : kind === 2
          ? {
              'source.ip': `10.${i % 200}.${(i >> 8) % 256}.${i % 256}`,
              'destination.ip': `172.16.${i % 256}.${(i >> 3) % 256}`,
              'destination.port': [22, 80, 443, 502, 3389][i % 5],
              'event.action': 'deny',
            }
          : {
              event_type: 'alert',
              'alert.signature_id': 2_000_000 + (i % 3000),
              'source.ip': `45.33.${i % 256}.${(i >> 8) % 256}`,
            };
  return {
    receivedAt: t,
    eventTime: t,
    listener: 'syslog-tcp',
    parser: ['linux-auth', 'access-log', 'cef', 'suricata-eve'][kind]!,
    sourceIp: `10.0.0.${kind + 1}`,
    sourcePort: 514,
    sourceName: null,
    logsource: [
      { product: 'linux', service: 'sshd' },
      { category: 'webserver' },
      { category: 'firewall' },
      { product: 'suricata' },
    ][kind]!,
    message: `event ${i} ${kind === 0 ? 'Failed password for user' : kind === 1 ? 'GET receipt' : kind === 2 ? 'deny tcp' : 'ET SCAN alert'} ${i % 997}`,
    raw: `<38>raw line ${i}`,
    fields,
    flags: [],
  };
}

let t0 = performance.now();
for (let i = 0; i < TOTAL; i += BATCH) {
  await store.events.writeBatch({
    events: Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, k) => event(i + k)),
    deadLetters: [],
  });
}
const loadSeconds = (performance.now() - t0) / 1000;
console.log(
  `Search bench over ${TOTAL.toLocaleString('en-US')} stored events (written at ${Math.round(TOTAL / loadSeconds).toLocaleString('en-US')} events/s; database ${(statSync(join(dir, 'bench.db')).size / 2 ** 20).toFixed(0)} MB)`,
);

const queries: [string, string][] = [
  ['indexed field', 'user.name:user4240'],
  ['indexed field + time range (1 day)', 'source.ip:203.0.16.*'],
  ['parsed field (JSON)', 'sc-status>=500'],
  ['full text phrase', '"ET SCAN alert"'],
  ['NOT and OR', '(destination.port:3389 OR destination.port:22) NOT event.action:allow'],
];
for (const [label, q] of queries) {
  const range = label.includes('time range')
    ? {
        from: new Date(start + 86_400_000).toISOString(),
        to: new Date(start + 2 * 86_400_000).toISOString(),
      }
    : {};
  t0 = performance.now();
  const page = await store.search.search({ query: parseQuery(q), limit: 100, ...range });
  const ms = performance.now() - t0;
  console.log(
    `  ${label.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  (${page.events.length} of first page)  ${q}`,
  );
}
t0 = performance.now();
const top = await store.search.topValues(
  { query: parseQuery('category:firewall') },
  'destination.port',
  5,
);
console.log(
  `  ${'top values (firewall destination.port)'.padEnd(38)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms  (${top.length} values)`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });

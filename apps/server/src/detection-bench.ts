/**
 * Detection benchmark on a real server with the full shipped rule set (the city rules plus
 * SigmaHQ's rules for a city's logsources, imported as an operator would): alert latency from
 * receiving an event to its alert arriving on the live stream at a steady 5,000 events/s, and the
 * sustained rate with detection on as a ratio to ingest alone. Figures only; not a test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cityLines, sendTcp, waitFor } from './bench-stream.js';
import { loadConfig } from './config/index.js';
import { importRulePack } from './modules/detection/rule-import.js';
import { startServer, type RunningServer } from './start.js';

const SIGMA = fileURLToPath(new URL('../../../../shared/data/sigma', import.meta.url));
const RATE = 5_000;
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const BURST = Number(process.env.BENCH_EVENTS ?? 200_000);
const PASSWORD = 'bench-password-123';

const MARKER_RULE = `title: Bench marker login failure
id: 0b1e5c7a-2f4d-4e3b-9a61-5d8c7e2f0b01
status: test
level: high
logsource:
  product: linux
  service: sshd
detection:
  selection:
    user.name|startswith: benchmarker
  condition: selection
`;

async function serverWith(detection: boolean): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-detect-bench-'));
  if (existsSync(SIGMA))
    importRulePack({ dataDir, source: SIGMA, pack: 'sigmahq', now: new Date() });
  mkdirSync(join(dataDir, 'rules', 'bench'), { recursive: true });
  writeFileSync(join(dataDir, 'rules', 'bench', 'marker.yml'), MARKER_RULE);
  const { config } = loadConfig({
    cwd: dataDir,
    env: {},
    flags: {
      dataDir,
      'server.port': 0,
      'server.logLevel': 'error',
      'ingest.syslog.tcpPort': 0,
      'ingest.syslog.udpEnabled': false,
      'auth.initialAdminPassword': PASSWORD,
      'auth.apiRateLimitPerMinute': 100_000,
      'detection.enabled': detection,
    },
  });
  return { server: await startServer(config, { logger: false }), dataDir };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Reads the live stream; calls `onAlert` with each alert's user name and arrival time. */
async function watchStream(
  url: string,
  cookie: string,
  onAlert: (userName: string | null, at: number) => void,
): Promise<AbortController> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/alerts/stream`, {
    headers: { cookie },
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (data)
            onAlert((JSON.parse(data) as { userName: string | null }).userName, performance.now());
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return controller;
}

async function latency(): Promise<void> {
  const { server, dataDir } = await serverWith(true);
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const stream = await watchStream(server.url, cookie, (user, at) => {
      const sent = user ? sentAt.get(user) : undefined;
      if (sent !== undefined) {
        latencies.push(at - sent);
        sentAt.delete(user!);
      }
    });
    const background = cityLines(RATE * SECONDS);
    const socket = net.connect(server.syslog.tcpPort!, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const tickMs = 10;
    const perTick = (RATE * tickMs) / 1000;
    const started = performance.now();
    let sent = 0;
    let markers = 0;
    for (let tick = 0; sent < background.length; tick++) {
      const due = started + tick * tickMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const chunk = background.slice(sent, sent + perTick);
      sent += chunk.length;
      if (tick % 10 === 0) {
        // one marker every 100 ms, from its own address so each opens a new alert
        const user = `benchmarker${markers}`;
        const ip = `100.64.${markers >> 8}.${markers & 255}`;
        markers++;
        chunk.push(
          Buffer.from(
            `<38>1 ${new Date().toISOString()} iccc-app-1 sshd 4242 - - Failed password for invalid user ${user} from ${ip} port 50000 ssh2\n`,
          ),
        );
        sentAt.set(user, performance.now());
      }
      socket.write(Buffer.concat(chunk));
    }
    socket.end();
    await waitFor(() => sentAt.size === 0, 30_000);
    stream.abort();
    const elapsed = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    console.log(
      `  alert latency at ${RATE.toLocaleString('en-IN')} events/s for ${elapsed.toFixed(0)} s, ${server.rules.engine.compiledCount.toLocaleString('en-IN')} rules: p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted[sorted.length - 1]?.toFixed(0)} ms (${latencies.length}/${markers} alerts seen; target p99 < 1,000 ms)`,
    );
    console.log(
      `  RSS with the full rule set: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function sustained(detection: boolean): Promise<number> {
  const { server, dataDir } = await serverWith(detection);
  try {
    const payload = cityLines(BURST);
    const start = performance.now();
    await sendTcp(server.syslog.tcpPort!, payload, 4);
    await waitFor(
      () => server.pipeline.totals.stored + server.pipeline.totals.deadLettered >= BURST,
      600_000,
    );
    if (detection) {
      await server.detection.whenCaughtUp();
      if (server.detection.stats().evaluated < server.pipeline.totals.stored)
        throw new Error('detection did not evaluate every event');
    }
    return BURST / ((performance.now() - start) / 1000);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `Detection in the server${existsSync(SIGMA) ? ' (city rules + SigmaHQ rules for city logsources)' : ' (city rules only: ../shared/data/sigma not found)'}`,
);
await latency();
const off = await sustained(false);
const on = await sustained(true);
console.log(
  `  sustained ${BURST.toLocaleString('en-IN')} events over TCP: ingest alone ${Math.round(off).toLocaleString('en-IN')} events/s; ingest + detection (every event evaluated) ${Math.round(on).toLocaleString('en-IN')} events/s = ${((on / off) * 100).toFixed(0)}% of ingest alone`,
);

/**
 * Detection benchmark on a real server with the full shipped rule set (the city rules plus
 * SigmaHQ's rules for a city's logsources, imported as an operator would): alert latency from
 * sending an event to its alert arriving on the live stream at a steady 5,000 events/s, and the
 * same with peak memory at 10,000 events/s (`node detection-bench.js RATE` runs one rate). The
 * rate with detection on against ingest alone is in the ingest bench (bench.ts). Figures only;
 * not a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { startSender, wallClock } from './bench-sender.js';
import { waitFor } from './bench-stream.js';
import { loadConfig } from './config/index.js';
import { importRulePack } from './modules/detection/rule-import.js';
import { startServer, type RunningServer } from './start.js';

const SIGMA = fileURLToPath(new URL('../../../../shared/data/sigma', import.meta.url));
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
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

async function detectingServer(): Promise<{ server: RunningServer; dataDir: string }> {
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
            onAlert((JSON.parse(data) as { userName: string | null }).userName, wallClock());
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return controller;
}

/**
 * Streams the city mix at `rate` from a sender process, with a marker line every 100 ms, and
 * times each marker from being sent to its alert on the live stream.
 */
async function latency(rate: number): Promise<void> {
  const { server, dataDir } = await detectingServer();
  let peakRss = 0;
  const sampleRss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    // A marker's alert may arrive before the sender's word of when it was sent: both are kept.
    const sentAt = new Map<string, number>();
    const alertAt = new Map<string, number>();
    const stream = await watchStream(server.url, cookie, (user, at) => {
      if (user?.startsWith('benchmarker') && !alertAt.has(user)) alertAt.set(user, at);
    });
    const sender = await startSender(
      { port: server.syslog.tcpPort!, rate, seconds: SECONDS },
      (m) => sentAt.set(m.user, m.sentAt),
    );
    const load = loadavg()[0]!.toFixed(1);
    const started = performance.now();
    await sender.send();
    const sendSeconds = (performance.now() - started) / 1000;
    await waitFor(() => [...sentAt.keys()].every((u) => alertAt.has(u)), 30_000);
    stream.abort();
    const latencies = [...sentAt]
      .filter(([user]) => alertAt.has(user))
      .map(([user, sent]) => alertAt.get(user)! - sent)
      .sort((a, b) => a - b);
    console.log(
      `  at ${rate.toLocaleString('en-IN')} events/s (sent in ${sendSeconds.toFixed(0)} s for ${SECONDS} s planned), ${server.rules.compiledCount.toLocaleString('en-IN')} rules: alert latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${latencies[latencies.length - 1]?.toFixed(0)} ms (${latencies.length}/${sentAt.size} alerts seen; target p99 < 1,000 ms); server peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (target < 400 MB at 10,000 events/s); load average ${load}`,
    );
  } finally {
    clearInterval(sampleRss);
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rate = Number(process.argv[2]);
if (rate > 0) {
  await latency(rate);
} else {
  console.log(
    `Detection in the server, V8 heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MB${existsSync(SIGMA) ? ' (city rules + SigmaHQ rules for city logsources)' : ' (city rules only: ../shared/data/sigma not found)'}`,
  );
  // Each rate in a process of its own: a server started in the same process after another would
  // count what the first one's heap and threads left behind in its peak memory.
  for (const each of [5_000, 10_000]) {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(each)],
      { stdio: 'inherit' },
    );
    if (run.status !== 0) process.exitCode = 1;
  }
}

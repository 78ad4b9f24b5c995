/**
 * End-to-end ingest benchmark: TCP syslog into a real server (receive → parse → archive → durable
 * store), once with detection off and once with detection on over the full shipped rule set (the
 * city rules plus SigmaHQ's rules for a city's logsources, imported as an operator would), beside
 * rsyslog (imtcp → omfile) receiving the same stream on the same machine. The stream comes from
 * a process of its own, so the figures are the server's. Figures only; `npm run bench` runs it.
 * Not a test.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { startSender } from './bench-sender.js';
import { waitFor } from './bench-stream.js';
import { loadConfig } from './config/index.js';
import { importRulePack } from './modules/detection/rule-import.js';
import { startServer } from './start.js';

// A million: enough for the store to grow past what its caches hold, so the rate is the one a
// city sees after the first minute, not a burst into an empty database.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CONNECTIONS = 4;
const SIGMA = fileURLToPath(new URL('../../../../shared/data/sigma', import.meta.url));

const n = (x: number) => Math.round(x).toLocaleString('en-IN');
/** The machine is shared: its load says how much of it a run had. */
const load = () => loadavg()[0]!.toFixed(1);

interface PrahariRun {
  /** events/s until the last event was stored (acknowledged) */
  storedEps: number;
  storedSeconds: number;
  /** events/s until the last event was stored and evaluated by detection */
  doneEps: number;
  stored: number;
  rules: number;
  /** CPU time of the server process, all threads, per event */
  cpuMicros: number;
  peakRssMb: number;
  load: string;
}

async function benchPrahari(detection: boolean): Promise<PrahariRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-bench-'));
  if (detection && existsSync(SIGMA))
    importRulePack({ dataDir, source: SIGMA, pack: 'sigmahq', now: new Date() });
  const { config } = loadConfig({
    cwd: dataDir,
    env: {},
    flags: {
      dataDir,
      'server.port': 0,
      'server.logLevel': 'error',
      'ingest.syslog.tcpPort': 0,
      'ingest.syslog.udpEnabled': false,
      'auth.initialAdminPassword': 'bench-password-123',
      'detection.enabled': detection,
    },
  });
  const server = await startServer(config, { logger: false });
  let peakRss = 0;
  const sampleRss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const sender = await startSender({
      port: server.syslog.tcpPort!,
      events: EVENTS,
      connections: CONNECTIONS,
    });
    const before = load();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const sent = sender.send();
    await waitFor(
      () => server.pipeline.totals.stored + server.pipeline.totals.deadLettered >= EVENTS,
      600_000,
    );
    const storedSeconds = (performance.now() - start) / 1000;
    await sent;
    if (detection) {
      await server.detection.whenCaughtUp();
      if (server.detection.stats().evaluated < server.pipeline.totals.stored)
        throw new Error('detection did not evaluate every event');
    }
    const doneSeconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      storedEps: EVENTS / storedSeconds,
      storedSeconds,
      doneEps: EVENTS / doneSeconds,
      stored: await server.store.events.count(),
      rules: detection ? server.rules.compiledCount : 0,
      cpuMicros: (used.user + used.system) / EVENTS,
      peakRssMb: peakRss / 2 ** 20,
      load: before,
    };
  } finally {
    clearInterval(sampleRss);
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    // The next run's peak is its own, not this server's garbage (`npm run bench` exposes gc).
    (globalThis as { gc?: () => void }).gc?.();
  }
}

async function benchRsyslog(): Promise<{ eps: number; seconds: number; load: string } | string> {
  if (spawnSync('rsyslogd', ['-v']).status !== 0)
    return 'rsyslogd not installed (apt-get install rsyslog) — no baseline';
  const dir = mkdtempSync(join(tmpdir(), 'rsyslog-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const out = join(dir, 'out.log');
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `global(workDirectory="${dir}")\nmodule(load="imtcp")\ninput(type="imtcp" port="${port}" address="127.0.0.1")\n*.* action(type="omfile" file="${out}" template="RSYSLOG_FileFormat")\n`,
  );
  const child = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'pid')], {
    stdio: 'ignore',
  });
  try {
    await waitFor(() => {
      const probe = spawnSync('bash', ['-c', `echo > /dev/tcp/127.0.0.1/${port}`]);
      return probe.status === 0;
    }, 10_000);
    const sender = await startSender({ port, events: EVENTS, connections: CONNECTIONS });
    const before = load();
    const start = performance.now();
    const sent = sender.send();
    // Counted as the file grows, reading only what is new: reading it whole every 20 ms would
    // take CPU from rsyslog on a file of a million lines.
    let lines = 0;
    let counted = 0;
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    const countNewLines = () => {
      if (!existsSync(out)) return 0;
      const fd = openSync(out, 'r');
      try {
        for (let read; (read = readSync(fd, chunk, 0, chunk.length, counted)) > 0; counted += read)
          for (let i = 0; i < read; i++) if (chunk[i] === 0x0a) lines++;
      } finally {
        closeSync(fd);
      }
      return lines;
    };
    // the probe connection above wrote one empty line at most
    await waitFor(() => countNewLines() >= EVENTS, 120_000);
    const seconds = (performance.now() - start) / 1000;
    await sent;
    return { eps: EVENTS / seconds, seconds, load: before };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(r: PrahariRun): string {
  return `CPU ${r.cpuMicros.toFixed(0)} µs/event (all threads), peak RSS ${r.peakRssMb.toFixed(0)} MB, stored ${n(r.stored)} (${r.stored === EVENTS ? 'no loss' : `LOST ${n(EVENTS - r.stored)}`}), load average ${r.load}`;
}

console.log(
  `End-to-end TCP syslog ingest, ${n(EVENTS)} events over ${CONNECTIONS} connections from a sender process (V8 heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MB; load average ${load()})`,
);
const off = await benchPrahari(false);
console.log(
  `  Prahari, detection off (receive → parse → archive → durable SQLite, acknowledged): ${n(off.storedEps)} events/s in ${off.storedSeconds.toFixed(2)} s; ${describe(off)}`,
);
const on = await benchPrahari(true);
console.log(
  `  Prahari, detection on (${n(on.rules)} rules${existsSync(SIGMA) ? ': city + SigmaHQ for city logsources' : ': city rules only, ../shared/data/sigma not found'}): ${n(on.doneEps)} events/s until every event was stored and evaluated (${n(on.storedEps)} events/s until stored); ${describe(on)}`,
);
console.log(
  `  detection on / off: ${((on.doneEps / off.storedEps) * 100).toFixed(0)}% of the rate without detection`,
);
const rsyslog = await benchRsyslog();
if (typeof rsyslog === 'string') console.log(`  rsyslog: ${rsyslog}`);
else {
  console.log(
    `  rsyslog (imtcp → omfile, same stream): ${n(rsyslog.eps)} events/s in ${rsyslog.seconds.toFixed(2)} s; load average ${rsyslog.load}`,
  );
  console.log(
    `  Prahari / rsyslog: ${((off.storedEps / rsyslog.eps) * 100).toFixed(1)}% with detection off, ${((on.doneEps / rsyslog.eps) * 100).toFixed(1)}% with detection on (targets: ≥ 25% of rsyslog and ≥ 30,000 events/s with detection on)`,
  );
}

/**
 * End-to-end ingest benchmark: TCP syslog into a real server (receive → parse → durable store),
 * beside rsyslog (imtcp → omfile) receiving the same stream on the same machine. Figures only;
 * `npm run bench` runs it. Not a test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cityLines, sendTcp, waitFor } from './bench-stream.js';
import { loadConfig } from './config/index.js';
import { startServer } from './start.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const CONNECTIONS = 4;

async function benchPrahari(payload: Buffer[]): Promise<{
  eps: number;
  seconds: number;
  stored: number;
  rssMb: number;
  detection: { evaluated: number; lag: number };
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-bench-'));
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
    },
  });
  const server = await startServer(config, { logger: false });
  try {
    const start = process.hrtime.bigint();
    await sendTcp(server.syslog.tcpPort!, payload, CONNECTIONS);
    await waitFor(
      () => server.pipeline.totals.stored + server.pipeline.totals.deadLettered >= payload.length,
      300_000,
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // Detection follows the store on the same event loop; how far it got shows what it cost.
    const { evaluated, lagEvents } = server.detection.stats();
    const stored = await server.store.events.count();
    return {
      eps: payload.length / seconds,
      seconds,
      stored,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      detection: { evaluated, lag: lagEvents },
    };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchRsyslog(payload: Buffer[]): Promise<{ eps: number; seconds: number } | string> {
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
    const start = process.hrtime.bigint();
    await sendTcp(port, payload, CONNECTIONS);
    const countLines = () => {
      try {
        return readFileSync(out).reduce((n, b) => (b === 0x0a ? n + 1 : n), 0);
      } catch {
        return 0;
      }
    };
    // the probe connection above wrote one empty line at most
    await waitFor(
      () =>
        statSync(out, { throwIfNoEntry: false }) !== undefined && countLines() >= payload.length,
      120_000,
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { eps: payload.length / seconds, seconds };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const payload = cityLines(EVENTS);
console.log(
  // The machine is shared: its load says how much of it the run had.
  `End-to-end TCP syslog ingest, ${EVENTS.toLocaleString('en-IN')} events over ${CONNECTIONS} connections (load average ${loadavg()[0]!.toFixed(1)})`,
);
const prahari = await benchPrahari(payload);
console.log(
  `  Prahari  (receive → parse → durable SQLite, acknowledged): ${Math.round(prahari.eps).toLocaleString('en-IN')} events/s in ${prahari.seconds.toFixed(2)} s; stored ${prahari.stored.toLocaleString('en-IN')} (${prahari.stored === EVENTS ? 'no loss' : `LOST ${EVENTS - prahari.stored}`}); RSS ${prahari.rssMb.toFixed(0)} MB`,
);
console.log(
  `  detection meanwhile (same event loop): ${prahari.detection.evaluated.toLocaleString('en-IN')} events evaluated, ${prahari.detection.lag.toLocaleString('en-IN')} still to go`,
);
const rsyslog = await benchRsyslog(payload);
if (typeof rsyslog === 'string') console.log(`  rsyslog: ${rsyslog}`);
else {
  console.log(
    `  rsyslog  (imtcp → omfile, same stream):               ${Math.round(rsyslog.eps).toLocaleString('en-IN')} events/s in ${rsyslog.seconds.toFixed(2)} s`,
  );
  console.log(
    `  Prahari / rsyslog: ${((prahari.eps / rsyslog.eps) * 100).toFixed(1)}% (target ≥ 25%; target ≥ 30,000 events/s)`,
  );
}

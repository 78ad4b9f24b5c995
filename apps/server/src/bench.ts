/**
 * End-to-end ingest benchmark: TCP syslog into a real server (receive → parse → durable store),
 * beside rsyslog (imtcp → omfile) receiving the same stream on the same machine. Figures only;
 * `npm run bench` runs it. Not a test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config/index.js';
import { startServer } from './start.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const CONNECTIONS = 4;

/** A realistic city mix: sshd, sudo, firewall CEF, nginx access, NVR login, kernel netfilter. */
function lines(n: number): Buffer[] {
  const templates = [
    (i: number) =>
      `<38>Nov 25 09:20:${String(i % 60).padStart(2, '0')} iccc-app-${i % 7} sshd[${1000 + (i % 900)}]: Failed password for invalid user admin${i % 13} from 203.0.113.${i % 250} port ${40000 + (i % 20000)} ssh2`,
    (i: number) =>
      `<86>Nov 25 09:21:01 water-scada-1 sudo:   ravi : TTY=pts/${i % 4} ; PWD=/home/ravi ; USER=root ; COMMAND=/usr/bin/systemctl restart pump${i % 9}`,
    (i: number) =>
      `<134>Nov 25 09:22:03 fw-core-1 CEF:0|Fortinet|FortiGate|7.2|13|traffic deny|5|src=10.${i % 200}.1.${i % 250} dst=172.16.0.${i % 250} spt=${1024 + (i % 60000)} dpt=${[22, 80, 443, 502, 3389][i % 5]} proto=6 act=deny`,
    (i: number) =>
      `<190>Nov 25 09:23:11 portal-1 nginx: 198.51.100.${i % 250} - - [25/Nov/2026:09:23:11 +0530] "GET /property-tax/receipt?id=${i} HTTP/1.1" 200 ${500 + (i % 9000)} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`,
    (i: number) =>
      `<37>1 2026-11-25T09:24:00.${String(i % 1000).padStart(3, '0')}+05:30 nvr-ward${i % 40} nvrd ${i % 5000} AUTH - login failed for user admin from 10.60.${i % 200}.${i % 250}`,
    (i: number) =>
      `<4>Nov 25 09:25:00 edge-gw kernel: [12345.678] DROP IN=eth0 OUT= SRC=45.33.${i % 250}.${i % 200} DST=10.10.0.5 LEN=60 PROTO=TCP SPT=${30000 + (i % 30000)} DPT=23`,
  ];
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(`${templates[i % templates.length]!(i)}\n`),
  );
}

async function send(port: number, payload: Buffer[]): Promise<void> {
  const per = Math.ceil(payload.length / CONNECTIONS);
  await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      (_, c) =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            const part = payload.slice(c * per, (c + 1) * per);
            let i = 0;
            const write = () => {
              while (i < part.length) {
                const chunk = Buffer.concat(part.slice(i, i + 500));
                i += 500;
                if (!socket.write(chunk)) return socket.once('drain', write);
              }
              socket.end();
            };
            write();
          });
          socket.on('close', () => resolve());
          socket.on('error', reject);
        }),
    ),
  );
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

async function benchPrahari(
  payload: Buffer[],
): Promise<{ eps: number; seconds: number; stored: number; rssMb: number }> {
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
    await send(server.syslog.tcpPort!, payload);
    await waitFor(
      () => server.pipeline.totals.stored + server.pipeline.totals.deadLettered >= payload.length,
      300_000,
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const stored = await server.store.events.count();
    return {
      eps: payload.length / seconds,
      seconds,
      stored,
      rssMb: process.memoryUsage().rss / 2 ** 20,
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
    await send(port, payload);
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

const payload = lines(EVENTS);
console.log(
  `End-to-end TCP syslog ingest, ${EVENTS.toLocaleString('en-IN')} events over ${CONNECTIONS} connections`,
);
const prahari = await benchPrahari(payload);
console.log(
  `  Prahari  (receive → parse → durable SQLite, acknowledged): ${Math.round(prahari.eps).toLocaleString('en-IN')} events/s in ${prahari.seconds.toFixed(2)} s; stored ${prahari.stored.toLocaleString('en-IN')} (${prahari.stored === EVENTS ? 'no loss' : `LOST ${EVENTS - prahari.stored}`}); RSS ${prahari.rssMb.toFixed(0)} MB`,
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

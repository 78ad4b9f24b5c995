/**
 * End-to-end load on the Demo City: its real mix of formats (firewall key=value and CEF, nginx,
 * Linux auth, camera and controller syslog, Suricata EVE, Zeek with Modbus and DNP3, Windows
 * events) sent over syslog TCP and the HTTP ingest from a process of its own, into a server
 * that holds the city in its register and runs the city rules and SigmaHQ's. It prints the
 * sustained rate with detection on and nothing lost, the same with detection off (the store
 * alone, as the baseline), alert latency under a steady load, RSS and CPU. Figures only; `npm
 * run bench` runs it. Not a test.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PRINCIPAL } from '@prahari/core';
import { TelemetryGenerator, demoCity, nginxLine } from '@prahari/demo-city';
import { waitFor } from './bench-stream.js';
import { loadConfig } from './config/index.js';
import { loadDemoCity } from './modules/demo/load.js';
import { NetworkSink } from './modules/demo/sink.js';
import { importRulePack } from './modules/detection/rule-import.js';
import { startServer, type RunningServer } from './start.js';

const EVENTS = Number(process.env.BENCH_DEMO_EVENTS ?? 100_000);
const LATENCY_RATE = 2_000;
const LATENCY_SECONDS = 20;
const SIGMA = fileURLToPath(new URL('../../../../shared/data/sigma', import.meta.url));
const city = demoCity();
const actor = { principal: SYSTEM_PRINCIPAL, ip: null };

const n = (x: number) => Math.round(x).toLocaleString('en-IN');
const load = () => loadavg()[0]!.toFixed(1);

interface SenderArgs {
  url: string;
  apiKey: string;
  tcpPort: number;
  events: number;
  /** lines per second, or null: as fast as the server takes them */
  rate: number | null;
}

/**
 * A sender process with its lines built (stamped over the time they would take at 20 events/s,
 * ending now), ready to send them over syslog TCP and HTTP when told to. Syslog that the city's
 * devices send over UDP goes over TCP here: UDP cannot say what was lost.
 */
async function startSender(args: SenderArgs): Promise<{ send(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the bench sender exited with ${code}`)),
    ),
  );
  await Promise.race([new Promise((resolve) => child.once('message', resolve)), exited]);
  return {
    send: () => {
      child.send('go');
      return exited;
    },
  };
}

async function runSender(args: SenderArgs): Promise<void> {
  const generator = new TelemetryGenerator(city);
  const start = Date.now() - args.events * 50;
  const lines = Array.from({ length: args.events }, (_, i) =>
    generator.next(new Date(start + i * 50)),
  );
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!('ready');
  });
  const sink = new NetworkSink({
    url: args.url,
    apiKey: args.apiKey,
    tcpPort: args.tcpPort,
    udpPort: 0,
    syslog: 'tcp',
  });
  const began = Date.now();
  for (let i = 0; i < lines.length; i++) {
    await sink.send(lines[i]!);
    if (args.rate !== null && i % 100 === 99) {
      const due = began + ((i + 1) / args.rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
  }
  await sink.close();
}

async function cityServer(
  detection: boolean,
): Promise<{ server: RunningServer; dataDir: string; apiKey: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-demo-bench-'));
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
      'auth.apiRateLimitPerMinute': 1_000_000,
      'detection.enabled': detection,
      'detection.placeholders': city.placeholders,
    },
  });
  const server = await startServer(config, { logger: false });
  await loadDemoCity(
    { users: server.services.users, assets: server.assets.service, store: server.store },
    actor,
    city,
  );
  const { secret } = await server.services.apiKeys.create(actor, { name: 'bench', role: 'ingest' });
  return { server, dataDir, apiKey: secret };
}

interface Throughput {
  storedEps: number;
  doneEps: number;
  lost: number;
  deadLettered: number;
  cores: number;
  peakRssMb: number;
  rules: number;
  load: string;
}

/** The whole stream as fast as the server takes it; timed until stored, and until evaluated. */
async function throughput(detection: boolean): Promise<Throughput> {
  const { server, dataDir, apiKey } = await cityServer(detection);
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const before = server.pipeline.totals.stored;
    const sender = await startSender({
      url: server.url,
      apiKey,
      tcpPort: server.syslog.tcpPort!,
      events: EVENTS,
      rate: null,
    });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const sent = sender.send();
    await waitFor(
      () => server.pipeline.totals.stored + server.pipeline.totals.deadLettered - before >= EVENTS,
      600_000,
    );
    const storedSeconds = (performance.now() - started) / 1000;
    await sent;
    if (detection) await server.detection.whenCaughtUp();
    const doneSeconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const stored = server.pipeline.totals.stored - before;
    return {
      storedEps: EVENTS / storedSeconds,
      doneEps: EVENTS / doneSeconds,
      lost: EVENTS - stored - server.pipeline.totals.deadLettered,
      deadLettered: server.pipeline.totals.deadLettered,
      cores: (used.user + used.system) / 1e6 / doneSeconds,
      peakRssMb: peakRss / 2 ** 20,
      rules: server.detection.stats().rules,
      load: load(),
    };
  } finally {
    clearInterval(sample);
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * The city's background at a steady rate from the sender, and a web-shell request on the
 * property-tax portal every 100 ms from here, each from an address of its own (so each opens an
 * alert): the time from sending one to its alert on the live stream.
 */
async function latency(): Promise<void> {
  const { server, dataDir, apiKey } = await cityServer(true);
  try {
    const { secret: reader } = await server.services.apiKeys.create(actor, {
      name: 'bench-reader',
      role: 'analyst',
    });
    const alertAt = new Map<string, number>();
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${reader}` },
      signal: controller.signal,
    });
    const stream = (res.body as ReadableStream<Uint8Array>).getReader();
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await stream.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
            buffer = buffer.slice(end + 2);
            const ip = data && (JSON.parse(data) as { sourceIp: string | null }).sourceIp;
            if (ip && !alertAt.has(ip)) alertAt.set(ip, performance.now());
          }
        }
      } catch {
        // aborted at the end
      }
    })();
    const sender = await startSender({
      url: server.url,
      apiKey,
      tcpPort: server.syslog.tcpPort!,
      events: LATENCY_RATE * LATENCY_SECONDS,
      rate: LATENCY_RATE,
    });
    const markers = new NetworkSink({
      url: server.url,
      apiKey,
      tcpPort: server.syslog.tcpPort!,
      udpPort: 0,
    });
    const sentAt = new Map<string, number>();
    const background = sender.send();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < LATENCY_SECONDS * 10; i++) {
      const ip = `198.18.${i >> 8}.${i & 255}`;
      const at = new Date();
      await markers.send({
        channel: 'tcp',
        asset: 'ptax-web-01',
        format: 'nginx',
        text: nginxLine(at, 'ptax-web-01', {
          client: ip,
          method: 'GET',
          path: `/uploads/documents/receipt_${i}.php?c=id`,
          status: 200,
          bytes: 54,
          agent: 'curl/8.5.0',
        }),
      });
      sentAt.set(ip, performance.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    await markers.close();
    await background;
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await waitFor(() => [...sentAt.keys()].every((ip) => alertAt.has(ip)), 30_000);
    controller.abort();
    const latencies = [...sentAt]
      .filter(([ip]) => alertAt.has(ip))
      .map(([ip, sent]) => alertAt.get(ip)! - sent)
      .sort((a, b) => a - b);
    console.log(
      `  at ${n(LATENCY_RATE)} events/s of the city's mix for ${LATENCY_SECONDS} s: alert latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms (${latencies.length}/${sentAt.size} alerts seen; target p99 < 1,000 ms); server RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, CPU ${((used.user + used.system) / 1e6 / seconds).toFixed(2)} cores; load average ${load()}`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.send && process.argv[2]) {
  runSender(JSON.parse(process.argv[2]) as SenderArgs).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  console.log(
    `Demo City end to end: ${n(EVENTS)} events of its mix (${city.assets.length} assets; syslog TCP and HTTP ingest) into a server with the city in its register${existsSync(SIGMA) ? ', city rules + SigmaHQ rules for city logsources' : ', city rules only (../shared/data/sigma not found)'}`,
  );
  const baseline = await throughput(false);
  console.log(
    `  baseline, detection off: ${n(baseline.storedEps)} events/s stored, ${baseline.lost} lost, ${baseline.deadLettered} dead letters; CPU ${baseline.cores.toFixed(2)} cores, peak RSS ${baseline.peakRssMb.toFixed(0)} MB; load average ${baseline.load}`,
  );
  const on = await throughput(true);
  console.log(
    `  detection on (${n(on.rules)} rules): ${n(on.doneEps)} events/s stored and evaluated (${n(on.storedEps)}/s stored), ${on.lost} lost, ${on.deadLettered} dead letters; CPU ${on.cores.toFixed(2)} cores, peak RSS ${on.peakRssMb.toFixed(0)} MB (at full speed; the < 400 MB target is at 10,000 events/s, see the detection bench); load average ${on.load}`,
  );
  await latency();
}

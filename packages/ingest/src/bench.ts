/**
 * Parse + normalise throughput per format on one core: `node packages/ingest/dist/bench.js`.
 * The JSON.parse baseline over the same EVE line shows what the JSON formats cost beyond parsing.
 */
import { benchArchive } from './archive/bench.js';
import { performance } from 'node:perf_hooks';
import { SyslogFrameDecoder } from './framing/decoder.js';
import { parseMessage, type ParseContext } from './parsers/index.js';

const ctx: ParseContext = { receivedAt: new Date(), defaultTimezone: 'Asia/Kolkata' };

/** Representative lines, varied a little per iteration so no cache sees the same string. */
const CASES: { name: string; make: (i: number) => string }[] = [
  {
    name: 'rfc3164 (sshd)',
    make: (i) =>
      `<38>Nov 25 10:${String(i % 60).padStart(2, '0')}:15 web-${i % 50} sshd[${1000 + (i % 9000)}]: Failed password for invalid user admin${i % 100} from 203.0.${i % 256}.5 port ${1024 + (i % 60000)} ssh2`,
  },
  {
    name: 'rfc3164 (plain)',
    make: (i) =>
      `<30>Nov 25 10:00:${String(i % 60).padStart(2, '0')} host${i % 20} systemd[1]: Started Session ${i} of user root.`,
  },
  {
    name: 'rfc5424',
    make: (i) =>
      `<165>1 2026-11-25T10:14:15.${String(i % 1000).padStart(3, '0')}+05:30 mymachine.example.com evntslog ${i} ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="${i}"] An application event log entry`,
  },
  {
    name: 'cef in syslog',
    make: (i) =>
      `<134>Nov 25 10:00:00 fw01 CEF:0|Fortinet|Fortigate|v7.0|13|traffic:forward deny|3|src=10.1.${i % 256}.5 spt=${1024 + (i % 60000)} dst=203.0.113.9 dpt=3389 proto=TCP act=deny msg=policy ${i} matched rt=${1764057600000 + i}`,
  },
  {
    name: 'leef 2.0',
    make: (i) =>
      `LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.${i % 256}^dst=10.0.0.5^sev=5^srcPort=${i % 65535}^dstPort=21^devTime=${1764057600000 + i}`,
  },
  {
    name: 'access-log',
    make: (i) =>
      `203.0.113.${i % 256} - - [25/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0530] "GET /index.php?id=${i}&q=test HTTP/1.1" 200 ${i % 10000} "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"`,
  },
  {
    name: 'suricata-eve',
    make: (i) =>
      `{"timestamp":"2026-11-25T10:00:00.${String(i % 1000).padStart(6, '0')}+0530","flow_id":${i},"event_type":"alert","src_ip":"10.0.0.${i % 256}","src_port":${i % 65535},"dest_ip":"10.47.8.150","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2}}`,
  },
  {
    name: 'zeek json',
    make: (i) =>
      `{"_path":"dns","ts":${1764057600 + i}.5,"uid":"C${i}","id.orig_h":"10.0.0.${i % 256}","id.orig_p":${i % 65535},"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"host${i}.example.com","qtype_name":"A","rcode":0}`,
  },
  {
    name: 'auditd',
    make: (i) =>
      `type=SYSCALL msg=audit(${1764057600 + i}.076:${i}): arch=c000003e syscall=59 success=yes exit=0 ppid=4353 pid=${i} auid=1000 uid=0 comm="bash" exe="/usr/bin/bash" key="exec"`,
  },
];

function bench(name: string, make: (i: number) => string, n: number): void {
  const lines = Array.from({ length: 1000 }, (_, i) => make(i));
  // Warm up so the JIT has compiled the hot paths before timing.
  for (let i = 0; i < 20_000; i++) parseMessage(lines[i % 1000]!, ctx);
  let failed = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (!parseMessage(lines[i % 1000]!, ctx).ok) failed++;
  }
  const ms = performance.now() - t0;
  const rate = Math.round((n / ms) * 1000);
  console.log(
    `${name.padEnd(18)} ${rate.toLocaleString('en-US').padStart(10)} events/s${failed > 0 ? `  (${failed} failed)` : ''}`,
  );
}

function benchJsonBaseline(n: number): void {
  const make = CASES.find((c) => c.name === 'suricata-eve')!.make;
  const lines = Array.from({ length: 1000 }, (_, i) => make(i));
  for (let i = 0; i < 20_000; i++) JSON.parse(lines[i % 1000]!);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) JSON.parse(lines[i % 1000]!);
  const rate = Math.round((n / (performance.now() - t0)) * 1000);
  console.log(
    `${'JSON.parse (base)'.padEnd(18)} ${rate.toLocaleString('en-US').padStart(10)} events/s`,
  );
}

function benchFraming(n: number): void {
  const line = Buffer.from(CASES[0]!.make(1) + '\n');
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => line));
  const d = new SyslogFrameDecoder();
  let frames = 0;
  const t0 = performance.now();
  for (let i = 0; i < n / 64; i++) frames += d.push(chunk).length;
  const rate = Math.round((frames / (performance.now() - t0)) * 1000);
  console.log(`${'framing (LF)'.padEnd(18)} ${rate.toLocaleString('en-US').padStart(10)} frames/s`);
}

const N = Number(process.argv[2] ?? 200_000);
console.log(
  `Prahari ingest parser bench: ${N.toLocaleString('en-US')} messages per format, one core, Node ${process.version}`,
);
for (const c of CASES) bench(c.name, c.make, N);
benchJsonBaseline(N);
benchFraming(N * 5);
const mem = process.memoryUsage();
console.log(
  `memory: rss ${(mem.rss / 1048576).toFixed(1)} MB, heap used ${(mem.heapUsed / 1048576).toFixed(1)} MB`,
);

// The raw archive's append rate, each batch fsync'd as the server does before acknowledging.
await benchArchive();

/**
 * Indicator matching speed: 100,000 indicators (addresses, networks, domains, URLs, hashes) over
 * 200,000 events shaped like the parsers' output (Suricata, Zeek, CEF, web, Sysmon, syslog text),
 * beside the same events against 10 indicators — the cost must not grow with the list. Figures
 * only; `npm run bench` runs it. Not a test.
 */
import { seededRandom } from '@prahari/core';
import type { IndicatorRecord, IndicatorType } from '@prahari/store';
import { IndicatorMatcher, type MatchableEvent } from './matcher.js';

const INDICATORS = Number(process.env.BENCH_INDICATORS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const rand = seededRandom(20261125);
const int = (n: number) => Math.floor(rand() * n);
const hex = (len: number) =>
  Array.from({ length: len }, () => '0123456789abcdef'[int(16)]).join('');
const word = () =>
  Array.from({ length: 4 + int(8) }, () => 'abcdefghijklmnopqrstuvwxyz'[int(26)]).join('');
const ipv4 = () => `${1 + int(222)}.${int(256)}.${int(256)}.${int(256)}`;
const domain = () => `${word()}.${['com', 'net', 'org', 'in', 'info', 'xyz'][int(6)]}`;

function indicator(i: number, type: IndicatorType, value: string): IndicatorRecord {
  return {
    id: `ind-${i}`,
    type,
    value,
    source: 'bench',
    tlp: 'amber',
    description: null,
    expiresAt: null,
    createdBy: 'bench',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    hits: 0,
    lastHitAt: null,
  };
}

function makeIndicators(n: number): IndicatorRecord[] {
  const out: IndicatorRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 20;
    if (r < 8) out.push(indicator(i, 'ip', ipv4()));
    else if (r < 9) {
      const bits = [16, 20, 24, 24, 28, 29][int(6)]!;
      const a = ipv4().split('.').map(Number);
      const n32 = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
      const net = (n32 & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
      out.push(
        indicator(
          i,
          'cidr',
          `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${bits}`,
        ),
      );
    } else if (r < 15) out.push(indicator(i, 'domain', domain()));
    else if (r < 17) out.push(indicator(i, 'url', `http://${domain()}/${word()}/${word()}.php`));
    else out.push(indicator(i, 'hash', hex([32, 40, 64][int(3)]!)));
  }
  return out;
}

const KINDS = [
  'suricata dns',
  'suricata http',
  'zeek conn',
  'cef firewall',
  'nginx',
  'sysmon',
  'sshd text',
];

/** Event shapes as the parsers leave them (kind i % 7); about 1 in 100 carries a listed value. */
function makeEvents(n: number, listed: IndicatorRecord[]): MatchableEvent[] {
  const pick = (type: IndicatorType) => {
    for (;;) {
      const x = listed[int(listed.length)]!;
      if (x.type === type) return x.value;
    }
  };
  const events: MatchableEvent[] = [];
  for (let i = 0; i < n; i++) {
    const bad = rand() < 0.01;
    const src = `10.${int(200)}.${int(250)}.${int(250)}`;
    const dst = bad && rand() < 0.5 ? pick('ip') : ipv4();
    const name = bad ? `www.${pick('domain')}` : `${word()}.${domain()}`;
    const sender = `10.0.0.${int(20)}`;
    switch (i % 7) {
      case 0: // Suricata dns
        events.push({
          sourceIp: sender,
          message: name,
          fields: {
            event_type: 'dns',
            src_ip: src,
            dest_ip: dst,
            'source.ip': src,
            'destination.ip': dst,
            'source.port': 50000,
            'destination.port': 53,
            'dns.type': 'query',
            'dns.rrname': name,
            'dns.rrtype': 'A',
            query: name,
            'dns.question.name': name,
            'network.transport': 'udp',
          },
        });
        break;
      case 1: {
        // Suricata http alert
        const url = bad ? pick('url') : `http://${name}/${word()}/index.html`;
        const u = new URL(url);
        events.push({
          sourceIp: sender,
          message: 'ET POLICY Suspicious download',
          fields: {
            event_type: 'alert',
            src_ip: src,
            dest_ip: dst,
            'source.ip': src,
            'destination.ip': dst,
            'alert.signature': 'ET POLICY Suspicious download',
            'alert.signature_id': 2019714,
            'http.hostname': u.hostname,
            'http.url': u.pathname,
            'http.http_method': 'GET',
            'http.http_user_agent': 'Mozilla/5.0',
            'http.status': 200,
          },
        });
        break;
      }
      case 2: // Zeek conn
        events.push({
          sourceIp: sender,
          message: 'conn',
          fields: {
            ts: 1764064800.5,
            uid: `C${hex(17)}`,
            'id.orig_h': src,
            'id.orig_p': 40000,
            'id.resp_h': dst,
            'id.resp_p': 443,
            proto: 'tcp',
            'source.ip': src,
            'destination.ip': dst,
            conn_state: 'SF',
            'zeek.path': 'conn',
          },
        });
        break;
      case 3: // CEF firewall
        events.push({
          sourceIp: sender,
          message: 'traffic deny',
          fields: {
            'cef.version': '0',
            'cef.device_vendor': 'Fortinet',
            'cef.device_product': 'FortiGate',
            src,
            dst,
            spt: '51000',
            dpt: '443',
            act: 'deny',
            'source.ip': src,
            'destination.ip': dst,
            src_ip: src,
            dst_ip: dst,
            dhost: name,
            action: 'deny',
            'host.name': 'fw-core-1',
          },
        });
        break;
      case 4: // nginx access
        events.push({
          sourceIp: sender,
          message: `${dst} - - [25/Nov/2026:09:23:11 +0530] "GET /property-tax/receipt?id=${i} HTTP/1.1" 200 512 "-" "Mozilla/5.0"`,
          fields: {
            'c-ip': dst,
            'source.ip': dst,
            'cs-method': 'GET',
            'c-uri': `/property-tax/receipt?id=${i}`,
            'cs-uri-stem': '/property-tax/receipt',
            'cs-uri-query': `id=${i}`,
            'sc-status': 200,
            'cs-referer': `https://${name}/`,
            'cs-user-agent': 'Mozilla/5.0',
            'host.name': 'portal-1',
          },
        });
        break;
      case 5: {
        // Sysmon process creation
        const h = bad ? pick('hash') : hex(64);
        const algo = h.length === 32 ? 'MD5' : h.length === 40 ? 'SHA1' : 'SHA256';
        events.push({
          sourceIp: sender,
          message: 'Process Create',
          fields: {
            EventID: 1,
            Channel: 'Microsoft-Windows-Sysmon/Operational',
            Computer: 'ws-12',
            Image: 'C:\\Windows\\System32\\cmd.exe',
            CommandLine: 'cmd.exe /c whoami',
            Hashes: `MD5=${hex(32).toUpperCase()},${algo}=${h.toUpperCase()},IMPHASH=${hex(32).toUpperCase()}`,
            'host.name': 'ws-12',
            'user.name': 'ravi',
          },
        });
        break;
      }
      default: // sshd text
        events.push({
          sourceIp: sender,
          message: `Failed password for invalid user admin from ${dst} port ${40000 + int(20000)} ssh2`,
          fields: {
            'syslog.hostname': 'iccc-app-1',
            'process.name': 'sshd',
            'event.action': 'ssh_login',
            'event.outcome': 'failure',
            'user.name': 'admin',
            'source.ip': dst,
            'source.port': 40022,
          },
        });
    }
  }
  return events;
}

function run(label: string, matcher: IndicatorMatcher, events: MatchableEvent[]): void {
  // warm-up, then the measured pass
  for (let i = 0; i < Math.min(events.length, 20_000); i++) matcher.match(events[i]!);
  let matches = 0;
  let withMatch = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const e of events) {
    const found = matcher.match(e).length;
    matches += found;
    if (found > 0) withMatch++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // CPU time (user + GC threads): the rate one free core gives, whatever else the machine runs
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const rate = (x: number) =>
    Math.round(events.length / x)
      .toLocaleString('en-US')
      .padStart(10);
  console.log(
    `${label.padEnd(26)} ${rate(s)} events/s (wall, ${(s * 1000).toFixed(0)} ms)  ${rate(cpuS)} events/CPU-s  ` +
      `${matches.toLocaleString('en-US')} matches in ${withMatch.toLocaleString('en-US')} events`,
  );
}

const listed = makeIndicators(INDICATORS);
const events = makeEvents(EVENTS, listed);
const heapBefore = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
const big = new IndicatorMatcher(listed);
const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
console.log(
  `Indicator matcher: ${big.size.toLocaleString('en-US')} indicators ${JSON.stringify(big.counts)}, ` +
    `built in ${buildMs.toFixed(0)} ms (~${heapMb.toFixed(0)} MB heap); ${EVENTS.toLocaleString('en-US')} events`,
);
run(`${INDICATORS.toLocaleString('en-US')} indicators`, big, events);
const few = (['ip', 'cidr', 'domain', 'url', 'hash'] as const).flatMap((t) =>
  listed.filter((x) => x.type === t).slice(0, 2),
);
run('10 indicators (baseline)', new IndicatorMatcher(few), events);
run('0 indicators', new IndicatorMatcher([]), events);
const perKind = KINDS.map((kind, k) => {
  const some = events.filter((_e, i) => i % KINDS.length === k);
  const t = process.hrtime.bigint();
  for (const e of some) big.match(e);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return `${kind} ${Math.round(some.length / s / 1000)}k`;
});
console.log(
  `by event kind, ${INDICATORS.toLocaleString('en-US')} indicators (events/s): ${perKind.join(', ')}`,
);

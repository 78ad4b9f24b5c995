/** The city log stream the server benchmarks send, and how they send it over TCP syslog. */
import net from 'node:net';

/** A realistic city mix: sshd, sudo, firewall CEF, nginx access, NVR login, kernel netfilter. */
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

/** Line `i` of the city stream, with its newline. */
export function cityLine(i: number): Buffer {
  return Buffer.from(`${templates[i % templates.length]!(i)}\n`);
}

/** The first `n` lines of the city stream. */
export function cityLines(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => cityLine(i));
}

/** Sends the lines over `connections` TCP connections as fast as the server reads them. */
export async function sendTcp(port: number, payload: Buffer[], connections: number): Promise<void> {
  const per = Math.ceil(payload.length / connections);
  await Promise.all(
    Array.from(
      { length: connections },
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

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

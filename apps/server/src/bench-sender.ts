/**
 * The city stream sent from a process of its own, as collectors on other machines send it: the
 * server's event loop and memory then hold only the server's work. `startSender` forks this
 * module; it gets ready, sends when told to, and exits when all is sent. Not a test.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { cityLine, cityLines, sendTcp } from './bench-stream.js';

/** Every line at once over some connections, as fast as the server reads them. */
interface Burst {
  port: number;
  events: number;
  connections: number;
}

/**
 * A steady rate over one connection, with a marker line — a failed SSH login of its own user
 * `benchmarker<N>` from its own address — every 100 ms, reported with the time it was sent.
 */
interface Paced {
  port: number;
  rate: number;
  seconds: number;
}

export interface Marker {
  user: string;
  /** when it was written to the socket, ms since the epoch (`performance.timeOrigin` based) */
  sentAt: number;
}

type FromSender = 'ready' | 'sent' | Marker;

/** Milliseconds since the epoch, finer than Date.now() and comparable between processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** A sender process ready to go: `send()` sends and resolves when everything was sent. */
export async function startSender(
  plan: Burst | Paced,
  onMarker: (marker: Marker) => void = () => undefined,
): Promise<{ send(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(plan)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the bench sender exited with ${code}`)),
    ),
  );
  const ready = new Promise<void>((resolve) =>
    child.on('message', (m: FromSender) => {
      if (m === 'ready') resolve();
      else if (m !== 'sent') onMarker(m);
    }),
  );
  await Promise.race([ready, exited]);
  return {
    send: () => {
      child.send('go');
      return exited;
    },
  };
}

async function sendPaced({ port, rate, seconds }: Paced): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const total = rate * seconds;
  const tickMs = 10;
  const perTick = (rate * tickMs) / 1000;
  const started = performance.now();
  let sent = 0;
  let markers = 0;
  for (let tick = 0; sent < total; tick++) {
    const wait = started + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const chunk: Buffer[] = [];
    for (const end = Math.min(total, sent + perTick); sent < end; sent++)
      chunk.push(cityLine(sent));
    let marker: Marker | undefined;
    if (tick % 10 === 0) {
      // from its own address, so each opens an alert of its own
      const user = `benchmarker${markers}`;
      const ip = `100.64.${markers >> 8}.${markers & 255}`;
      markers++;
      chunk.push(
        Buffer.from(
          `<38>1 ${new Date().toISOString()} iccc-app-1 sshd 4242 - - Failed password for invalid user ${user} from ${ip} port 50000 ssh2\n`,
        ),
      );
      marker = { user, sentAt: 0 };
    }
    socket.write(Buffer.concat(chunk));
    if (marker) process.send!({ ...marker, sentAt: wallClock() } satisfies FromSender);
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

if (process.send && process.argv[2]) {
  const plan = JSON.parse(process.argv[2]) as Burst | Paced;
  const payload = 'events' in plan ? cityLines(plan.events) : undefined;
  process.once('message', () => {
    const sending =
      'events' in plan ? sendTcp(plan.port, payload!, plan.connections) : sendPaced(plan);
    sending.then(
      // Markers still queued for the parent go out before this last word, then the process ends.
      () => process.send!('sent' satisfies FromSender, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
  process.send('ready' satisfies FromSender);
}

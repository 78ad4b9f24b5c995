import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import { SyslogFrameDecoder, type Frame } from '@prahari/ingest';
import type { IngestPipeline, RawMessage } from './pipeline.js';
import type { Clock } from '@prahari/core';

export interface SyslogListenerOptions {
  host: string;
  tlsPort: number;
  /** PEM certificate and key; TLS listens only when both are given */
  tls?: { cert: Buffer; key: Buffer };
  udpPort: number;
  udpEnabled: boolean;
  tcpPort: number;
  tcpEnabled: boolean;
  maxConnections: number;
  idleTimeoutSeconds: number;
  maxMessageBytes: number;
}

export interface SyslogListeners {
  udpPort: number | null;
  tcpPort: number | null;
  tlsPort: number | null;
  close(): Promise<void>;
}

/**
 * A connection has at most this much read and not yet durably written (about 4,000 city log
 * lines): enough for a busy sender alone to fill the writer's large batches …
 */
const MAX_READ_BYTES = 1024 * 1024;
/** … and at least this much (one socket read) … */
const MIN_READ_BYTES = 64 * 1024;
/** … while all connections together have about this much at most. */
const READ_BUDGET_BYTES = 16 * 1024 * 1024;

/** Strips IPv4-mapped IPv6 so a sender has one address whichever socket family saw it. */
function plainAddress(address: string | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Syslog over UDP and TCP (RFC 6587 framing detected per connection). TCP acknowledges by reading
 * on: a connection reads only while what it has read and not yet durably written is below a
 * bounded window, and not at all while the pipeline is full, so a fast sender is slowed rather
 * than dropped. UDP cannot push back; datagrams arriving while the pipeline is full are counted
 * as dropped.
 */
export async function startSyslogListeners(
  pipeline: IngestPipeline,
  clock: Clock,
  options: SyslogListenerOptions,
  log: FastifyBaseLogger,
): Promise<SyslogListeners> {
  let udp: dgram.Socket | null = null;
  let tcp: net.Server | null = null;
  let tlsServer: tls.Server | null = null;
  const sockets = new Set<net.Socket>();

  if (options.udpEnabled) {
    const socket = dgram.createSocket({
      type: options.host.includes(':') ? 'udp6' : 'udp4',
      recvBufferSize: 8 * 1024 * 1024,
    });
    udp = socket;
    socket.on('message', (msg, rinfo) => {
      if (pipeline.overloaded) {
        pipeline.countUdpDrop();
        return;
      }
      const truncated = msg.length > options.maxMessageBytes;
      const message: RawMessage = {
        raw: truncated ? msg.subarray(0, options.maxMessageBytes) : msg,
        receivedAt: clock.now(),
        listener: 'syslog-udp',
        sourceIp: plainAddress(rinfo.address),
        sourcePort: rinfo.port,
        truncated,
      };
      pipeline
        .submit([message])
        .catch((err: unknown) => log.error({ err }, 'UDP syslog message could not be stored'));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.udpPort, options.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => log.error({ err }, 'UDP syslog listener error'));
        resolve();
      });
    });
  }

  /**
   * How many bytes one connection may have read and not yet durably written. A socket read is at
   * most 64 KiB and the kernel's receive window starts at 128 KiB, so a connection that waited for
   * each read to be written before the next would hand the writer a few hundred messages at a time
   * and leave it idle between them. What a connection has read and not yet written is what a
   * larger receive buffer would hold: bytes the sender has handed over that are not yet stored.
   * Connections share a budget, so however many there are, it stays bounded (64 KiB each once
   * there are more than 256).
   */
  const readLimit = () =>
    Math.max(MIN_READ_BYTES, Math.min(MAX_READ_BYTES, READ_BUDGET_BYTES / (sockets.size || 1)));

  /**
   * One TCP or TLS connection: frames decoded as they arrive and submitted in order; the socket
   * stops reading while its unwritten bytes are at the limit or the pipeline is full, and a
   * message is acknowledged (its bytes leave the window) only once durably written.
   */
  const onConnection = (socket: net.Socket, listener: string) => {
    sockets.add(socket);
    socket.setTimeout(options.idleTimeoutSeconds * 1000, () => socket.destroy());
    const decoder = new SyslogFrameDecoder({ maxMessageSize: options.maxMessageBytes });
    const sourceIp = plainAddress(socket.remoteAddress);
    const sourcePort = socket.remotePort ?? null;
    /** frames decoded since the last submission, and the bytes read for them */
    let frames: Frame[] = [];
    let bytes = 0;
    /** bytes submitted and not yet durably written */
    let unwritten = 0;
    let failed = false;

    const toMessages = (frames: Frame[]): RawMessage[] => {
      const receivedAt = clock.now();
      return frames.map((f) =>
        f.kind === 'message'
          ? {
              raw: f.data,
              receivedAt,
              listener,
              sourceIp,
              sourcePort,
              truncated: f.truncated,
            }
          : // Bytes the framer could not make sense of go to the dead-letter store with its reason.
            {
              raw: f.data,
              receivedAt,
              listener,
              sourceIp,
              sourcePort,
              rejected: f.reason,
            },
      );
    };

    const mayRead = () => unwritten < readLimit() && !pipeline.overloaded;
    /** After a write: reads on once the window has room and the pipeline is not full. */
    const resumeWhenAllowed = async () => {
      while (!failed && socket.isPaused() && unwritten < readLimit()) {
        if (!pipeline.overloaded) {
          socket.resume();
          return;
        }
        await pipeline.whenDrained();
      }
    };

    /** Submits what was read; the socket pauses until there is room again. */
    const submit = () => {
      if (frames.length === 0) return;
      const messages = toMessages(frames);
      const size = bytes;
      frames = [];
      bytes = 0;
      unwritten += size;
      if (!mayRead()) socket.pause();
      pipeline.submit(messages).then(
        () => {
          unwritten -= size;
          return resumeWhenAllowed();
        },
        (err: unknown) => {
          if (failed) return;
          failed = true;
          log.error(
            { err },
            'TCP syslog messages could not be stored; closing the connection so the sender retries',
          );
          socket.destroy();
        },
      );
    };

    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) frames.push(f);
      bytes += chunk.length;
      // One socket read at a time: parsing a read takes a few milliseconds, so the event loop
      // stays free to hand finished batches on.
      submit();
    });
    socket.on('end', () => {
      for (const f of decoder.end()) frames.push(f);
      submit();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };

  const listen = (server: net.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.maxConnections = options.maxConnections;
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });

  if (options.tcpEnabled) {
    tcp = net.createServer({ noDelay: true }, (socket) => onConnection(socket, 'syslog-tcp'));
    await listen(tcp, options.tcpPort);
  }
  if (options.tls) {
    tlsServer = tls.createServer(
      { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' },
      (socket) => onConnection(socket, 'syslog-tls'),
    );
    // A client that fails the handshake is its problem, not the server's.
    tlsServer.on('tlsClientError', (err) => log.warn({ err }, 'syslog TLS handshake failed'));
    await listen(tlsServer, options.tlsPort);
  }

  const portOf = (
    address: ReturnType<net.Server['address']> | ReturnType<dgram.Socket['address']> | undefined,
  ) => (address && typeof address === 'object' ? address.port : null);

  return {
    udpPort: udp ? portOf(udp.address()) : null,
    tcpPort: tcp ? portOf(tcp.address()) : null,
    tlsPort: tlsServer ? portOf(tlsServer.address()) : null,
    async close() {
      if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
      const streams = [tcp, tlsServer].filter((server): server is net.Server => server !== null);
      if (streams.length > 0) {
        const closed = Promise.all(
          streams.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        );
        // Let connections finish what they sent, then stop waiting for idle ones.
        for (const s of sockets) s.end();
        setTimeout(() => sockets.forEach((s) => s.destroy()), 2000).unref();
        await closed;
      }
    },
  };
}

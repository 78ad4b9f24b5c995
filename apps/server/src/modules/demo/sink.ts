/**
 * Where simulated telemetry goes: to a Prahari server over its real listeners (syslog over TCP
 * and UDP, the HTTP ingest API with a key), or straight into an ingest pipeline in this process
 * (the server's own demo traffic, or a data directory on disk).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Clock } from '@prahari/core';
import type { Channel, TelemetryLine } from '@prahari/demo-city';
import type { IngestPipeline } from '../ingest/pipeline.js';

export interface SinkStats {
  /** lines handed to the sink, by channel */
  sent: Record<Channel, number>;
  /** lines the receiver confirmed: written to TCP, sent over UDP, stored by HTTP or the pipeline */
  delivered: number;
  /** lines the receiver did not take (dead letters, refused batches) */
  refused: number;
}

export interface LineSink {
  /** Hands one line over; resolves when the sink can take more (backpressure). */
  send(line: TelemetryLine): Promise<void>;
  /** Resolves once every line handed over has been delivered or refused. */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly stats: SinkStats;
}

const emptyStats = (): SinkStats => ({
  sent: { tcp: 0, udp: 0, http: 0 },
  delivered: 0,
  refused: 0,
});

/** Lines sent over HTTP are posted in batches of this many (or whatever a short wait gathers). */
const HTTP_BATCH = 500;
const HTTP_LINGER_MS = 200;
const HTTP_RETRIES = 10;

export interface NetworkSinkOptions {
  /** the server's HTTP address, e.g. http://127.0.0.1:7700 */
  url: string;
  /** API key (role ingest, analyst or admin) for the HTTP ingest */
  apiKey: string | null;
  /** syslog listeners, on the URL's host */
  tcpPort: number;
  udpPort: number;
  /** send every syslog line over this transport instead of the one its device uses */
  syslog?: 'tcp' | 'udp';
}

/** An error a person can act on: which listener, what it said. */
export class SinkError extends Error {}

/**
 * Sends over the server's real listeners. TCP lines are LF-framed on one connection (the write
 * buffer is the backpressure), UDP lines one datagram each, HTTP lines as NDJSON batches that
 * are retried when the server answers 503 (a backlog) and refused with the server's message
 * otherwise.
 */
export class NetworkSink implements LineSink {
  readonly stats = emptyStats();
  readonly #options: NetworkSinkOptions;
  readonly #host: string;
  #tcp: net.Socket | undefined;
  #tcpReady: Promise<void> | undefined;
  #tcpError: Error | undefined;
  #udp: dgram.Socket | undefined;
  #udpPending = 0;
  #udpDrained: (() => void)[] = [];
  #batch: string[] = [];
  #linger: NodeJS.Timeout | undefined;
  #posts = new Set<Promise<void>>();
  #httpError: Error | undefined;

  constructor(options: NetworkSinkOptions) {
    this.#options = options;
    this.#host = new URL(options.url).hostname.replace(/^\[|\]$/g, '');
  }

  async send(line: TelemetryLine): Promise<void> {
    const channel = line.channel === 'http' ? 'http' : (this.#options.syslog ?? line.channel);
    this.stats.sent[channel]++;
    if (channel === 'tcp') return this.#sendTcp(line.text);
    if (channel === 'udp') return this.#sendUdp(line.text);
    return this.#sendHttp(line.text);
  }

  #connectTcp(): Promise<void> {
    this.#tcpReady ??= new Promise<void>((resolve, reject) => {
      const socket = net.connect(this.#options.tcpPort, this.#host);
      this.#tcp = socket;
      socket.setNoDelay(true);
      socket.once('connect', () => resolve());
      socket.on('error', (err) => {
        this.#tcpError = new SinkError(
          `syslog over TCP to ${this.#host}:${this.#options.tcpPort} failed: ${err.message}`,
        );
        reject(this.#tcpError);
      });
    });
    return this.#tcpReady;
  }

  async #sendTcp(text: string): Promise<void> {
    await this.#connectTcp();
    if (this.#tcpError) throw this.#tcpError;
    const socket = this.#tcp!;
    const ok = socket.write(`${text}\n`);
    this.stats.delivered++;
    if (!ok) await new Promise<void>((resolve) => socket.once('drain', resolve));
  }

  #sendUdp(text: string): Promise<void> {
    this.#udp ??= dgram.createSocket(this.#host.includes(':') ? 'udp6' : 'udp4');
    this.#udpPending++;
    this.#udp.send(Buffer.from(text), this.#options.udpPort, this.#host, (err) => {
      this.#udpPending--;
      if (err) this.stats.refused++;
      else this.stats.delivered++;
      if (this.#udpPending === 0) for (const done of this.#udpDrained.splice(0)) done();
    });
    // A burst of datagrams waits for the kernel to take the earlier ones.
    return this.#udpPending > 256 ? this.#udpIdle() : Promise.resolve();
  }

  #udpIdle(): Promise<void> {
    if (this.#udpPending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#udpDrained.push(resolve));
  }

  /** Throws the first refusal of a batch, so the sender stops at once. */
  #checkHttp(): void {
    if (this.#httpError) throw this.#httpError;
  }

  async #sendHttp(text: string): Promise<void> {
    this.#checkHttp();
    this.#batch.push(text);
    if (this.#batch.length >= HTTP_BATCH) {
      this.#post();
      // At most two batches in flight: beyond that the sender waits, as TCP would.
      while (this.#posts.size >= 2) await Promise.race(this.#posts);
    } else this.#linger ??= setTimeout(() => this.#post(), HTTP_LINGER_MS);
    this.#checkHttp();
  }

  #post(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    if (this.#batch.length === 0) return;
    const lines = this.#batch;
    this.#batch = [];
    const post = this.#postBatch(lines)
      .catch((err: unknown) => {
        this.#httpError ??= err instanceof Error ? err : new Error(String(err));
        this.stats.refused += lines.length;
      })
      .finally(() => this.#posts.delete(post));
    this.#posts.add(post);
  }

  async #postBatch(lines: string[]): Promise<void> {
    const url = new URL('/api/v1/ingest', this.#options.url);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            ...(this.#options.apiKey && { authorization: `Bearer ${this.#options.apiKey}` }),
          },
          body: lines.join('\n'),
        });
      } catch (err) {
        throw new SinkError(`HTTP ingest at ${url.href} failed: ${(err as Error).message}`);
      }
      if (res.status === 503 && attempt < HTTP_RETRIES) {
        await res.arrayBuffer();
        const wait = Number(res.headers.get('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(10, Math.max(0.1, wait)) * 1000));
        continue;
      }
      const body = (await res.json().catch(() => ({}))) as {
        accepted?: number;
        deadLettered?: number;
        message?: string;
      };
      if (!res.ok)
        throw new SinkError(
          `HTTP ingest at ${url.href} answered ${res.status}: ${body.message ?? res.statusText}`,
        );
      this.stats.delivered += body.accepted ?? 0;
      this.stats.refused += body.deadLettered ?? 0;
      return;
    }
  }

  async flush(): Promise<void> {
    this.#post();
    while (this.#posts.size > 0) await Promise.race(this.#posts);
    await this.#udpIdle();
    const socket = this.#tcp;
    if (socket && socket.writableLength > 0)
      await new Promise<void>((resolve) => socket.once('drain', resolve));
    this.#checkHttp();
    if (this.#tcpError) throw this.#tcpError;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      const socket = this.#tcp;
      if (socket && !socket.destroyed)
        await new Promise<void>((resolve) => socket.end(() => resolve()));
      this.#udp?.close();
      this.#udp = undefined;
    }
  }
}

/**
 * Straight into an ingest pipeline in this process, under a listener name of its own (`demo`,
 * `simulate`), as if received now: the server's demo traffic, and a data directory on disk.
 */
export class PipelineSink implements LineSink {
  readonly stats = emptyStats();
  #batch: TelemetryLine[] = [];
  #writing: Promise<void> = Promise.resolve();
  #error: Error | undefined;

  constructor(
    private readonly pipeline: Pick<IngestPipeline, 'submit'>,
    private readonly clock: Clock,
    private readonly listener: string,
    private readonly batchSize = 200,
  ) {}

  async send(line: TelemetryLine): Promise<void> {
    if (this.#error) throw this.#error;
    this.stats.sent[line.channel]++;
    this.#batch.push(line);
    if (this.#batch.length >= this.batchSize) {
      this.#submit();
      await this.#writing;
    }
  }

  #submit(): void {
    if (this.#batch.length === 0) return;
    const lines = this.#batch;
    this.#batch = [];
    const receivedAt = this.clock.now();
    this.#writing = this.#writing.then(async () => {
      try {
        const result = await this.pipeline.submit(
          lines.map((l) => ({
            raw: Buffer.from(l.text),
            receivedAt,
            listener: this.listener,
            sourceIp: null,
            sourcePort: null,
          })),
        );
        this.stats.delivered += result.accepted;
        this.stats.refused += result.deadLettered;
      } catch (err) {
        this.#error ??= err instanceof Error ? err : new Error(String(err));
        this.stats.refused += lines.length;
      }
    });
  }

  async flush(): Promise<void> {
    this.#submit();
    await this.#writing;
    if (this.#error) throw this.#error;
  }

  close(): Promise<void> {
    return this.flush();
  }
}

import { randomUUID } from 'node:crypto';
import type { Clock } from '@prahari/core';
import {
  parseMessage,
  type ArchiveRecord,
  type ParseResult,
  type ParserName,
} from '@prahari/ingest';
import type { IngestBatch, NewDeadLetter, NewEvent, SourceRow, Store } from '@prahari/store';
import type { Metrics } from '../../http/metrics.js';

/** One message as it came off the wire, before parsing. */
export interface RawMessage {
  raw: Buffer;
  receivedAt: Date;
  /** `syslog-udp`, `syslog-tcp`, `http`, `file` … */
  listener: string;
  sourceIp: string | null;
  sourcePort: number | null;
  /** force a parser (from the request, the CLI or the source's default) */
  parserHint?: ParserName;
  /** the framer cut it at the size limit */
  truncated?: boolean;
  /** the API key that sent it, for sources named by key */
  apiKeyId?: string;
  /** why the message was refused before parsing (a framing error): it goes straight to dead letters */
  rejected?: string;
  /** already parsed by a file-level reader (Zeek TSV needs its header to read a line) */
  parsed?: ParseResult;
}

/** The legal raw archive, written before the hot store so what is acknowledged is in both. */
export interface ArchiveWriter {
  append(records: readonly ArchiveRecord[]): Promise<void>;
}

export interface PipelineOptions {
  batchMaxEvents: number;
  queueMaxEvents: number;
  defaultTimezone: string;
}

export interface SubmitResult {
  accepted: number;
  deadLettered: number;
  /** true when an HTTP batch with this idempotency key was already stored: nothing written again */
  duplicate: boolean;
  parsers: Record<string, number>;
}

interface Pending {
  events: NewEvent[];
  deadLetters: NewDeadLetter[];
  archive: ArchiveRecord[];
  sightings: Map<string, { lastSeen: string; events: number }>;
  idempotency?: IngestBatch['idempotency'];
  result: SubmitResult;
  resolve(result: SubmitResult): void;
  reject(err: unknown): void;
}

export class OverloadedError extends Error {
  constructor() {
    super('The ingest queue is full; retry shortly.');
  }
}

/**
 * From raw messages to durable storage. Parsing happens on submit (it is fast and pure); writing
 * happens in batches — archive append then one store transaction — and each submitter's promise
 * resolves only after its messages are committed, which is what listeners acknowledge on.
 */
export class IngestPipeline {
  #queue: Pending[] = [];
  #queued = 0;
  #writing: Promise<void> | undefined;
  #drainWaiters: (() => void)[] = [];
  #closed = false;
  #sourcesByIp = new Map<string, SourceRow>();
  #sourcesByKey = new Map<string, SourceRow>();
  #sourcesLoaded: Promise<void> | undefined;
  #committedListeners: (() => void)[] = [];
  readonly totals = { received: 0, stored: 0, deadLettered: 0, udpDropped: 0 };
  readonly byParser: Record<string, number> = {};

  constructor(
    private readonly store: Store,
    private readonly archive: ArchiveWriter | null,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly options: PipelineOptions,
  ) {}

  /** Events waiting for the writer. */
  get queued(): number {
    return this.#queued;
  }

  /** True when producers should stop (TCP pauses reading, HTTP answers 503, UDP drops). */
  get overloaded(): boolean {
    return this.#queued >= this.options.queueMaxEvents;
  }

  /** Resolves once the queue is below its limit again. */
  whenDrained(): Promise<void> {
    if (!this.overloaded) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Called after every committed write with new events; detection reads them from the store from
   * there, so a listener is only a wake-up and can never slow or lose a write.
   */
  onCommitted(listener: () => void): void {
    this.#committedListeners.push(listener);
  }

  /** Reloads source definitions after they change through the API. */
  async reloadSources(): Promise<void> {
    const sources = await this.store.sources.list();
    this.#sourcesByIp = new Map(sources.filter((s) => s.matchIp).map((s) => [s.matchIp!, s]));
    this.#sourcesByKey = new Map(
      sources.filter((s) => s.matchApiKeyId).map((s) => [s.matchApiKeyId!, s]),
    );
  }

  /** The named source of a message, when it is already known (no I/O: this runs per message). */
  #knownSource(message: RawMessage): SourceRow | undefined {
    return (
      (message.apiKeyId && this.#sourcesByKey.get(message.apiKeyId)) ||
      (message.sourceIp ? this.#sourcesByIp.get(message.sourceIp) : undefined)
    );
  }

  async #source(message: RawMessage): Promise<SourceRow | undefined> {
    const known = this.#knownSource(message);
    if (known || !message.sourceIp) return known;
    // An unknown sender is still accepted, and listed so someone can name it.
    const now = this.clock.now().toISOString();
    const discovered: SourceRow = {
      id: randomUUID(),
      name: message.sourceIp,
      matchIp: message.sourceIp,
      matchHostname: null,
      matchApiKeyId: null,
      defaultParser: null,
      timezone: null,
      description: null,
      discovered: true,
      firstSeen: null,
      lastSeen: null,
      eventCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.#sourcesByIp.set(message.sourceIp, discovered);
    const existing = await this.store.sources.findByName(discovered.name);
    if (existing) {
      this.#sourcesByIp.set(message.sourceIp, existing);
      return existing;
    }
    await this.store.sources.insert(discovered);
    return discovered;
  }

  /**
   * Parses and queues messages; resolves after they are durably written. Rejects with
   * OverloadedError only when `rejectWhenFull` and the queue is full (HTTP); TCP waits instead.
   */
  async submit(
    messages: RawMessage[],
    options: { idempotency?: IngestBatch['idempotency']; rejectWhenFull?: boolean } = {},
  ): Promise<SubmitResult> {
    if (this.#closed) throw new Error('the ingest pipeline is closed');
    if (options.rejectWhenFull && this.overloaded) throw new OverloadedError();
    this.#sourcesLoaded ??= this.reloadSources();
    await this.#sourcesLoaded;

    const pending: Omit<Pending, 'resolve' | 'reject'> = {
      events: [],
      deadLetters: [],
      archive: [],
      sightings: new Map(),
      ...(options.idempotency && { idempotency: options.idempotency }),
      result: { accepted: 0, deadLettered: 0, duplicate: false, parsers: {} },
    };
    for (const m of messages) {
      const source = this.#knownSource(m) ?? (m.sourceIp ? await this.#source(m) : undefined);
      const receivedAt = m.receivedAt.toISOString();
      const flags = m.truncated ? ['truncated'] : [];
      pending.archive.push({
        receivedAt: m.receivedAt,
        listener: m.listener,
        sourceIp: m.sourceIp,
        sourcePort: m.sourcePort,
        raw: m.raw,
        flags,
      });
      this.metrics.eventsReceived.inc({ listener: m.listener });
      this.metrics.bytesReceived.inc({ listener: m.listener }, m.raw.length);
      const hint = m.parserHint ?? (source?.defaultParser as ParserName | null) ?? undefined;
      const parsed: ParseResult = m.rejected
        ? { ok: false, reason: m.rejected }
        : (m.parsed ??
          parseMessage(m.raw, {
            receivedAt: m.receivedAt,
            defaultTimezone: source?.timezone ?? this.options.defaultTimezone,
            ...(m.sourceIp && { sourceIp: m.sourceIp }),
            ...(hint && { hint }),
          }));
      if (!parsed.ok) {
        pending.deadLetters.push({
          receivedAt,
          listener: m.listener,
          sourceIp: m.sourceIp,
          sourcePort: m.sourcePort,
          parserHint: hint ?? null,
          reason: parsed.reason,
          raw: m.raw,
        });
        pending.result.deadLettered++;
        continue;
      }
      pending.events.push({
        receivedAt,
        eventTime: parsed.event.eventTime,
        listener: m.listener,
        parser: parsed.parser,
        sourceIp: m.sourceIp,
        sourcePort: m.sourcePort,
        sourceName: source?.name ?? null,
        logsource: parsed.event.logsource,
        message: parsed.event.message,
        raw: m.raw.toString('utf8'),
        fields: parsed.event.fields,
        flags: parsed.event.flags,
      });
      pending.result.accepted++;
      pending.result.parsers[parsed.parser] = (pending.result.parsers[parsed.parser] ?? 0) + 1;
      if (source) {
        const s = pending.sightings.get(source.id) ?? { lastSeen: receivedAt, events: 0 };
        s.events++;
        if (receivedAt > s.lastSeen) s.lastSeen = receivedAt;
        pending.sightings.set(source.id, s);
      }
    }
    return new Promise<SubmitResult>((resolve, reject) => {
      this.#queue.push({ ...pending, resolve, reject });
      this.#queued += messages.length;
      this.metrics.ingestQueueDepth.set(this.#queued);
      this.#schedule();
    });
  }

  /**
   * Group commit: when the writer is idle a submission is written at once; while a write is under
   * way, everything submitted meanwhile waits and goes into the next transaction together.
   */
  #schedule(): void {
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      // An idempotent HTTP batch is written alone so that a repeat skips exactly that batch.
      const take: Pending[] = [];
      let events = 0;
      while (this.#queue.length > 0) {
        const next = this.#queue[0]!;
        const size = next.events.length + next.deadLetters.length;
        if (
          take.length > 0 &&
          (next.idempotency || take[0]!.idempotency || events + size > this.options.batchMaxEvents)
        )
          break;
        take.push(this.#queue.shift()!);
        events += size;
      }
      await this.#write(take);
      this.#queued -= events;
      this.metrics.ingestQueueDepth.set(this.#queued);
      if (!this.overloaded) for (const wake of this.#drainWaiters.splice(0)) wake();
    }
    this.#writing = undefined;
  }

  async #write(take: Pending[]): Promise<void> {
    const end = this.metrics.writeBatchSeconds.startTimer();
    try {
      const idempotency = take[0]!.idempotency;
      if (
        idempotency &&
        (await this.store.events.findIdempotent(idempotency.key, idempotency.principalId))
      ) {
        for (const p of take) p.resolve({ ...p.result, duplicate: true });
        return;
      }
      if (this.archive) await this.archive.append(take.flatMap((p) => p.archive));
      const written = await this.store.events.writeBatch({
        events: take.flatMap((p) => p.events),
        deadLetters: take.flatMap((p) => p.deadLetters),
        ...(idempotency && { idempotency }),
      });
      const sightings = new Map<string, { lastSeen: string; events: number }>();
      for (const p of take) {
        for (const [id, s] of p.sightings) {
          const acc = sightings.get(id) ?? { lastSeen: s.lastSeen, events: 0 };
          acc.events += s.events;
          if (s.lastSeen > acc.lastSeen) acc.lastSeen = s.lastSeen;
          sightings.set(id, acc);
        }
      }
      await this.store.sources.recordSightings(
        [...sightings].map(([sourceId, s]) => ({ sourceId, ...s })),
      );
      for (const p of take) {
        if (written) {
          for (const e of p.events) {
            this.metrics.eventsStored.inc({ listener: e.listener, parser: e.parser });
            this.byParser[e.parser] = (this.byParser[e.parser] ?? 0) + 1;
          }
          for (const d of p.deadLetters)
            this.metrics.eventsDeadLettered.inc({ listener: d.listener });
          this.totals.received += p.archive.length;
          this.totals.stored += p.events.length;
          this.totals.deadLettered += p.deadLetters.length;
        }
        p.resolve({ ...p.result, duplicate: !written });
      }
      if (written && take.some((p) => p.events.length > 0))
        for (const listener of this.#committedListeners) listener();
    } catch (err) {
      for (const p of take) p.reject(err);
    } finally {
      end();
    }
  }

  /** Counts a UDP datagram that arrived while the writer was full. */
  countUdpDrop(): void {
    this.totals.udpDropped++;
    this.metrics.udpDropped.inc();
  }

  /** Writes everything queued, then refuses new work. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#writing) await this.#writing;
    if (this.#queue.length > 0) await this.#drain();
  }
}

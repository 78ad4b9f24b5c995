import { randomUUID } from 'node:crypto';
import { setImmediate as turnOfTheEventLoop } from 'node:timers/promises';
import type { Clock } from '@prahari/core';
import {
  parseMessage,
  type ArchiveRecord,
  type EncodedArchiveBatch,
  type ParseResult,
  type ParserName,
} from '@prahari/ingest';
import type {
  IngestBatch,
  NewDeadLetter,
  NewEvent,
  PreparedEvents,
  SourceRow,
  Store,
} from '@prahari/store';
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
  /** turns records into what the archive appends (done on submit, the append comes later) */
  encode(records: readonly ArchiveRecord[]): EncodedArchiveBatch;
  appendEncoded(batches: readonly EncodedArchiveBatch[]): Promise<void>;
}

export interface PipelineOptions {
  batchMaxEvents: number;
  queueMaxEvents: number;
  defaultTimezone: string;
  /** a longer message (from any listener) is cut to this many bytes and flagged `truncated` */
  maxMessageBytes?: number;
}

export interface SubmitResult {
  accepted: number;
  deadLettered: number;
  /** true when an HTTP batch with this idempotency key was already stored: nothing written again */
  duplicate: boolean;
  parsers: Record<string, number>;
}

/**
 * Per source: when it was last heard, how many events, and its newest event time with that
 * event's arrival (ms), from which its clock offset is told. Event times are ISO strings in UTC of
 * one length, so the newest is found by comparing them as text, without a Date per event.
 */
type Sightings = Map<
  string,
  { lastSeen: string; events: number; newestEventTime: string | null; newestArrivalMs: number }
>;

/** The newest event time minus its arrival; null when no event of the source carried a time. */
function clockOffsetMs(s: { newestEventTime: string | null; newestArrivalMs: number }) {
  return s.newestEventTime === null ? null : Date.parse(s.newestEventTime) - s.newestArrivalMs;
}

/**
 * A submission waiting for the writer. It holds its messages already in the form they are
 * written in (archive lines, event rows), not the parsed objects: those die young, which keeps
 * the garbage collector's work small while batches queue.
 */
interface Pending {
  messages: number;
  events: PreparedEvents | null;
  /** stored events by listener and parser, for the metrics */
  kinds: Map<string, { listener: string; parser: string; n: number }>;
  deadLetters: NewDeadLetter[];
  archive: EncodedArchiveBatch | null;
  sightings: Sightings;
  idempotency?: IngestBatch['idempotency'];
  result: SubmitResult;
  resolve(result: SubmitResult): void;
  reject(err: unknown): void;
}

/** Batches taken off the queue beyond the one being committed (archived meanwhile). */
const BATCHES_AHEAD = 2;

/**
 * Parsing hands the event loop back after this long. A TCP sender that was paused delivers up to
 * a megabyte at once per connection, and each read's submission is parsed as soon as the one
 * before it is: without a break, the event loop was held for up to 350 ms at a time during a
 * burst, and everything else waited — archive compression and fsync results (so commits),
 * detection's answers, API requests. With the break, the longest hold measured at full speed fell
 * to 20–80 ms and alert latency at 10,000 events/s to p99 850–960 ms from 1,050–1,440.
 */
const PARSE_SLICE_MS = 10;

export class OverloadedError extends Error {
  constructor() {
    super('The ingest queue is full; retry shortly.');
  }
}

/**
 * From raw messages to durable storage. Parsing happens on submit (it is fast and pure); writing
 * happens in batches — archive append then one store transaction — and each submitter's promise
 * resolves only after its messages are committed, which is what listeners acknowledge on. The
 * store writes on a thread of its own, so while one batch is being committed the next is
 * parsed and appended to the archive here.
 */
export class IngestPipeline {
  #queue: Pending[] = [];
  #queued = 0;
  #writing: Promise<void> | undefined;
  #drainWaiters: (() => void)[] = [];
  #closed = false;
  #sourcesByIp = new Map<string, SourceRow>();
  #sourcesByKey = new Map<string, SourceRow>();
  #sourcesByHostname = new Map<string, SourceRow>();
  #sourcesLoaded: Promise<void> | undefined;
  /** settles when the latest submission has been parsed and queued */
  #parsing: Promise<void> = Promise.resolve();
  /** when parsing last let the event loop run (performance.now()) */
  #sliceStartedAt = 0;
  /** messages submitted and not yet queued */
  #parsingMessages = 0;
  #committedListeners: (() => void)[] = [];
  readonly totals = { received: 0, stored: 0, deadLettered: 0, udpDropped: 0 };
  readonly byParser: Record<string, number> = {};

  constructor(
    private readonly store: Store,
    private readonly archive: ArchiveWriter | null,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly options: PipelineOptions,
  ) {
    // The store's writer thread starts now rather than on the first batch; if it cannot, the
    // first write says why.
    store.events.startWriter().catch(() => undefined);
  }

  /** Events waiting for the writer. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * True when producers should stop (TCP pauses reading, HTTP answers 503, UDP drops). Messages
   * still being parsed count: parsing lets the event loop run, and requests that arrive meanwhile
   * must see them.
   */
  get overloaded(): boolean {
    return this.#queued + this.#parsingMessages >= this.options.queueMaxEvents;
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
    this.#sourcesByHostname = new Map(
      sources.filter((s) => s.matchHostname).map((s) => [s.matchHostname!.toLowerCase(), s]),
    );
  }

  /**
   * The source that names a message by its API key or sender address (no I/O: this runs per
   * message). A source discovered automatically only counts when `discovered` is allowed: a source
   * someone named by hostname wins over it.
   */
  #knownSource(message: RawMessage, discovered: boolean): SourceRow | undefined {
    const byKey = message.apiKeyId ? this.#sourcesByKey.get(message.apiKeyId) : undefined;
    if (byKey && (discovered || !byKey.discovered)) return byKey;
    const byIp = message.sourceIp ? this.#sourcesByIp.get(message.sourceIp) : undefined;
    if (byIp && (discovered || !byIp.discovered)) return byIp;
    return undefined;
  }

  /** The source named by the hostname the parser found (`host.name`), if any. */
  #hostnameSource(parsed: ParseResult): SourceRow | undefined {
    if (this.#sourcesByHostname.size === 0 || !parsed.ok) return undefined;
    const host = parsed.event.fields['host.name'];
    return typeof host === 'string' ? this.#sourcesByHostname.get(host.toLowerCase()) : undefined;
  }

  async #discover(message: RawMessage & { sourceIp: string }): Promise<SourceRow> {
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
      clockOffsetMs: null,
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

  #parse(m: RawMessage, raw: Buffer, truncated: boolean, source: SourceRow | undefined) {
    const hint = m.parserHint ?? (source?.defaultParser as ParserName | null) ?? undefined;
    const timezone = source?.timezone ?? this.options.defaultTimezone;
    const parsed: ParseResult = m.rejected
      ? { ok: false, reason: m.rejected }
      : (m.parsed ??
        parseMessage(raw, {
          receivedAt: m.receivedAt,
          defaultTimezone: timezone,
          ...(m.sourceIp && { sourceIp: m.sourceIp }),
          ...(hint && { hint }),
          ...(truncated && { truncated }),
        }));
    return { parsed, hint, timezone };
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
    // Submissions are parsed and queued in the order they were made, even when one has to wait
    // (for the sources to load, or to record a sender seen for the first time), so the messages
    // of one connection keep their order.
    const previous = this.#parsing;
    let parsed!: () => void;
    this.#parsing = new Promise<void>((resolve) => (parsed = resolve));
    this.#parsingMessages += messages.length;
    let parsing = true;
    try {
      await previous;
      const pending = await this.#prepare(messages, options);
      // From here on they count as queued.
      this.#parsingMessages -= messages.length;
      parsing = false;
      return this.#enqueue(pending);
    } finally {
      if (parsing) {
        this.#parsingMessages -= messages.length;
        this.#wakeIfDrained();
      }
      parsed();
    }
  }

  #wakeIfDrained(): void {
    if (!this.overloaded) for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  /** Parses messages into what the writer stores: archive lines, event rows, dead letters. */
  async #prepare(
    messages: RawMessage[],
    options: { idempotency?: IngestBatch['idempotency'] },
  ): Promise<Omit<Pending, 'resolve' | 'reject'>> {
    this.#sourcesLoaded ??= this.reloadSources();
    await this.#sourcesLoaded;

    const pending: Omit<Pending, 'resolve' | 'reject'> = {
      messages: messages.length,
      events: null,
      kinds: new Map(),
      deadLetters: [],
      archive: null,
      sightings: new Map(),
      ...(options.idempotency && { idempotency: options.idempotency }),
      result: { accepted: 0, deadLettered: 0, duplicate: false, parsers: {} },
    };
    const maxBytes = this.options.maxMessageBytes ?? Infinity;
    const received = new Map<string, { messages: number; bytes: number }>();
    const archive: ArchiveRecord[] = [];
    const events: NewEvent[] = [];
    let lastDate: Date | undefined;
    let lastIso = '';
    for (const m of messages) {
      if (performance.now() - this.#sliceStartedAt > PARSE_SLICE_MS) {
        await turnOfTheEventLoop();
        this.#sliceStartedAt = performance.now();
      }
      // Every listener keeps to the size limit; an over-long message is cut, never dropped.
      const cut = m.raw.length > maxBytes;
      const raw = cut ? m.raw.subarray(0, maxBytes) : m.raw;
      const truncated = cut || m.truncated === true;
      // The messages of one read share their receive time.
      if (m.receivedAt !== lastDate) {
        lastDate = m.receivedAt;
        lastIso = m.receivedAt.toISOString();
      }
      const receivedAt = lastIso;
      archive.push({
        receivedAt: m.receivedAt,
        listener: m.listener,
        sourceIp: m.sourceIp,
        sourcePort: m.sourcePort,
        raw,
        flags: truncated ? ['truncated'] : [],
      });
      const counts = received.get(m.listener);
      if (counts) {
        counts.messages++;
        counts.bytes += m.raw.length;
      } else received.set(m.listener, { messages: 1, bytes: m.raw.length });

      // A source someone named by key or address decides how to parse; failing that, one named
      // by the hostname in the message, which is known only after parsing: the message is parsed
      // again only if that source asks for another parser, or another time zone where the
      // message's time had none.
      let source = this.#knownSource(m, false);
      let { parsed, hint, timezone } = this.#parse(m, raw, truncated, source);
      if (!source) {
        const byHostname = this.#hostnameSource(parsed);
        if (byHostname) {
          source = byHostname;
          const wantHint = m.parserHint ?? (source.defaultParser as ParserName | null) ?? undefined;
          const wantZone = source.timezone ?? this.options.defaultTimezone;
          const zoneMatters =
            parsed.ok &&
            (parsed.event.flags.includes('timezone_assumed') ||
              parsed.event.flags.includes('timezone_invalid'));
          if (
            m.parsed === undefined &&
            (wantHint !== hint || (wantZone !== timezone && zoneMatters))
          )
            ({ parsed, hint, timezone } = this.#parse(m, raw, truncated, source));
        } else {
          source =
            this.#knownSource(m, true) ??
            (m.sourceIp ? await this.#discover({ ...m, sourceIp: m.sourceIp }) : undefined);
        }
      }

      if (!parsed.ok) {
        pending.deadLetters.push({
          receivedAt,
          listener: m.listener,
          sourceIp: m.sourceIp,
          sourcePort: m.sourcePort,
          parserHint: hint ?? null,
          reason: parsed.reason,
          raw,
        });
        pending.result.deadLettered++;
        continue;
      }
      events.push({
        receivedAt,
        eventTime: parsed.event.eventTime,
        listener: m.listener,
        parser: parsed.parser,
        sourceIp: m.sourceIp,
        sourcePort: m.sourcePort,
        sourceName: source?.name ?? null,
        logsource: parsed.event.logsource,
        message: parsed.event.message,
        raw: raw.toString('utf8'),
        fields: parsed.event.fields,
        flags: parsed.event.flags,
      });
      const kind = `${m.listener}\u0000${parsed.parser}`;
      const counted = pending.kinds.get(kind);
      if (counted) counted.n++;
      else pending.kinds.set(kind, { listener: m.listener, parser: parsed.parser, n: 1 });
      pending.result.accepted++;
      pending.result.parsers[parsed.parser] = (pending.result.parsers[parsed.parser] ?? 0) + 1;
      if (source) {
        // An event stamped with its arrival tells nothing of the sender's clock.
        const eventTime = parsed.event.flags.includes('time_missing')
          ? null
          : parsed.event.eventTime;
        const s = pending.sightings.get(source.id);
        if (!s)
          pending.sightings.set(source.id, {
            lastSeen: receivedAt,
            events: 1,
            newestEventTime: eventTime,
            newestArrivalMs: m.receivedAt.getTime(),
          });
        else {
          s.events++;
          if (receivedAt > s.lastSeen) s.lastSeen = receivedAt;
          if (eventTime !== null && (s.newestEventTime === null || eventTime > s.newestEventTime)) {
            s.newestEventTime = eventTime;
            s.newestArrivalMs = m.receivedAt.getTime();
          }
        }
      }
    }
    for (const [listener, counts] of received) {
      this.metrics.eventsReceived.inc({ listener }, counts.messages);
      this.metrics.bytesReceived.inc({ listener }, counts.bytes);
    }
    if (this.archive) pending.archive = this.archive.encode(archive);
    if (events.length > 0) pending.events = this.store.events.prepare(events);
    return pending;
  }

  /** Queues a parsed submission; resolves once it is committed. */
  #enqueue(pending: Omit<Pending, 'resolve' | 'reject'>): Promise<SubmitResult> {
    return new Promise<SubmitResult>((resolve, reject) => {
      this.#queue.push({ ...pending, resolve, reject });
      this.#queued += pending.messages;
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

  /** The next batch off the queue: up to batchMaxEvents, an idempotent HTTP batch alone. */
  #take(): { take: Pending[]; size: number } {
    // An idempotent HTTP batch is written alone so that a repeat skips exactly that batch.
    const take: Pending[] = [];
    let size = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      const n = (next.events?.count ?? 0) + next.deadLetters.length;
      if (
        take.length > 0 &&
        (next.idempotency || take[0]!.idempotency || size + n > this.options.batchMaxEvents)
      )
        break;
      take.push(this.#queue.shift()!);
      size += n;
    }
    return { take, size };
  }

  /**
   * Batches in flight at once: while one is committed to the store (on the store's writer
   * thread), the next ones are appended to the archive, whose group commit shares one fsync among
   * them. Store commits stay in queue order.
   */
  async #drain(): Promise<void> {
    let storing: Promise<void> = Promise.resolve();
    const unfinished: Promise<void>[] = [];
    for (;;) {
      if (this.#queue.length === 0) {
        // Work submitted while the last batches are written is taken up here, not stranded.
        await storing;
        if (this.#queue.length === 0) break;
        continue;
      }
      const { take, size } = this.#take();
      const end = this.metrics.writeBatchSeconds.startTimer();
      const archived = this.#archive(take);
      // Its failure is reported by #commit, once the batches before it have been stored.
      archived.catch(() => undefined);
      storing = storing
        .then(() => this.#commit(take, archived))
        .finally(() => {
          end();
          this.#queued -= size;
          this.metrics.ingestQueueDepth.set(this.#queued);
          this.#wakeIfDrained();
        });
      unfinished.push(storing);
      if (unfinished.length > BATCHES_AHEAD) await unfinished.shift();
    }
    this.#writing = undefined;
  }

  /** Appends a batch to the archive, unless it repeats an idempotent batch (then: false). */
  async #archive(take: Pending[]): Promise<boolean> {
    const idempotency = take[0]!.idempotency;
    if (
      idempotency &&
      (await this.store.events.findIdempotent(idempotency.key, idempotency.principalId))
    )
      return false;
    if (this.archive)
      await this.archive.appendEncoded(
        take.flatMap((p) => (p.archive && p.archive.parts.length > 0 ? [p.archive] : [])),
      );
    return true;
  }

  /** Never rejects: each submitter hears of a failure through its own promise. */
  async #commit(take: Pending[], archived: Promise<boolean>): Promise<void> {
    try {
      if (!(await archived)) {
        for (const p of take) p.resolve({ ...p.result, duplicate: true });
        return;
      }
      const sightings: Sightings = new Map();
      for (const p of take) {
        for (const [id, s] of p.sightings) {
          const acc = sightings.get(id);
          if (!acc) sightings.set(id, { ...s });
          else {
            acc.events += s.events;
            if (s.lastSeen > acc.lastSeen) acc.lastSeen = s.lastSeen;
            if (
              s.newestEventTime !== null &&
              (acc.newestEventTime === null || s.newestEventTime > acc.newestEventTime)
            ) {
              acc.newestEventTime = s.newestEventTime;
              acc.newestArrivalMs = s.newestArrivalMs;
            }
          }
        }
      }
      const idempotency = take[0]!.idempotency;
      const written = await this.store.events.writeBatch({
        events: [],
        prepared: take.flatMap((p) => (p.events ? [p.events] : [])),
        deadLetters: take.flatMap((p) => p.deadLetters),
        sightings: [...sightings].map(([sourceId, s]) => ({
          sourceId,
          lastSeen: s.lastSeen,
          events: s.events,
          clockOffsetMs: clockOffsetMs(s),
        })),
        ...(idempotency && { idempotency }),
      });
      if (written) this.#count(take);
      for (const p of take) p.resolve({ ...p.result, duplicate: !written });
      if (written && take.some((p) => p.events))
        for (const listener of this.#committedListeners) listener();
    } catch (err) {
      for (const p of take) p.reject(err);
    }
  }

  #count(take: Pending[]): void {
    const deadLettered = new Map<string, number>();
    for (const p of take) {
      for (const { listener, parser, n } of p.kinds.values()) {
        this.metrics.eventsStored.inc({ listener, parser }, n);
        this.byParser[parser] = (this.byParser[parser] ?? 0) + n;
      }
      for (const d of p.deadLetters)
        deadLettered.set(d.listener, (deadLettered.get(d.listener) ?? 0) + 1);
      this.totals.received += p.messages;
      this.totals.stored += p.events?.count ?? 0;
      this.totals.deadLettered += p.deadLetters.length;
    }
    for (const [listener, n] of deadLettered) this.metrics.eventsDeadLettered.inc({ listener }, n);
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

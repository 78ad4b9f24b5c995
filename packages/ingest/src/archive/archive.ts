import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Clock } from '@prahari/core';
import { readRange, recordsOnly, writeExport } from './export.js';
import type { ArchiveExportManifest, ArchiveExportOptions, ArchiveExportRange } from './export.js';
import { GENESIS_HASH, buildMember, encodeLines, manifestHash } from './format.js';
import type {
  ArchiveRecord,
  EncodedLines,
  EncodedMember,
  Manifest,
  ManifestBody,
  Tombstone,
} from './format.js';
import {
  HEAD_FILE,
  dataPath,
  isNotFound,
  manifestPath,
  retentionCutoffDay,
  scanSegments,
  segmentName,
  syncDir,
  tombstonePath,
  DAY_MS,
  utcDay,
  utcDayStart,
  writeFileDurable,
} from './layout.js';
import type { SegmentFiles } from './layout.js';
import { errorText, scanSegment } from './members.js';
import { readHead, readManifest, tombstoneProblem, verifyArchive } from './verify.js';
import type { ArchiveChainHead, ArchiveVerifyOptions, ArchiveVerifyResult } from './verify.js';

export interface RawArchiveOptions {
  /** e.g. `<dataDir>/archive`; created (mode 0700) if missing */
  dir: string;
  clock: Clock;
  /** whole days of logs kept before retention may delete them; CERT-In asks for 180 */
  retentionDays?: number;
  /** a segment that would grow past this is sealed and the next one started (default 256 MiB) */
  maxSegmentBytes?: number;
  /** gzip level 1–9 (default 6) */
  compressionLevel?: number;
}

/** Records turned into the archive's lines by RawArchive.encode(), ready to append. */
export interface EncodedArchiveBatch {
  readonly parts: readonly { readonly day: string; readonly lines: EncodedLines }[];
}

/** A sealed segment as its manifest describes it. */
export interface ArchiveSegmentInfo {
  segment: string;
  day: string;
  seq: number;
  count: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  bytes: number;
  sha256: string;
  manifestHash: string;
}

export interface ArchiveStats {
  /** bytes of segment files on disk, sealed and open */
  bytes: number;
  records: number;
  /** segment files on disk, the open one included */
  segments: number;
  sealedSegments: number;
  deletedSegments: number;
  openSegment: string | null;
  oldestDay: string | null;
  newestDay: string | null;
  head: ArchiveChainHead | null;
}

/** What open() cut off the open segment after a crash: an append that was never acknowledged. */
export interface ArchiveRecovery {
  segment: string;
  bytesDropped: number;
  recordsKept: number;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

interface OpenSegment {
  day: string;
  name: string;
  n: number;
  id: string;
  path: string;
  fh: FileHandle;
  /** bytes written: where the next member goes */
  size: number;
  /** bytes fsync'd: everything that may have been acknowledged */
  synced: number;
  count: number;
  minMs: number;
  maxMs: number;
  hash: Hash;
}

function infoOf(m: Manifest): ArchiveSegmentInfo {
  return {
    segment: m.segment,
    day: m.day,
    seq: m.seq,
    count: m.count,
    firstReceivedAt: m.firstReceivedAt,
    lastReceivedAt: m.lastReceivedAt,
    bytes: m.bytes,
    sha256: m.sha256,
    manifestHash: m.manifestHash,
  };
}

function positiveInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ArchiveError(`${name} must be a whole number from ${min} to ${max}; got ${value}`);
  }
  return value;
}

/**
 * The raw log archive kept for CERT-In's 180-day retention: every received message, byte for byte,
 * in per-day gzip segments sealed into a SHA-256 hash chain. See README.md for the format.
 */
export class RawArchive {
  readonly dir: string;
  readonly retentionDays: number;
  readonly maxSegmentBytes: number;
  readonly #clock: Clock;
  readonly #level: number;
  #head: ArchiveChainHead | null = null;
  /** the newest segment created; new segments always come after it, so file order is chain order */
  #newest: { day: string; n: number } | null = null;
  #open: OpenSegment | null = null;
  /** sealed segments whose files are still on disk, in chain order */
  #sealed: Manifest[] = [];
  #deletedCount = 0;
  #recovery: ArchiveRecovery | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #pending: {
    parts: readonly { day: string; lines: EncodedLines }[];
    resolve: () => void;
    reject: (err: unknown) => void;
  }[] = [];
  #inflight = new Set<Promise<void>>();
  #closed = false;
  #broken: Error | null = null;

  private constructor(options: RawArchiveOptions) {
    this.dir = options.dir;
    this.#clock = options.clock;
    this.retentionDays = positiveInteger('retentionDays', options.retentionDays ?? 180, 1, 36_500);
    this.maxSegmentBytes = positiveInteger(
      'maxSegmentBytes',
      options.maxSegmentBytes ?? 256 * 1024 * 1024,
      1024,
      2 ** 32 - 1,
    );
    this.#level = positiveInteger('compressionLevel', options.compressionLevel ?? 6, 1, 9);
  }

  /**
   * Opens (or creates) the archive. If the process died during an append, the unacknowledged
   * partial write at the end of the open segment is cut off; damage anywhere else refuses to open
   * rather than discard acknowledged records. A segment whose day is over is sealed.
   */
  static async open(options: RawArchiveOptions): Promise<RawArchive> {
    const archive = new RawArchive(options);
    await mkdir(archive.dir, { recursive: true, mode: 0o700 });
    await archive.#load(await scanSegments(archive.dir));
    await archive.#sealIfDayOver();
    return archive;
  }

  async #load(segments: SegmentFiles[]): Promise<void> {
    let newestManifest: Manifest | null = null;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      this.#newest = { day: seg.day, n: seg.n };
      if (seg.hasManifest) {
        const m = await readManifest(this.dir, seg);
        // An unreadable manifest is verify's to report; appending can go on past it.
        if (typeof m === 'string' || m.segment !== seg.id) continue;
        newestManifest = m;
        // A deletion record is written only after onDelete ran, so a retention deletion cut short
        // by a crash is finished quietly; a record that does not account for the deletion is left
        // for verify to report, and the file kept.
        if (seg.hasTombstone && (await tombstoneProblem(this.dir, seg, m)) === null) {
          this.#deletedCount++;
          if (seg.hasData) {
            await unlinkIfPresent(dataPath(this.dir, seg.day, seg.name));
            await syncDir(join(this.dir, seg.day));
          }
        } else if (seg.hasData) {
          this.#sealed.push(m);
        }
      } else if (seg.hasData && i === segments.length - 1) {
        await this.#recover(seg);
      }
    }
    const recorded = await readHead(this.dir);
    const fromFile = typeof recorded === 'string' ? null : recorded;
    if (fromFile !== null && (newestManifest === null || fromFile.seq > newestManifest.seq)) {
      // Segments after the last manifest are gone; chaining on from the recorded head keeps the
      // gap visible to verify instead of papering over it.
      this.#head = fromFile;
    } else if (newestManifest !== null) {
      this.#head = {
        seq: newestManifest.seq,
        segment: newestManifest.segment,
        manifestHash: newestManifest.manifestHash,
      };
      if (
        fromFile === null ||
        fromFile.seq !== this.#head.seq ||
        fromFile.manifestHash !== this.#head.manifestHash
      ) {
        // A seal wrote its manifest but died before updating HEAD.json.
        await this.#writeHead(this.#head);
      }
    }
  }

  async #recover(seg: SegmentFiles): Promise<void> {
    const path = dataPath(this.dir, seg.day, seg.name);
    const fh = await open(path, 'r+');
    try {
      const size = (await fh.stat()).size;
      const hash = createHash('sha256');
      const scan = await scanSegment(fh, size, (b) => hash.update(b));
      if (scan.problem !== null) {
        if (!scan.torn) {
          throw new ArchiveError(
            `the archive's open segment ${seg.id} is damaged at byte ${scan.problem.offset} ` +
              `(${scan.problem.reason}) and intact records follow the damage, so this is not an ` +
              `interrupted write; nothing was changed. Copy ${path} aside for investigation, ` +
              `then remove it to let the archive open.`,
          );
        }
        await fh.truncate(scan.validEnd);
        await fh.sync();
        this.#recovery = {
          segment: seg.id,
          bytesDropped: size - scan.validEnd,
          recordsKept: scan.count,
        };
      }
      this.#open = {
        day: seg.day,
        name: seg.name,
        n: seg.n,
        id: seg.id,
        path,
        fh,
        size: scan.validEnd,
        synced: scan.validEnd,
        count: scan.count,
        minMs: scan.minMs,
        maxMs: scan.maxMs,
        hash,
      };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Runs mutations one at a time: the open segment's size and hash must follow the file exactly. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #assertUsable(): void {
    if (this.#closed) throw new ArchiveError('the archive is closed');
    if (this.#broken !== null) {
      throw new ArchiveError(
        `the archive stopped after a failed write (${errorText(this.#broken)}); reopen it`,
      );
    }
  }

  /**
   * Appends the records and resolves only once they are on disk (written and fsync'd): the caller
   * acknowledges the messages after this. Records go into the segment of their UTC receive day;
   * a record for a day that already has a newer segment (a batch straddling midnight, a clock
   * stepped back) goes into the newest segment with its own receive time, because sealed
   * days are never reopened. If it rejects, some of the batch may be stored anyway: retrying can
   * duplicate records, never lose them. After a failed write or fsync the archive refuses further
   * appends until it is reopened, because only re-reading the file tells what is really on disk.
   */
  append(records: readonly ArchiveRecord[]): Promise<void> {
    let batch: EncodedArchiveBatch;
    try {
      batch = this.encode(records);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new ArchiveError(String(err)));
    }
    return this.appendEncoded([batch]);
  }

  /**
   * Turns records into the archive's lines (NDJSON, grouped by UTC receive day) without appending
   * them: a caller that holds records until a later appendEncoded() then holds one buffer per day
   * instead of the records, and the work is done while the archive is busy with earlier appends.
   * `append(records)` is `appendEncoded([encode(records)])`. Throws ArchiveError for a record
   * without a valid receive time or with raw bytes that are not a Buffer.
   */
  encode(records: readonly ArchiveRecord[]): EncodedArchiveBatch {
    for (const r of records) {
      if (!(r.receivedAt instanceof Date) || Number.isNaN(r.receivedAt.getTime())) {
        throw new ArchiveError('an archive record has an invalid receivedAt');
      }
      if (!Buffer.isBuffer(r.raw)) {
        throw new ArchiveError('an archive record raw must be a Buffer');
      }
    }
    if (records.length === 0) return { parts: [] };
    // One day is the rule; only a batch straddling midnight needs grouping. Records are tested
    // against the first one's day in milliseconds: formatting each one's date cost ~1 µs.
    const firstMs = records[0]!.receivedAt.getTime();
    const first = utcDay(firstMs);
    const firstDayStart = utcDayStart(firstMs);
    let byDay: Map<string, ArchiveRecord[]> | undefined;
    for (let i = 1; i < records.length; i++) {
      const ms = records[i]!.receivedAt.getTime();
      if (byDay === undefined) {
        if (ms >= firstDayStart && ms < firstDayStart + DAY_MS) continue;
        byDay = new Map([[first, records.slice(0, i)]]);
      }
      const day = utcDay(ms);
      let group = byDay.get(day);
      if (group === undefined) byDay.set(day, (group = []));
      group.push(records[i]!);
    }
    if (byDay === undefined) return { parts: [{ day: first, lines: encodeLines(records) }] };
    return {
      parts: [...byDay.keys()].sort().map((day) => ({ day, lines: encodeLines(byDay.get(day)!) })),
    };
  }

  /** Appends batches made by encode(), like append(): resolves once they are on disk. */
  appendEncoded(batches: readonly EncodedArchiveBatch[]): Promise<void> {
    const parts = batches.length === 1 ? batches[0]!.parts : batches.flatMap((b) => b.parts);
    if (parts.length === 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new ArchiveError('the archive is closed'));
    const done = new Promise<void>((resolve, reject) => {
      this.#pending.push({ parts, resolve, reject });
      void this.#exclusive(() => this.#commitPending());
    });
    this.#inflight.add(done);
    const forget = () => this.#inflight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /**
   * Group commit: every batch that queued up while the previous fsync ran is written now and
   * made durable by one fsync, so concurrent senders share the cost of the disk flush. The
   * batches going to one segment are compressed into a single member, so that at any moment at
   * most one member is written but not yet synced: after a power loss the damage can then only
   * be a torn last member, which open() tells apart from damage to acknowledged records.
   */
  async #commitPending(): Promise<void> {
    const group = this.#pending.splice(0);
    if (group.length === 0) return;
    try {
      this.#assertUsable();
      let floor = this.#newest?.day ?? '';
      let run: { day: string; parts: EncodedLines[] } | null = null;
      for (const entry of group) {
        for (const { day: receiveDay, lines } of entry.parts) {
          // Sealed days are never reopened; a late record joins the newest day's segment.
          const day = receiveDay < floor ? floor : receiveDay;
          floor = day;
          if (run !== null && run.day !== day) {
            await this.#place(run.day, await buildMember(run.parts, this.#level));
            run = null;
          }
          run ??= { day, parts: [] };
          run.parts.push(lines);
        }
      }
      if (run !== null) await this.#place(run.day, await buildMember(run.parts, this.#level));
      await this.#syncOpen();
    } catch (err) {
      for (const entry of group) entry.reject(err);
      return;
    }
    for (const entry of group) entry.resolve();
  }

  async #place(day: string, member: EncodedMember): Promise<void> {
    let seg = this.#open;
    if (
      seg !== null &&
      (seg.day !== day || (seg.size > 0 && seg.size + member.size > this.maxSegmentBytes))
    ) {
      await this.#seal(seg);
      seg = null;
    }
    seg ??= await this.#create(day);
    await this.#write(seg, member);
  }

  async #create(day: string): Promise<OpenSegment> {
    const n = this.#newest !== null && this.#newest.day === day ? this.#newest.n + 1 : 0;
    const name = segmentName(n);
    const dayDir = join(this.dir, day);
    let madeDir = false;
    try {
      await mkdir(dayDir, { mode: 0o700 });
      madeDir = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (madeDir) await syncDir(this.dir);
    const path = dataPath(this.dir, day, name);
    const fh = await open(path, 'wx', 0o600);
    this.#newest = { day, n };
    const seg: OpenSegment = {
      day,
      name,
      n,
      id: `${day}/${name}`,
      path,
      fh,
      size: 0,
      synced: 0,
      count: 0,
      minMs: Infinity,
      maxMs: -Infinity,
      hash: createHash('sha256'),
    };
    this.#open = seg;
    try {
      // The file's directory entry must be durable before the first append is acknowledged.
      await syncDir(dayDir);
    } catch (err) {
      this.#broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
    return seg;
  }

  async #write(seg: OpenSegment, member: EncodedMember): Promise<void> {
    const { bytes } = member;
    let done = 0;
    try {
      while (done < bytes.length) {
        const { bytesWritten } = await seg.fh.write(
          bytes,
          done,
          bytes.length - done,
          seg.size + done,
        );
        done += bytesWritten;
      }
    } catch (err) {
      this.#broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
    seg.size += member.size;
    seg.count += member.count;
    if (member.minMs < seg.minMs) seg.minMs = member.minMs;
    if (member.maxMs > seg.maxMs) seg.maxMs = member.maxMs;
    seg.hash.update(bytes);
  }

  async #syncOpen(): Promise<void> {
    const seg = this.#open;
    if (seg === null || seg.synced === seg.size) return;
    try {
      await seg.fh.datasync();
    } catch (err) {
      // After a failed fsync the kernel may already have dropped the dirty pages, so a retry
      // could report success for data that is gone.
      this.#broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
    seg.synced = seg.size;
  }

  async #seal(seg: OpenSegment): Promise<ArchiveSegmentInfo | null> {
    // The manifest vouches for the file's bytes, so they must be on disk before it is written.
    await this.#syncOpen();
    try {
      await seg.fh.close();
      if (seg.count === 0) {
        // Only a crash before the first append completed leaves an empty segment; it holds nothing.
        await unlinkIfPresent(seg.path);
        await syncDir(join(this.dir, seg.day));
        this.#open = null;
        return null;
      }
      const head = this.#head;
      const body: ManifestBody = {
        format: 'prahari-archive-segment/1',
        seq: (head?.seq ?? 0) + 1,
        segment: seg.id,
        day: seg.day,
        count: seg.count,
        firstReceivedAt: new Date(seg.minMs).toISOString(),
        lastReceivedAt: new Date(seg.maxMs).toISOString(),
        bytes: seg.size,
        sha256: seg.hash.digest('hex'),
        sealedAt: this.#clock.now().toISOString(),
        prevSegment: head?.segment ?? null,
        prevManifestHash: head?.manifestHash ?? GENESIS_HASH,
      };
      const manifest: Manifest = { ...body, manifestHash: manifestHash(body) };
      await writeFileDurable(
        manifestPath(this.dir, seg.day, seg.name),
        `${JSON.stringify(manifest, null, 2)}\n`,
      );
      this.#open = null;
      this.#sealed.push(manifest);
      this.#head = {
        seq: manifest.seq,
        segment: manifest.segment,
        manifestHash: manifest.manifestHash,
      };
      await this.#writeHead(this.#head);
      return infoOf(manifest);
    } catch (err) {
      this.#broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  async #writeHead(head: ArchiveChainHead): Promise<void> {
    await writeFileDurable(join(this.dir, HEAD_FILE), `${JSON.stringify(head, null, 2)}\n`);
  }

  async #sealIfDayOver(): Promise<ArchiveSegmentInfo | null> {
    const seg = this.#open;
    if (seg === null || seg.day >= utcDay(this.#clock.now().getTime())) return null;
    return this.#seal(seg);
  }

  /** Seals the open segment if its UTC day is over; the server calls this every minute or so. */
  sealDue(): Promise<ArchiveSegmentInfo | null> {
    return this.#exclusive(async () => {
      this.#assertUsable();
      return this.#sealIfDayOver();
    });
  }

  /**
   * Deletes sealed segments of days older than `retentionDays` whole days before today (so no
   * record younger than that is ever deleted). `onDelete` runs first for each — the server writes
   * the audit entry there; if it throws, that segment stays. The manifest stays and a deletion
   * record is written beside it, so the chain still verifies across the gap.
   */
  enforceRetention(
    onDelete: (segment: ArchiveSegmentInfo) => Promise<void>,
  ): Promise<ArchiveSegmentInfo[]> {
    return this.#exclusive(async () => {
      this.#assertUsable();
      await this.#sealIfDayOver();
      const cutoffDay = retentionCutoffDay(this.#clock.now().getTime(), this.retentionDays);
      const deleted: ArchiveSegmentInfo[] = [];
      while (this.#sealed.length > 0 && this.#sealed[0]!.day < cutoffDay) {
        const m = this.#sealed[0]!;
        const info = infoOf(m);
        await onDelete(info);
        const name = m.segment.slice(m.day.length + 1);
        const tombstone: Tombstone = {
          format: 'prahari-archive-deleted/1',
          segment: m.segment,
          manifestHash: m.manifestHash,
          deletedAt: this.#clock.now().toISOString(),
          reason: 'retention',
          retentionDays: this.retentionDays,
        };
        await writeFileDurable(
          tombstonePath(this.dir, m.day, name),
          `${JSON.stringify(tombstone, null, 2)}\n`,
        );
        await unlinkIfPresent(dataPath(this.dir, m.day, name));
        await syncDir(join(this.dir, m.day));
        this.#sealed.shift();
        this.#deletedCount++;
        deleted.push(info);
      }
      return deleted;
    });
  }

  #openLimit() {
    const seg = this.#open;
    return seg === null ? undefined : { segment: seg.id, bytes: seg.synced };
  }

  /** See verifyArchive(); reads only what has been acknowledged of the open segment. */
  verify(options: ArchiveVerifyOptions = {}): Promise<ArchiveVerifyResult> {
    return verifyArchive(this.dir, options, this.#openLimit());
  }

  /** The records received in [from, to), in archive order. */
  export(range: ArchiveExportRange): AsyncIterable<ArchiveRecord> {
    return recordsOnly(readRange(this.dir, range, this.#openLimit()));
  }

  /**
   * Writes the records received in [from, to) to `out` (not ended here) and returns a manifest
   * of the export — count, SHA-256 of the bytes written, and the sealed segments drawn on — to
   * hand over with it, e.g. to CERT-In or a court.
   */
  exportTo(out: Writable, options: ArchiveExportOptions): Promise<ArchiveExportManifest> {
    return writeExport(readRange(this.dir, options, this.#openLimit()), out, options, this.#clock);
  }

  /** The newest sealed segment; record it outside the archive to anchor the chain. */
  head(): ArchiveChainHead | null {
    return this.#head;
  }

  /** Set when open() had to cut a torn append off the open segment. */
  get recovery(): ArchiveRecovery | null {
    return this.#recovery;
  }

  stats(): ArchiveStats {
    let bytes = 0;
    let records = 0;
    for (const m of this.#sealed) {
      bytes += m.bytes;
      records += m.count;
    }
    const seg = this.#open;
    if (seg !== null) {
      bytes += seg.size;
      records += seg.count;
    }
    return {
      bytes,
      records,
      segments: this.#sealed.length + (seg !== null ? 1 : 0),
      sealedSegments: this.#sealed.length,
      deletedSegments: this.#deletedCount,
      openSegment: seg?.id ?? null,
      oldestDay: this.#sealed[0]?.day ?? seg?.day ?? null,
      newestDay: seg?.day ?? this.#sealed[this.#sealed.length - 1]?.day ?? null,
      head: this.#head,
    };
  }

  /** Waits for pending appends, seals a segment whose day is over, and releases the file. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
    return this.#exclusive(async () => {
      if (this.#closed) return;
      this.#closed = true;
      const seg = this.#open;
      if (seg === null) return;
      if (this.#broken === null && seg.day < utcDay(this.#clock.now().getTime())) {
        await this.#seal(seg);
        return;
      }
      this.#open = null;
      if (this.#broken !== null) {
        // A failed seal may already have closed the handle; the failure itself was reported then.
        await seg.fh.close().catch(() => undefined);
        return;
      }
      await seg.fh.close();
    });
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

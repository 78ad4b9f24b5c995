import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Clock } from '@prahari/core';
import { decodeMemberLines, encodeRecordLine, inflateMember, manifestHash } from './format.js';
import type { ArchiveRecord } from './format.js';
import { dataPath, scanSegments, utcDay } from './layout.js';
import { readMembers } from './members.js';
import { readManifest, sealedMembersChecked } from './verify.js';
import type { OpenSegmentLimit } from './verify.js';

export interface ArchiveExportRange {
  /** inclusive */
  from: Date;
  /** exclusive */
  to: Date;
}

/** Which archive segments an export drew on, so a recipient can tie it to the sealed chain. */
export interface ArchiveExportedSegment {
  segment: string;
  /** null for the open segment, which has no manifest yet */
  manifestHash: string | null;
  sha256: string | null;
  records: number;
}

type ExportItem =
  | { kind: 'record'; record: ArchiveRecord }
  | { kind: 'segment'; segment: ArchiveExportedSegment }
  | { kind: 'deleted'; segment: string; firstReceivedAt: string; lastReceivedAt: string };

function overlaps(minMs: number, maxMs: number, range: ArchiveExportRange): boolean {
  return minMs < range.to.getTime() && maxMs >= range.from.getTime();
}

/**
 * Reads the records received in a time range, in archive order, from sealed segments (each
 * checked against its manifest's SHA-256 as it is read) and the open segment (up to what has been
 * synced). Members whose time span misses the range are skipped without inflating them.
 */
export async function* readRange(
  dir: string,
  range: ArchiveExportRange,
  openLimit?: OpenSegmentLimit,
): AsyncGenerator<ExportItem> {
  const fromMs = range.from.getTime();
  const toMs = range.to.getTime();
  if (!(fromMs < toMs)) return;
  // Late records are filed in a later day's segment, never an earlier one, so no segment of a day
  // before `from` can hold records in the range.
  const fromDay = utcDay(fromMs);
  const segments = (await scanSegments(dir)).filter((s) => s.day >= fromDay);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    if (seg.hasManifest) {
      const m = await readManifest(dir, seg);
      if (typeof m === 'string' || manifestHash(m) !== m.manifestHash || m.segment !== seg.id) {
        throw new Error(`archive segment ${seg.id} has a bad manifest; run verify`);
      }
      const span = [Date.parse(m.firstReceivedAt), Date.parse(m.lastReceivedAt)] as const;
      if (!overlaps(span[0], span[1], range)) continue;
      if (!seg.hasData) {
        yield {
          kind: 'deleted',
          segment: seg.id,
          firstReceivedAt: m.firstReceivedAt,
          lastReceivedAt: m.lastReceivedAt,
        };
        continue;
      }
      let records = 0;
      for await (const member of sealedMembersChecked(dir, seg, m)) {
        if (!overlaps(member.minMs, member.maxMs, range)) continue;
        for (const record of decodeMemberLines(await member.inflate())) {
          const t = record.receivedAt.getTime();
          if (t < fromMs || t >= toMs) continue;
          records++;
          yield { kind: 'record', record };
        }
      }
      if (records > 0) {
        yield {
          kind: 'segment',
          segment: { segment: seg.id, manifestHash: m.manifestHash, sha256: m.sha256, records },
        };
      }
    } else if (seg.hasData && isLast) {
      const fh = await open(dataPath(dir, seg.day, seg.name), 'r');
      try {
        const size = (await fh.stat()).size;
        const end =
          openLimit !== undefined && openLimit.segment === seg.id
            ? Math.min(openLimit.bytes, size)
            : size;
        let records = 0;
        // A member that does not read is an append still in flight (or a torn one); verify is the
        // place that tells damage from that, so export simply stops there.
        for await (const { bytes, info } of readMembers(fh, end)) {
          if (!overlaps(info.minMs, info.maxMs, range)) continue;
          for (const record of decodeMemberLines(await inflateMember(bytes, info))) {
            const t = record.receivedAt.getTime();
            if (t < fromMs || t >= toMs) continue;
            records++;
            yield { kind: 'record', record };
          }
        }
        if (records > 0) {
          yield {
            kind: 'segment',
            segment: { segment: seg.id, manifestHash: null, sha256: null, records },
          };
        }
      } finally {
        await fh.close();
      }
    } else {
      throw new Error(`archive segment ${seg.id} has no manifest; run verify`);
    }
  }
}

export async function* recordsOnly(
  items: AsyncIterable<ExportItem>,
): AsyncGenerator<ArchiveRecord> {
  for await (const item of items) if (item.kind === 'record') yield item.record;
}

export interface ArchiveExportOptions extends ArchiveExportRange {
  /**
   * `lines`: each message's raw bytes followed by a newline, as the devices sent them.
   * `ndjson`: the archive's own lines, with receive time, listener and source, lossless even for
   * messages that themselves contain newlines.
   */
  format?: 'lines' | 'ndjson';
}

/** What was handed over, with the SHA-256 of the exact bytes written. */
export interface ArchiveExportManifest {
  format: 'prahari-archive-export/1';
  lineFormat: 'lines' | 'ndjson';
  from: string;
  to: string;
  generatedAt: string;
  records: number;
  bytes: number;
  sha256: string;
  segments: ArchiveExportedSegment[];
  /** segments in the range that retention had already deleted */
  deletedSegments: { segment: string; firstReceivedAt: string; lastReceivedAt: string }[];
}

const NEWLINE = Buffer.from('\n');

/** Writes a range to `out` (which the caller ends) and describes what was written. */
export async function writeExport(
  items: AsyncIterable<ExportItem>,
  out: Writable,
  options: ArchiveExportOptions,
  clock: Clock,
): Promise<ArchiveExportManifest> {
  const lineFormat = options.format ?? 'lines';
  const manifest: ArchiveExportManifest = {
    format: 'prahari-archive-export/1',
    lineFormat,
    from: options.from.toISOString(),
    to: options.to.toISOString(),
    generatedAt: clock.now().toISOString(),
    records: 0,
    bytes: 0,
    sha256: '',
    segments: [],
    deletedSegments: [],
  };
  const hash = createHash('sha256');
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    manifest.bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  for await (const item of items) {
    if (item.kind === 'record') {
      manifest.records++;
      if (lineFormat === 'lines') {
        await write(Buffer.concat([item.record.raw, NEWLINE]));
      } else {
        await write(Buffer.from(`${encodeRecordLine(item.record)}\n`, 'utf8'));
      }
    } else if (item.kind === 'segment') {
      manifest.segments.push(item.segment);
    } else {
      manifest.deletedSegments.push({
        segment: item.segment,
        firstReceivedAt: item.firstReceivedAt,
        lastReceivedAt: item.lastReceivedAt,
      });
    }
  }
  manifest.sha256 = hash.digest('hex');
  return manifest;
}

/**
 * The records received in [from, to) read straight from an archive directory without opening it
 * for writing — for tools such as the CLI that may run beside a live server.
 */
export function exportArchive(
  dir: string,
  range: ArchiveExportRange,
): AsyncIterable<ArchiveRecord> {
  return recordsOnly(readRange(dir, range));
}

/** exportTo() for an archive directory that is not open in this process. */
export function exportArchiveTo(
  dir: string,
  out: Writable,
  options: ArchiveExportOptions,
  clock: Clock,
): Promise<ArchiveExportManifest> {
  return writeExport(readRange(dir, options), out, options, clock);
}

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GENESIS_HASH,
  checkManifestShape,
  checkTombstoneShape,
  inflateMember,
  manifestHash,
} from './format.js';
import type { Manifest } from './format.js';
import {
  HEAD_FILE,
  dataPath,
  isNotFound,
  manifestPath,
  readJsonFile,
  retentionCutoffDay,
  scanSegments,
  tombstonePath,
  utcDay,
} from './layout.js';
import type { SegmentFiles } from './layout.js';
import { errorText, readMembers, scanSegment } from './members.js';

/** The newest sealed segment; recording it elsewhere (the audit trail) anchors the whole chain. */
export interface ArchiveChainHead {
  seq: number;
  segment: string;
  manifestHash: string;
}

export interface ArchiveVerifyOptions {
  /** check segment contents only for these UTC days (the chain of manifests is always checked) */
  from?: Date;
  to?: Date;
  /** a head recorded earlier outside the archive; the chain must still contain it unchanged */
  expectHead?: ArchiveChainHead;
}

export interface ArchiveVerifyResult {
  ok: boolean;
  /** segments whose contents were read and checked */
  segmentsChecked: number;
  recordsChecked: number;
  /** segments in the checked days that retention deleted, each explained by a deletion record */
  deletedByRetention: number;
  head: ArchiveChainHead | null;
  /** the unsealed newest segment, if any */
  openSegment: { segment: string; count: number; bytes: number; pendingBytes: number } | null;
  /** the first segment, in chain order, that was altered, removed, added or moved */
  firstBad?: { segment: string; reason: string };
}

/** An internal limit: the live archive tells verify how much of the open segment it has synced. */
export interface OpenSegmentLimit {
  segment: string;
  bytes: number;
}

export async function readHead(dir: string): Promise<ArchiveChainHead | null | string> {
  let value: unknown;
  try {
    value = await readJsonFile(join(dir, HEAD_FILE));
  } catch (err) {
    if (isNotFound(err)) return null;
    return `${HEAD_FILE} is unreadable: ${errorText(err)}`;
  }
  if (value === null || typeof value !== 'object') return `${HEAD_FILE} is not a JSON object`;
  const o = value as Record<string, unknown>;
  if (
    typeof o['seq'] !== 'number' ||
    typeof o['segment'] !== 'string' ||
    typeof o['manifestHash'] !== 'string'
  ) {
    return `${HEAD_FILE} is incomplete`;
  }
  return { seq: o['seq'], segment: o['segment'], manifestHash: o['manifestHash'] };
}

export async function readManifest(dir: string, seg: SegmentFiles): Promise<Manifest | string> {
  let value: unknown;
  try {
    value = await readJsonFile(manifestPath(dir, seg.day, seg.name));
  } catch (err) {
    return `manifest is unreadable: ${errorText(err)}`;
  }
  return checkManifestShape(value);
}

class Bad extends Error {
  constructor(
    readonly segment: string,
    readonly reason: string,
  ) {
    super(`${segment}: ${reason}`);
  }
}

/**
 * Recomputes a sealed segment file's hash, size, count and time span against its manifest;
 * false when the file has disappeared since the directory was listed.
 */
async function checkSealedData(dir: string, seg: SegmentFiles, m: Manifest): Promise<boolean> {
  let fh;
  try {
    fh = await open(dataPath(dir, seg.day, seg.name), 'r');
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const hash = createHash('sha256');
    const scan = await scanSegment(fh, size, (b) => hash.update(b));
    // Bytes after the last readable member are part of the file too, so they must be hashed.
    if (scan.validEnd < size) {
      const rest = Buffer.allocUnsafe(size - scan.validEnd);
      await fh.read(rest, 0, rest.length, scan.validEnd);
      hash.update(rest);
    }
    if (hash.digest('hex') !== m.sha256 || size !== m.bytes) {
      throw new Bad(seg.id, 'segment content was altered: its SHA-256 differs from the manifest');
    }
    if (scan.problem !== null) {
      throw new Bad(
        seg.id,
        `segment is unreadable at byte ${scan.problem.offset}: ${scan.problem.reason}`,
      );
    }
    if (scan.count !== m.count) {
      throw new Bad(seg.id, `segment holds ${scan.count} records, the manifest says ${m.count}`);
    }
    if (
      new Date(scan.minMs).toISOString() !== m.firstReceivedAt ||
      new Date(scan.maxMs).toISOString() !== m.lastReceivedAt
    ) {
      throw new Bad(seg.id, 'segment time span differs from the manifest');
    }
    return true;
  } finally {
    await fh.close();
  }
}

/** Why a deletion record does not account for this segment's deletion, or null if it does. */
export async function tombstoneProblem(
  dir: string,
  seg: SegmentFiles,
  m: Manifest,
): Promise<string | null> {
  let value: unknown;
  try {
    value = await readJsonFile(tombstonePath(dir, seg.day, seg.name));
  } catch (err) {
    if (isNotFound(err)) return 'segment file is missing (no deletion record explains it)';
    return `deletion record is unreadable: ${errorText(err)}`;
  }
  const t = checkTombstoneShape(value);
  if (typeof t === 'string') return t;
  if (t.segment !== seg.id || t.manifestHash !== m.manifestHash) {
    return 'deletion record does not belong to this segment manifest';
  }
  const deletedMs = Date.parse(t.deletedAt);
  if (Number.isNaN(deletedMs) || seg.day >= retentionCutoffDay(deletedMs, t.retentionDays)) {
    return `deleted before its retention period was over (deletion record: ${t.deletedAt}, ${t.retentionDays} days)`;
  }
  return null;
}

async function checkTombstone(dir: string, seg: SegmentFiles, m: Manifest): Promise<void> {
  const problem = await tombstoneProblem(dir, seg, m);
  if (problem !== null) throw new Bad(seg.id, problem);
}

async function checkOpenSegment(
  dir: string,
  seg: SegmentFiles,
  limit: OpenSegmentLimit | undefined,
): Promise<NonNullable<ArchiveVerifyResult['openSegment']>> {
  const fh = await open(dataPath(dir, seg.day, seg.name), 'r');
  try {
    const size = (await fh.stat()).size;
    const end =
      limit !== undefined && limit.segment === seg.id ? Math.min(limit.bytes, size) : size;
    const scan = await scanSegment(fh, end);
    // A torn tail is an append still in flight, or a crash that the next open() cuts off; anything
    // readable beyond a bad spot means acknowledged records sit behind damage.
    if (scan.problem !== null && !scan.torn) {
      throw new Bad(
        seg.id,
        `open segment is damaged at byte ${scan.problem.offset}: ${scan.problem.reason}`,
      );
    }
    return {
      segment: seg.id,
      count: scan.count,
      bytes: scan.validEnd,
      pendingBytes: size - scan.validEnd,
    };
  } finally {
    await fh.close();
  }
}

/**
 * Checks the archive without changing it, so it can run beside a live server: every manifest's
 * own hash and its link to the one before, every sealed segment file against its manifest (within
 * the days asked for), deletion records for segments retention removed, the chain head, and that
 * the open segment reads. Stops at the first problem in chain order and names that segment.
 */
export async function verifyArchive(
  dir: string,
  options: ArchiveVerifyOptions = {},
  openLimit?: OpenSegmentLimit,
): Promise<ArchiveVerifyResult> {
  const fromDay = options.from !== undefined ? utcDay(options.from.getTime()) : '0000-00-00';
  const toDay = options.to !== undefined ? utcDay(options.to.getTime()) : '9999-99-99';
  const result: ArchiveVerifyResult = {
    ok: true,
    segmentsChecked: 0,
    recordsChecked: 0,
    deletedByRetention: 0,
    head: null,
    openSegment: null,
  };
  // HEAD.json is read before the segments so that a seal completing meanwhile only adds
  // manifests after it, which is fine; it must then be found in the chain.
  const recorded = await readHead(dir);
  const segments = await scanSegments(dir);
  let prev: Manifest | null = null;
  let expectSeen = false;
  let recordedSeen = false;
  try {
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const inRange = seg.day >= fromDay && seg.day <= toDay;
      if (!seg.hasManifest) {
        if (seg.hasTombstone) throw new Bad(seg.id, 'deletion record without a manifest');
        if (i !== segments.length - 1) {
          throw new Bad(
            seg.id,
            'segment has no manifest although newer segments exist (its manifest was removed, or the file was added)',
          );
        }
        const openInfo = await checkOpenSegment(dir, seg, openLimit);
        result.openSegment = openInfo;
        if (inRange) {
          result.segmentsChecked++;
          result.recordsChecked += openInfo.count;
        }
        continue;
      }
      const m = await readManifest(dir, seg);
      if (typeof m === 'string') throw new Bad(seg.id, m);
      if (m.segment !== seg.id || m.day !== seg.day) {
        throw new Bad(
          seg.id,
          `the manifest here belongs to ${m.segment} (segments were moved or reordered)`,
        );
      }
      if (manifestHash(m) !== m.manifestHash) {
        throw new Bad(seg.id, 'manifest was altered: its content no longer matches its hash');
      }
      const expectedSeq = prev === null ? 1 : prev.seq + 1;
      if (m.seq > expectedSeq) {
        const missing = m.prevSegment ?? seg.id;
        throw new Bad(
          missing,
          `segment is missing: ${seg.id} links to it, but its manifest and file are gone`,
        );
      }
      if (m.seq < expectedSeq || m.prevSegment !== (prev?.segment ?? null)) {
        throw new Bad(
          seg.id,
          `out of chain order: it claims position ${m.seq} after ${m.prevSegment ?? 'nothing'}`,
        );
      }
      if (m.prevManifestHash !== (prev?.manifestHash ?? GENESIS_HASH)) {
        // Both manifests hash correctly on their own, so the earlier one was rewritten whole.
        throw new Bad(
          prev?.segment ?? seg.id,
          'manifest was rewritten after sealing: its hash is not the one the next segment recorded',
        );
      }
      if (options.expectHead !== undefined && m.seq === options.expectHead.seq) {
        if (m.manifestHash !== options.expectHead.manifestHash) {
          throw new Bad(
            seg.id,
            'manifest differs from the chain head recorded outside the archive',
          );
        }
        expectSeen = true;
      }
      if (recorded !== null && typeof recorded !== 'string' && m.seq === recorded.seq) {
        if (m.manifestHash !== recorded.manifestHash || m.segment !== recorded.segment) {
          throw new Bad(seg.id, `manifest differs from the chain head recorded in ${HEAD_FILE}`);
        }
        recordedSeen = true;
      }
      if (inRange) {
        if (seg.hasTombstone) await checkTombstone(dir, seg, m);
        if (seg.hasData && !(await checkSealedData(dir, seg, m))) {
          // Retention deleted it while verify ran; its deletion record must now explain that.
          seg.hasData = false;
          seg.hasTombstone = true;
          await checkTombstone(dir, seg, m);
        }
        if (seg.hasData) {
          result.segmentsChecked++;
          result.recordsChecked += m.count;
        } else if (seg.hasTombstone) {
          result.deletedByRetention++;
        } else {
          throw new Bad(seg.id, 'segment file is missing (no deletion record explains it)');
        }
      }
      prev = m;
    }
    const last: Manifest | null = prev;
    result.head =
      last !== null
        ? { seq: last.seq, segment: last.segment, manifestHash: last.manifestHash }
        : null;
    if (typeof recorded === 'string') throw new Bad(HEAD_FILE, recorded);
    if (recorded !== null && !recordedSeen) {
      throw new Bad(
        recorded.segment,
        `segment is missing: ${HEAD_FILE} records it as sealed #${recorded.seq}, but the chain ends before it`,
      );
    }
    if (options.expectHead !== undefined && !expectSeen) {
      throw new Bad(
        options.expectHead.segment,
        `segment is missing: the chain head recorded outside the archive (#${options.expectHead.seq}) is not in the chain`,
      );
    }
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    result.ok = false;
    result.firstBad = { segment: err.segment, reason: err.reason };
  }
  return result;
}

/** Used by export to refuse a segment whose bytes no longer match its manifest. */
export async function* sealedMembersChecked(
  dir: string,
  seg: SegmentFiles,
  m: Manifest,
): AsyncGenerator<{ bytes: Buffer; minMs: number; maxMs: number; inflate: () => Promise<Buffer> }> {
  const fh = await open(dataPath(dir, seg.day, seg.name), 'r');
  try {
    const size = (await fh.stat()).size;
    const hash = createHash('sha256');
    const it = readMembers(fh, size);
    for (;;) {
      const step = await it.next();
      if (step.done === true) {
        if (step.value !== null) {
          throw new Error(
            `archive segment ${seg.id} is unreadable at byte ${step.value.offset}: ${step.value.reason}; run verify`,
          );
        }
        break;
      }
      const { bytes, info } = step.value;
      hash.update(bytes);
      yield {
        bytes,
        minMs: info.minMs,
        maxMs: info.maxMs,
        inflate: () => inflateMember(bytes, info),
      };
    }
    if (hash.digest('hex') !== m.sha256) {
      throw new Error(`archive segment ${seg.id} differs from its manifest (SHA-256); run verify`);
    }
  } finally {
    await fh.close();
  }
}

import type { FileHandle } from 'node:fs/promises';
import { MEMBER_HEADER_BYTES, inflateMember, parseMemberHeader } from './format.js';
import type { MemberInfo } from './format.js';

async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) return buf.subarray(0, got);
    got += bytesRead;
  }
  return buf;
}

export interface Member {
  offset: number;
  info: MemberInfo;
  bytes: Buffer;
}

/** Where and why the members of a file stop being readable before its end. */
export interface MemberProblem {
  offset: number;
  reason: string;
  /** the bad member runs past the end: what a write cut short by a crash looks like */
  incomplete: boolean;
}

/**
 * Walks the members of a segment from byte 0 to `end`. Yields each complete member (not yet
 * inflated) and returns the first problem, or null when the members end exactly at `end`.
 */
export async function* readMembers(
  fh: FileHandle,
  end: number,
): AsyncGenerator<Member, MemberProblem | null> {
  let offset = 0;
  while (offset < end) {
    const header = await readExactly(fh, offset, Math.min(MEMBER_HEADER_BYTES, end - offset));
    const info = parseMemberHeader(header);
    if (typeof info === 'string') {
      return { offset, reason: info, incomplete: header.length < MEMBER_HEADER_BYTES };
    }
    if (offset + info.size > end) {
      return {
        offset,
        reason: `member of ${info.size} bytes runs past the end of the file`,
        incomplete: true,
      };
    }
    const bytes = await readExactly(fh, offset, info.size);
    if (bytes.length < info.size) {
      return { offset, reason: 'file ended inside a member', incomplete: true };
    }
    yield { offset, info, bytes };
    offset += info.size;
  }
  return null;
}

/**
 * After a bad member, decides between a torn write and damage: a crash can only cut short the
 * last append (appends are sequential and each is synced before the next starts), so if any intact
 * member follows the bad spot, acknowledged data lies beyond it and the file must not be truncated.
 */
export async function intactMemberAfter(fh: FileHandle, from: number, end: number) {
  const chunkBytes = 1 << 20;
  for (let pos = from + 1; pos < end; pos += chunkBytes) {
    const chunk = await readExactly(fh, pos, Math.min(chunkBytes + MEMBER_HEADER_BYTES, end - pos));
    for (let i = chunk.indexOf(0x1f); i !== -1 && i < chunkBytes; i = chunk.indexOf(0x1f, i + 1)) {
      const at = pos + i;
      const header =
        i + MEMBER_HEADER_BYTES <= chunk.length
          ? chunk.subarray(i, i + MEMBER_HEADER_BYTES)
          : await readExactly(fh, at, Math.min(MEMBER_HEADER_BYTES, end - at));
      const info = parseMemberHeader(header);
      if (typeof info === 'string' || at + info.size > end) continue;
      try {
        await inflateMember(await readExactly(fh, at, info.size), info);
        return true;
      } catch {
        continue;
      }
    }
  }
  return false;
}

export interface SegmentScan {
  /** bytes up to the end of the last good member */
  validEnd: number;
  count: number;
  minMs: number;
  maxMs: number;
  members: number;
  /** the first unreadable spot, if the file does not end cleanly at `end` */
  problem: MemberProblem | null;
  /** true when the problem is a torn last write that recovery may cut off */
  torn: boolean;
}

/**
 * Reads and inflates every member (zlib checks each CRC), handing each good member's bytes to
 * `onBytes` (for hashing), and classifies whatever follows the last good member.
 */
export async function scanSegment(
  fh: FileHandle,
  end: number,
  onBytes?: (bytes: Buffer) => void,
): Promise<SegmentScan> {
  const scan: SegmentScan = {
    validEnd: 0,
    count: 0,
    minMs: Infinity,
    maxMs: -Infinity,
    members: 0,
    problem: null,
    torn: false,
  };
  const it = readMembers(fh, end);
  for (;;) {
    const step = await it.next();
    if (step.done === true) {
      scan.problem = step.value;
      break;
    }
    const { offset, info, bytes } = step.value;
    try {
      await inflateMember(bytes, info);
    } catch (err) {
      scan.problem = {
        offset,
        reason: `member does not inflate: ${errorText(err)}`,
        incomplete: false,
      };
      await it.return(null);
      break;
    }
    onBytes?.(bytes);
    scan.validEnd = offset + info.size;
    scan.count += info.count;
    scan.members++;
    if (info.minMs < scan.minMs) scan.minMs = info.minMs;
    if (info.maxMs > scan.maxMs) scan.maxMs = info.maxMs;
  }
  if (scan.problem !== null) {
    scan.torn = !(await intactMemberAfter(fh, scan.problem.offset, end));
  }
  return scan;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

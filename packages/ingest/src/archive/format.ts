import { canonicalJson } from '@prahari/core';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

/** One received message exactly as it arrived, with where and when it came from. */
export interface ArchiveRecord {
  receivedAt: Date;
  /** the listener that received it, e.g. `syslog-udp:514` */
  listener: string;
  sourceIp: string | null;
  sourcePort: number | null;
  /** the bytes as received; kept byte for byte, whatever their encoding */
  raw: Buffer;
  /** e.g. `truncated` when the listener cut an over-long message */
  flags?: string[];
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The start of a record's line: `{"t":…,"l":…,"ip":…,"port":…,`. The records of one socket read
 * share it, so a batch builds it once per read.
 */
function linePrefix(record: ArchiveRecord): string {
  return `{"t":${JSON.stringify(record.receivedAt.toISOString())},"l":${JSON.stringify(record.listener)},"ip":${JSON.stringify(record.sourceIp)},"port":${JSON.stringify(record.sourcePort)},`;
}

/**
 * The rest of the line. Text stays readable in `zcat` output; anything that is not valid UTF-8
 * goes as base64, because decoding it as text would replace bytes and the archive must give back
 * exactly what was received.
 */
function lineRest(record: ArchiveRecord): string {
  const raw = isUtf8(record.raw)
    ? `"raw":${JSON.stringify(record.raw.toString('utf8'))}`
    : `"raw_b64":"${record.raw.toString('base64')}"`;
  return record.flags !== undefined && record.flags.length > 0
    ? `${raw},"flags":${JSON.stringify(record.flags)}}`
    : `${raw}}`;
}

/**
 * One record as its line of NDJSON in the segment: the JSON object `{t, l, ip, port, raw |
 * raw_b64, flags?}` (receive time, listener, sender address and port, the bytes, their flags).
 */
export function encodeRecordLine(record: ArchiveRecord): string {
  return linePrefix(record) + lineRest(record);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Parses one NDJSON line back into the record; throws with the reason when the line is not one. */
export function decodeRecordLine(text: string): ArchiveRecord {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('archive line is not a JSON object');
  }
  const o = value as Record<string, unknown>;
  const t = o['t'];
  const l = o['l'];
  const ip = o['ip'];
  const port = o['port'];
  const raw = o['raw'];
  const rawB64 = o['raw_b64'];
  const flags = o['flags'];
  if (typeof t !== 'string' || Number.isNaN(Date.parse(t))) throw new Error('bad or missing "t"');
  if (typeof l !== 'string') throw new Error('bad or missing "l"');
  if (ip !== null && typeof ip !== 'string') throw new Error('bad "ip"');
  if (port !== null && typeof port !== 'number') throw new Error('bad "port"');
  if (flags !== undefined && !isStringArray(flags)) throw new Error('bad "flags"');
  let bytes: Buffer;
  if (typeof raw === 'string' && rawB64 === undefined) bytes = Buffer.from(raw, 'utf8');
  else if (typeof rawB64 === 'string' && raw === undefined) bytes = Buffer.from(rawB64, 'base64');
  else throw new Error('a line needs exactly one of "raw" and "raw_b64"');
  const record: ArchiveRecord = {
    receivedAt: new Date(t),
    listener: l,
    sourceIp: ip,
    sourcePort: port,
    raw: bytes,
  };
  if (flags !== undefined) record.flags = flags;
  return record;
}

/*
 * Each append is one gzip member, so a segment is an ordinary multi-member gzip file (`zcat`,
 * `gunzip -c`, any zlib reads it). Like BGZF, each member's header carries an extra field with the
 * member's own length, which lets recovery find the exact end of the last complete member after a
 * crash, and lets readers skip members by time without inflating them. Layout:
 *
 *   0  1f 8b 08 04            gzip magic, deflate, FEXTRA
 *   4  mtime(4) xfl(1) os(1)  as zlib wrote them (mtime 0)
 *  10  XLEN = 29 (u16 LE)
 *  12  'P' 'R' LEN = 25       Prahari subfield
 *  16  version = 1 (u8)
 *  17  member length in bytes, header to trailer (u32 LE)
 *  21  record count (u32 LE)
 *  25  earliest receive time, ms since epoch (f64 LE)
 *  33  latest receive time, ms since epoch (f64 LE)
 *  41  deflate data, then CRC-32 and ISIZE as in any gzip member
 */
export const MEMBER_HEADER_BYTES = 41;
const SUBFIELD_BYTES = 25;
const FEXTRA = 0x04;

export interface MemberInfo {
  /** whole member length including header and trailer */
  size: number;
  count: number;
  minMs: number;
  maxMs: number;
}

export interface EncodedMember extends MemberInfo {
  bytes: Buffer;
}

/** A run of records already turned into NDJSON, waiting to be compressed into a member. */
export interface EncodedLines {
  text: Buffer;
  count: number;
  minMs: number;
  maxMs: number;
}

export function encodeLines(records: readonly ArchiveRecord[]): EncodedLines {
  let minMs = Infinity;
  let maxMs = -Infinity;
  const lines: string[] = new Array<string>(records.length);
  let previous: ArchiveRecord | undefined;
  let prefix = '';
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const ms = record.receivedAt.getTime();
    if (Number.isNaN(ms)) throw new Error('an archive record has an invalid receivedAt');
    if (ms < minMs) minMs = ms;
    if (ms > maxMs) maxMs = ms;
    if (
      previous === undefined ||
      record.receivedAt !== previous.receivedAt ||
      record.listener !== previous.listener ||
      record.sourceIp !== previous.sourceIp ||
      record.sourcePort !== previous.sourcePort
    )
      prefix = linePrefix(record);
    previous = record;
    lines[i] = prefix + lineRest(record);
  }
  lines.push('');
  return { text: Buffer.from(lines.join('\n'), 'utf8'), count: records.length, minMs, maxMs };
}

/** Compresses one or more runs of lines into a single member. */
export async function buildMember(
  parts: readonly EncodedLines[],
  level: number,
): Promise<EncodedMember> {
  let count = 0;
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const p of parts) {
    count += p.count;
    if (p.minMs < minMs) minMs = p.minMs;
    if (p.maxMs > maxMs) maxMs = p.maxMs;
  }
  if (count === 0) throw new Error('a member needs at least one record');
  const text = parts.length === 1 ? parts[0]!.text : Buffer.concat(parts.map((p) => p.text));
  const gz = await gzipAsync(text, { level });
  // zlib writes a plain 10-byte header (no name, no extra), which the check below relies on.
  if (gz[0] !== 0x1f || gz[1] !== 0x8b || gz[3] !== 0) {
    throw new Error('unexpected gzip header from zlib');
  }
  const size = gz.length + 2 + 4 + SUBFIELD_BYTES;
  if (size > 0xffffffff) throw new Error('a member cannot exceed 4 GiB; append smaller batches');
  const bytes = Buffer.allocUnsafe(size);
  gz.copy(bytes, 0, 0, 10);
  bytes[3] = FEXTRA;
  bytes.writeUInt16LE(4 + SUBFIELD_BYTES, 10);
  bytes[12] = 0x50; // 'P'
  bytes[13] = 0x52; // 'R'
  bytes.writeUInt16LE(SUBFIELD_BYTES, 14);
  bytes[16] = 1;
  bytes.writeUInt32LE(size, 17);
  bytes.writeUInt32LE(count, 21);
  bytes.writeDoubleLE(minMs, 25);
  bytes.writeDoubleLE(maxMs, 33);
  gz.copy(bytes, MEMBER_HEADER_BYTES, 10);
  return { bytes, size, count, minMs, maxMs };
}

export function encodeMember(
  records: readonly ArchiveRecord[],
  level: number,
): Promise<EncodedMember> {
  return buildMember([encodeLines(records)], level);
}

/** Reads a member header; returns why it is not one instead of throwing, for recovery's sake. */
export function parseMemberHeader(header: Buffer): MemberInfo | string {
  if (header.length < MEMBER_HEADER_BYTES) return 'incomplete member header';
  if (header[0] !== 0x1f || header[1] !== 0x8b || header[2] !== 8) return 'not a gzip member';
  if (header[3] !== FEXTRA) return 'gzip member without the Prahari header field';
  if (
    header.readUInt16LE(10) !== 4 + SUBFIELD_BYTES ||
    header[12] !== 0x50 ||
    header[13] !== 0x52 ||
    header.readUInt16LE(14) !== SUBFIELD_BYTES
  ) {
    return 'gzip member without the Prahari header field';
  }
  if (header[16] !== 1) return `unknown member version ${header[16]}`;
  const size = header.readUInt32LE(17);
  const count = header.readUInt32LE(21);
  const minMs = header.readDoubleLE(25);
  const maxMs = header.readDoubleLE(33);
  if (size < MEMBER_HEADER_BYTES + 8) return 'member length in header is too small';
  if (count < 1 || !Number.isFinite(minMs) || !Number.isFinite(maxMs) || minMs > maxMs) {
    return 'member header has impossible count or times';
  }
  return { size, count, minMs, maxMs };
}

/**
 * Inflates one complete member and checks it holds as many lines as its header says; zlib checks
 * the CRC-32 and length in the trailer, so a torn or altered member fails here.
 */
export async function inflateMember(bytes: Buffer, info: MemberInfo): Promise<Buffer> {
  const data = await gunzipAsync(bytes);
  let lines = 0;
  for (let i = data.indexOf(0x0a); i !== -1; i = data.indexOf(0x0a, i + 1)) lines++;
  if (lines !== info.count || data[data.length - 1] !== 0x0a) {
    throw new Error(`member holds ${lines} lines but its header says ${info.count}`);
  }
  return data;
}

/** Splits an inflated member into its records. */
export function* decodeMemberLines(data: Buffer): Generator<ArchiveRecord> {
  let start = 0;
  for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
    yield decodeRecordLine(data.toString('utf8', start, end));
    start = end + 1;
  }
}

export const GENESIS_HASH = '0'.repeat(64);

/** What sealing a segment records about it; the manifest hash covers every field here. */
export interface ManifestBody {
  format: 'prahari-archive-segment/1';
  /** position in the chain, from 1 */
  seq: number;
  /** `YYYY-MM-DD/NNNN` */
  segment: string;
  day: string;
  count: number;
  /** earliest and latest receive time in the segment (ISO 8601 UTC) */
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** size of the segment file */
  bytes: number;
  /** SHA-256 of the segment file as sealed */
  sha256: string;
  sealedAt: string;
  /** the segment sealed just before, or null for the first */
  prevSegment: string | null;
  prevManifestHash: string;
}

export interface Manifest extends ManifestBody {
  manifestHash: string;
}

export function manifestHash(body: ManifestBody): string {
  const fields: ManifestBody = {
    format: body.format,
    seq: body.seq,
    segment: body.segment,
    day: body.day,
    count: body.count,
    firstReceivedAt: body.firstReceivedAt,
    lastReceivedAt: body.lastReceivedAt,
    bytes: body.bytes,
    sha256: body.sha256,
    sealedAt: body.sealedAt,
    prevSegment: body.prevSegment,
    prevManifestHash: body.prevManifestHash,
  };
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a parsed manifest file has every field with the right type; returns the problem if not. */
export function checkManifestShape(value: unknown): Manifest | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'manifest is not a JSON object';
  }
  const o = value as Record<string, unknown>;
  if (o['format'] !== 'prahari-archive-segment/1') return 'manifest has an unknown format';
  const strings = ['segment', 'day', 'firstReceivedAt', 'lastReceivedAt', 'sealedAt'] as const;
  for (const k of strings) if (typeof o[k] !== 'string') return `manifest field ${k} is missing`;
  const numbers = ['seq', 'count', 'bytes'] as const;
  for (const k of numbers) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      return `manifest field ${k} is missing`;
    }
  }
  for (const k of ['sha256', 'prevManifestHash', 'manifestHash'] as const) {
    const v = o[k];
    if (typeof v !== 'string' || !HEX64.test(v)) return `manifest field ${k} is not a SHA-256`;
  }
  if (o['prevSegment'] !== null && typeof o['prevSegment'] !== 'string') {
    return 'manifest field prevSegment is missing';
  }
  return value as Manifest;
}

/** Left beside a manifest when retention deletes the segment file, so the gap is explained. */
export interface Tombstone {
  format: 'prahari-archive-deleted/1';
  segment: string;
  manifestHash: string;
  deletedAt: string;
  reason: 'retention';
  retentionDays: number;
}

export function checkTombstoneShape(value: unknown): Tombstone | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'deletion record is not a JSON object';
  }
  const o = value as Record<string, unknown>;
  if (o['format'] !== 'prahari-archive-deleted/1') return 'deletion record has an unknown format';
  if (typeof o['segment'] !== 'string' || typeof o['deletedAt'] !== 'string') {
    return 'deletion record is incomplete';
  }
  if (typeof o['manifestHash'] !== 'string' || o['reason'] !== 'retention') {
    return 'deletion record is incomplete';
  }
  if (typeof o['retentionDays'] !== 'number') return 'deletion record is incomplete';
  return value as Tombstone;
}

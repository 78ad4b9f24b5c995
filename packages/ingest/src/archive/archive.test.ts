import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '@prahari/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawArchive } from './archive.js';
import { decodeRecordLine, encodeLines, type ArchiveRecord } from './format.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'prahari-archive-')), 'archive');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function record(
  at: string,
  raw: string | Buffer,
  extra: Partial<ArchiveRecord> = {},
): ArchiveRecord {
  return {
    receivedAt: new Date(at),
    listener: 'syslog-udp:514',
    sourceIp: '10.20.0.7',
    sourcePort: 51514,
    raw: typeof raw === 'string' ? Buffer.from(raw) : raw,
    ...extra,
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const everything = { from: new Date('2000-01-01'), to: new Date('2100-01-01') };

describe('RawArchive append and read back', () => {
  it('gives back every message byte for byte, whatever its encoding', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock });
    const payloads = [
      Buffer.from('<34>1 2026-03-10T08:00:00Z fw01 sshd - - - Failed password for root'),
      Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xfe, 0x80, 0x41]), // invalid UTF-8
      Buffer.from([0x00, 0x01, 0x02, 0x0a, 0x0d, 0x1b, 0x7f]), // binary with a newline inside
      Buffer.from('\ufeffBOM then text, and a lone byte:'),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate, which is not valid UTF-8
      Buffer.from('देवनागरी: नगर निगम जल आपूर्ति'),
      Buffer.alloc(0),
      Buffer.from('tab\there "quotes" \\ backslash \u2028 line separator'),
    ];
    await archive.append(
      payloads.map((raw, i) =>
        record('2026-03-10T08:00:00.000Z', raw, {
          sourcePort: i,
          flags: i === 0 ? ['truncated'] : undefined,
        }),
      ),
    );
    await archive.append([
      record('2026-03-10T08:00:01.000Z', 'no source', { sourceIp: null, sourcePort: null }),
    ]);
    const back = await all(archive.export(everything));
    expect(back).toHaveLength(payloads.length + 1);
    payloads.forEach((raw, i) => {
      expect(back[i]!.raw.equals(raw)).toBe(true);
      expect(back[i]!.sourcePort).toBe(i);
    });
    expect(back[0]!.flags).toEqual(['truncated']);
    expect(back[1]!.flags).toBeUndefined();
    expect(back[8]).toEqual({
      receivedAt: new Date('2026-03-10T08:00:01.000Z'),
      listener: 'syslog-udp:514',
      sourceIp: null,
      sourcePort: null,
      raw: Buffer.from('no source'),
    });
    await archive.close();
  });

  it('writes a plain multi-member gzip of NDJSON that standard tools read', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock });
    await archive.append([record('2026-03-10T08:00:00.000Z', 'first batch')]);
    await archive.append([
      record('2026-03-10T08:00:02.000Z', 'second batch'),
      record('2026-03-10T08:00:03.000Z', Buffer.from([0xc3, 0x28])),
    ]);
    // What `zcat 2026-03-10/0000.ndjson.gz` prints: one JSON line per message.
    const text = gunzipSync(readFileSync(join(dir, '2026-03-10', '0000.ndjson.gz'))).toString();
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l): unknown => JSON.parse(l));
    expect(lines).toEqual([
      {
        t: '2026-03-10T08:00:00.000Z',
        l: 'syslog-udp:514',
        ip: '10.20.0.7',
        port: 51514,
        raw: 'first batch',
      },
      expect.objectContaining({ raw: 'second batch' }),
      expect.objectContaining({ raw_b64: 'wyg=' }),
    ]);
    await archive.close();
  });

  it('continues the same open segment after a clean restart on the same day', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    let archive = await RawArchive.open({ dir, clock });
    await archive.append([record('2026-03-10T08:00:00Z', 'before restart')]);
    await archive.close();
    archive = await RawArchive.open({ dir, clock });
    await archive.append([record('2026-03-10T09:00:00Z', 'after restart')]);
    expect(archive.stats()).toMatchObject({
      records: 2,
      segments: 1,
      sealedSegments: 0,
      openSegment: '2026-03-10/0000',
    });
    expect((await all(archive.export(everything))).map((r) => r.raw.toString())).toEqual([
      'before restart',
      'after restart',
    ]);
    await archive.close();
  });

  it('rejects a bad record before writing anything of the batch', async () => {
    const archive = await RawArchive.open({ dir, clock: new ManualClock('2026-03-10T08:00:00Z') });
    await expect(
      archive.append([record('2026-03-10T08:00:00Z', 'fine'), record('not a date', 'bad')]),
    ).rejects.toThrow(/invalid receivedAt/);
    expect(archive.stats().records).toBe(0);
    await archive.close();
  });

  it('lets appends already under way finish on close, and refuses later ones', async () => {
    const archive = await RawArchive.open({ dir, clock: new ManualClock('2026-03-10T08:00:00Z') });
    const inFlight = archive.append([record('2026-03-10T08:00:00Z', 'in flight')]);
    await archive.close();
    await inFlight;
    await expect(archive.append([record('2026-03-10T08:00:01Z', 'too late')])).rejects.toThrow(
      'the archive is closed',
    );
    const reopened = await RawArchive.open({ dir, clock: new ManualClock('2026-03-10T09:00:00Z') });
    expect(reopened.stats().records).toBe(1);
    await reopened.close();
  });
});

describe('the line each record becomes', () => {
  it('is the JSON of {t, l, ip, port, raw | raw_b64, flags}, byte for byte, when records of one read share a line start', () => {
    const read = new Date('2026-03-10T08:00:00.000Z');
    const sameRead = (raw: string | Buffer, extra: Partial<ArchiveRecord> = {}) => ({
      ...record('2026-03-10T08:00:00.000Z', raw, extra),
      receivedAt: read,
    });
    const records: ArchiveRecord[] = [
      sameRead('plain "quoted" \\ back\tslash'),
      sameRead('हिन्दी और \u0000 control'),
      sameRead(Buffer.from([0xff, 0xfe, 0x00])),
      sameRead('cut at the limit', { flags: ['truncated'] }),
      sameRead('another sender', { sourceIp: '10.20.0.8' }),
      sameRead('a port of its own', { sourcePort: 51515 }),
      sameRead('from a file', { listener: 'file "x"', sourceIp: null, sourcePort: null }),
      record('2026-03-10T08:00:01.000Z', 'the next read'),
    ];
    const lines = encodeLines(records).text.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(
      records.map((r) =>
        JSON.stringify({
          t: r.receivedAt.toISOString(),
          l: r.listener,
          ip: r.sourceIp,
          port: r.sourcePort,
          ...(r.raw.equals(Buffer.from(r.raw.toString('utf8')))
            ? { raw: r.raw.toString('utf8') }
            : { raw_b64: r.raw.toString('base64') }),
          ...(r.flags?.length && { flags: r.flags }),
        }),
      ),
    );
    expect(lines.map(decodeRecordLine)).toEqual(records.map((r) => ({ ...r, flags: r.flags })));
  });
});

describe('segments, sealing and the hash chain', () => {
  it('rolls over at UTC midnight and seals the finished day into the chain', async () => {
    const clock = new ManualClock('2026-03-10T23:59:00Z');
    const archive = await RawArchive.open({ dir, clock });
    await archive.append([
      record('2026-03-10T23:59:58.000Z', 'late evening'),
      record('2026-03-10T23:59:59.999Z', 'last of the day'),
    ]);
    clock.set('2026-03-11T00:00:01Z');
    // One batch straddling midnight: each record is filed under its own receive day.
    await archive.append([
      record('2026-03-10T23:59:59.500Z', 'straggler'),
      record('2026-03-11T00:00:00.500Z', 'first of the next day'),
    ]);
    const day1 = JSON.parse(readFileSync(join(dir, '2026-03-10', '0000.manifest.json'), 'utf8'));
    expect(day1).toMatchObject({
      format: 'prahari-archive-segment/1',
      seq: 1,
      segment: '2026-03-10/0000',
      day: '2026-03-10',
      count: 3,
      firstReceivedAt: '2026-03-10T23:59:58.000Z',
      lastReceivedAt: '2026-03-10T23:59:59.999Z',
      sealedAt: '2026-03-11T00:00:01.000Z',
      prevSegment: null,
      prevManifestHash: '0'.repeat(64),
    });
    expect(day1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(archive.stats()).toMatchObject({ openSegment: '2026-03-11/0000', sealedSegments: 1 });

    clock.set('2026-03-12T00:00:30Z');
    const sealed = await archive.sealDue();
    expect(sealed).toMatchObject({ segment: '2026-03-11/0000', seq: 2, count: 1 });
    const day2 = JSON.parse(readFileSync(join(dir, '2026-03-11', '0000.manifest.json'), 'utf8'));
    expect(day2.prevSegment).toBe('2026-03-10/0000');
    expect(day2.prevManifestHash).toBe(day1.manifestHash);
    expect(archive.head()).toEqual({
      seq: 2,
      segment: '2026-03-11/0000',
      manifestHash: day2.manifestHash,
    });
    expect(await archive.sealDue()).toBeNull();
    expect(await archive.verify()).toMatchObject({
      ok: true,
      segmentsChecked: 2,
      recordsChecked: 4,
    });
    await archive.close();
  });

  it('files a record for an already sealed day into the newest segment, never reopening a day', async () => {
    const clock = new ManualClock('2026-03-11T00:00:05Z');
    const archive = await RawArchive.open({ dir, clock });
    await archive.append([record('2026-03-11T00:00:04Z', 'today')]);
    await archive.append([record('2026-03-10T23:59:59.900Z', 'clock stepped back')]);
    expect(readdirSync(dir).sort()).toEqual(['2026-03-11']);
    const back = await all(
      archive.export({
        from: new Date('2026-03-10T23:00:00Z'),
        to: new Date('2026-03-11T00:00:00Z'),
      }),
    );
    expect(back.map((r) => r.raw.toString())).toEqual(['clock stepped back']);
    await archive.close();
  });

  it('starts a new segment of the same day when one grows past maxSegmentBytes', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock, maxSegmentBytes: 4096 });
    for (let i = 0; i < 30; i++) {
      // random-looking payloads so that gzip cannot shrink them below the limit
      const raw = Buffer.from(Array.from({ length: 300 }, (_, j) => (i * 7919 + j * 104729) % 251));
      await archive.append([record(`2026-03-10T08:00:${String(i).padStart(2, '0')}Z`, raw)]);
    }
    const files = readdirSync(join(dir, '2026-03-10')).sort();
    expect(files.filter((f) => f.endsWith('.manifest.json')).length).toBeGreaterThan(1);
    for (const f of files.filter((name) => name.endsWith('.manifest.json'))) {
      const m = JSON.parse(readFileSync(join(dir, '2026-03-10', f), 'utf8'));
      expect(m.bytes).toBeLessThanOrEqual(4096);
    }
    const stats = archive.stats();
    expect(stats.records).toBe(30);
    expect(stats.segments).toBe(stats.sealedSegments + 1);
    expect(await archive.verify()).toMatchObject({ ok: true, recordsChecked: 30 });
    await archive.close();
  });

  it('seals a finished day on close and on the next open', async () => {
    const clock = new ManualClock('2026-03-10T22:00:00Z');
    let archive = await RawArchive.open({ dir, clock });
    await archive.append([record('2026-03-10T22:00:00Z', 'a')]);
    await archive.close();
    expect(readdirSync(join(dir, '2026-03-10'))).not.toContain('0000.manifest.json');

    clock.set('2026-03-11T03:00:00Z');
    archive = await RawArchive.open({ dir, clock });
    expect(readdirSync(join(dir, '2026-03-10'))).toContain('0000.manifest.json');
    expect(archive.stats()).toMatchObject({
      sealedSegments: 1,
      openSegment: null,
      oldestDay: '2026-03-10',
      newestDay: '2026-03-10',
    });
    await archive.close();
  });

  it('reports bytes, records and days for metrics', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock });
    expect(archive.stats()).toEqual({
      bytes: 0,
      records: 0,
      segments: 0,
      sealedSegments: 0,
      deletedSegments: 0,
      openSegment: null,
      oldestDay: null,
      newestDay: null,
      head: null,
    });
    await archive.append([
      record('2026-03-10T08:00:00Z', 'x'),
      record('2026-03-11T08:00:00Z', 'y'),
    ]);
    const stats = archive.stats();
    const onDisk =
      readFileSync(join(dir, '2026-03-10', '0000.ndjson.gz')).length +
      readFileSync(join(dir, '2026-03-11', '0000.ndjson.gz')).length;
    expect(stats).toMatchObject({
      bytes: onDisk,
      records: 2,
      segments: 2,
      sealedSegments: 1,
      oldestDay: '2026-03-10',
      newestDay: '2026-03-11',
    });
    await archive.close();
  });
});

describe('group commit', () => {
  it('writes batches that queue up during an fsync as one member, synced once', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock });
    // Ten senders at once, e.g. ten TCP connections: the first commits alone, the rest queue up.
    await Promise.all(
      Array.from({ length: 10 }, (_, s) =>
        archive.append([record('2026-03-10T08:00:00Z', `sender ${s}`, { sourcePort: s })]),
      ),
    );
    const file = readFileSync(join(dir, '2026-03-10', '0000.ndjson.gz'));
    const memberSizes: number[] = [];
    for (let at = 0; at < file.length; at += file.readUInt32LE(at + 17)) {
      memberSizes.push(file.readUInt32LE(at + 17));
    }
    expect(memberSizes.length).toBeLessThan(10);
    expect((await all(archive.export(everything))).map((r) => r.sourcePort)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    await archive.close();
  });
});

describe('throughput', () => {
  it('appends 100,000 records in batches of 500 and reads them all back', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const archive = await RawArchive.open({ dir, clock });
    const base = Date.parse('2026-03-10T08:00:00Z');
    const batches: ArchiveRecord[][] = [];
    let rawBytes = 0;
    for (let b = 0; b < 200; b++) {
      const batch: ArchiveRecord[] = [];
      for (let i = 0; i < 500; i++) {
        const n = b * 500 + i;
        const raw = Buffer.from(
          `<86>Mar 10 08:${String(n % 60).padStart(2, '0')}:00 web-${n % 17} sshd[${1000 + (n % 997)}]: ` +
            `Failed password for invalid user admin${n % 113} from 203.0.113.${n % 254} port ${40000 + (n % 9000)} ssh2`,
        );
        rawBytes += raw.length;
        batch.push(record(new Date(base + n).toISOString(), raw, { sourcePort: n }));
      }
      batches.push(batch);
    }
    const started = performance.now();
    for (const batch of batches) await archive.append(batch);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `archive: 100000 records (${(rawBytes / 1e6).toFixed(1)} MB raw) in ${seconds.toFixed(2)} s = ` +
        `${Math.round(100_000 / seconds)} records/s, ${(rawBytes / 1e6 / seconds).toFixed(1)} MB/s, ` +
        `${(archive.stats().bytes / 1e6).toFixed(1)} MB on disk`,
    );
    let count = 0;
    for await (const r of archive.export(everything)) {
      if (r.sourcePort !== count) throw new Error(`record ${count} came back out of order`);
      count++;
    }
    expect(count).toBe(100_000);
    await archive.close();
  });
});

import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '@prahari/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawArchive } from './archive.js';
import { exportArchive } from './export.js';
import type { ArchiveRecord } from './format.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'prahari-export-')), 'archive');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const HOUR = 3_600_000;

/** Three days, a record every hour, from a CCTV NVR; the third day still open. */
async function threeDays(clock: ManualClock): Promise<RawArchive> {
  const archive = await RawArchive.open({ dir, clock });
  const start = Date.parse('2026-08-14T00:30:00Z');
  for (let h = 0; h < 72; h++) {
    clock.set(start + h * HOUR);
    await archive.append([
      {
        receivedAt: clock.now(),
        listener: 'syslog-udp:514',
        sourceIp: '10.50.3.21',
        sourcePort: 514,
        raw:
          h === 30
            ? Buffer.from([0x3c, 0x34, 0x3e, 0xc0, 0xaf, 0x6e, 0x76, 0x72]) // overlong UTF-8
            : Buffer.from(`<30>nvr-ward12 camera ${h % 8} motion event hour=${h}`),
      },
    ]);
  }
  return archive;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('export', () => {
  it('yields exactly the records received in [from, to), across sealed and open segments', async () => {
    const clock = new ManualClock();
    const archive = await threeDays(clock);
    const from = new Date('2026-08-15T20:00:00Z');
    const to = new Date('2026-08-16T02:30:00Z'); // exclusive: the 02:30 record is not in it
    const records: ArchiveRecord[] = await all(archive.export({ from, to }));
    expect(records.map((r) => r.receivedAt.toISOString())).toEqual([
      '2026-08-15T20:30:00.000Z',
      '2026-08-15T21:30:00.000Z',
      '2026-08-15T22:30:00.000Z',
      '2026-08-15T23:30:00.000Z',
      '2026-08-16T00:30:00.000Z',
      '2026-08-16T01:30:00.000Z',
    ]);
    expect(await all(archive.export({ from: to, to: from }))).toEqual([]);
    await archive.close();
  });

  it('writes the original lines with a manifest naming the sealed segments and their hashes', async () => {
    const clock = new ManualClock();
    const archive = await threeDays(clock);
    const out = createWriteStream(join(dir, '..', 'export.log'));
    const manifest = await archive.exportTo(out, {
      from: new Date('2026-08-15T05:00:00Z'),
      to: new Date('2026-08-16T05:00:00Z'),
    });
    out.end();
    await finished(out);
    const written = readFileSync(join(dir, '..', 'export.log'));
    const lines = written.toString('latin1').trimEnd().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[0]).toBe('<30>nvr-ward12 camera 5 motion event hour=29');
    // the non-UTF-8 message comes out byte for byte
    expect(written.subarray(written.indexOf('\n') + 1, written.indexOf('\n') + 9)).toEqual(
      Buffer.from([0x3c, 0x34, 0x3e, 0xc0, 0xaf, 0x6e, 0x76, 0x72]),
    );
    const day15 = JSON.parse(readFileSync(join(dir, '2026-08-15', '0000.manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      format: 'prahari-archive-export/1',
      lineFormat: 'lines',
      from: '2026-08-15T05:00:00.000Z',
      to: '2026-08-16T05:00:00.000Z',
      generatedAt: '2026-08-16T23:30:00.000Z',
      records: 24,
      bytes: written.length,
      sha256: createHash('sha256').update(written).digest('hex'),
      segments: [
        {
          segment: '2026-08-15/0000',
          manifestHash: day15.manifestHash,
          sha256: day15.sha256,
          records: 19,
        },
        { segment: '2026-08-16/0000', manifestHash: null, sha256: null, records: 5 },
      ],
      deletedSegments: [],
    });
    await archive.close();
  });

  it('writes lossless NDJSON when asked, the same lines the segments hold', async () => {
    const clock = new ManualClock();
    const archive = await threeDays(clock);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const manifest = await archive.exportTo(out, {
      from: new Date('2026-08-14T00:00:00Z'),
      to: new Date('2026-08-15T00:00:00Z'),
      format: 'ndjson',
    });
    // The whole segment file read the way a standard tool reads it (zcat, gunzip -c).
    const segment = gunzipSync(readFileSync(join(dir, '2026-08-14', '0000.ndjson.gz')));
    expect(Buffer.concat(chunks).equals(segment)).toBe(true);
    expect(manifest).toMatchObject({ lineFormat: 'ndjson', records: 24 });
    await archive.close();
  });

  it('reads an archive directory without opening it for writing, as the CLI does', async () => {
    const clock = new ManualClock();
    const archive = await threeDays(clock);
    await archive.close();
    const records = await all(
      exportArchive(dir, {
        from: new Date('2026-08-16T22:00:00Z'),
        to: new Date('2026-08-17T00:00:00Z'),
      }),
    );
    expect(records.map((r) => r.raw.toString())).toEqual([
      '<30>nvr-ward12 camera 6 motion event hour=70',
      '<30>nvr-ward12 camera 7 motion event hour=71',
    ]);
  });

  it('lists the segments retention already deleted from the period', async () => {
    const clock = new ManualClock();
    const archive = await RawArchive.open({ dir, clock, retentionDays: 1 });
    for (const day of ['2026-08-10', '2026-08-11', '2026-08-12']) {
      clock.set(`${day}T10:00:00Z`);
      await archive.append([
        {
          receivedAt: clock.now(),
          listener: 'http',
          sourceIp: null,
          sourcePort: null,
          raw: Buffer.from(day),
        },
      ]);
    }
    await archive.enforceRetention(() => Promise.resolve());
    const manifest = await archive.exportTo(new PassThrough().resume(), {
      from: new Date('2026-08-01T00:00:00Z'),
      to: new Date('2026-08-13T00:00:00Z'),
    });
    expect(manifest.deletedSegments).toEqual([
      {
        segment: '2026-08-10/0000',
        firstReceivedAt: '2026-08-10T10:00:00.000Z',
        lastReceivedAt: '2026-08-10T10:00:00.000Z',
      },
    ]);
    expect(manifest.records).toBe(2);
    await archive.close();
  });

  it('refuses to hand over a sealed segment whose bytes no longer match its manifest', async () => {
    const clock = new ManualClock();
    const archive = await threeDays(clock);
    const path = join(dir, '2026-08-14', '0000.ndjson.gz');
    const bytes = readFileSync(path);
    // Swap two whole members: each still inflates, only the segment hash can tell.
    const first = bytes.readUInt32LE(17);
    const second = bytes.readUInt32LE(first + 17);
    writeFileSync(
      path,
      Buffer.concat([
        bytes.subarray(first, first + second),
        bytes.subarray(0, first),
        bytes.subarray(first + second),
      ]),
    );
    await expect(
      all(archive.export({ from: new Date('2026-08-14'), to: new Date('2026-08-15') })),
    ).rejects.toThrow(/2026-08-14\/0000 differs from its manifest/);
    await archive.close();
  });
});

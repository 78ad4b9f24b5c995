import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@prahari/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawArchive } from './archive.js';
import type { ArchiveSegmentInfo } from './archive.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'prahari-retention-')), 'archive');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const DAY = 86_400_000;

/** One record at noon on each given day (counted from 2026-01-01 = 0), each day then sealed. */
async function daysOfLogs(clock: ManualClock, days: number | number[], retentionDays?: number) {
  const archive = await RawArchive.open({ dir, clock, retentionDays });
  const start = Date.parse('2026-01-01T12:00:00Z');
  const offsets = typeof days === 'number' ? Array.from({ length: days }, (_, d) => d) : days;
  for (const d of offsets) {
    clock.set(start + d * DAY);
    await archive.append([
      {
        receivedAt: clock.now(),
        listener: 'http',
        sourceIp: '10.0.0.1',
        sourcePort: null,
        raw: Buffer.from(`{"portal":"e-gov","day":${d}}`),
      },
    ]);
  }
  return archive;
}

describe('retention', () => {
  it('keeps 180 days by default and deletes older days, auditing each deletion first', async () => {
    const clock = new ManualClock();
    // 2026-01-01, -02, -03, then 2026-04-11, 2026-06-29 and 2026-06-30
    const archive = await daysOfLogs(clock, [0, 1, 2, 100, 179, 180]);
    expect(archive.retentionDays).toBe(180);
    clock.set('2026-07-01T03:00:00Z');
    const audited: ArchiveSegmentInfo[] = [];
    const onDelete = (segment: ArchiveSegmentInfo) => {
      // The server writes the audit entry here; the file must still exist while it does.
      expect(existsSync(join(dir, segment.day, '0000.ndjson.gz'))).toBe(true);
      audited.push(segment);
      return Promise.resolve();
    };
    // The 180 whole days before 2026-07-01 start on 2026-01-02: only 2026-01-01 may go, and
    // its last record (noon) is by now more than 180 days old.
    const deleted = await archive.enforceRetention(onDelete);
    expect(deleted.map((s) => s.segment)).toEqual(['2026-01-01/0000']);
    expect(audited).toEqual(deleted);
    expect(deleted[0]).toMatchObject({
      segment: '2026-01-01/0000',
      day: '2026-01-01',
      seq: 1,
      count: 1,
      firstReceivedAt: '2026-01-01T12:00:00.000Z',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      manifestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(existsSync(join(dir, '2026-01-01', '0000.ndjson.gz'))).toBe(false);
    expect(existsSync(join(dir, '2026-01-02', '0000.ndjson.gz'))).toBe(true);
    // The manifest stays and a deletion record explains the gap.
    expect(existsSync(join(dir, '2026-01-01', '0000.manifest.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '2026-01-01', '0000.deleted.json'), 'utf8'))).toEqual({
      format: 'prahari-archive-deleted/1',
      segment: '2026-01-01/0000',
      manifestHash: deleted[0]!.manifestHash,
      deletedAt: '2026-07-01T03:00:00.000Z',
      reason: 'retention',
      retentionDays: 180,
    });
    // Running it again the same day deletes nothing more; the next day takes the next day.
    expect(await archive.enforceRetention(onDelete)).toEqual([]);
    clock.set('2026-07-02T00:00:00Z');
    expect((await archive.enforceRetention(onDelete)).map((s) => s.day)).toEqual(['2026-01-02']);
    expect(await archive.verify()).toMatchObject({
      ok: true,
      segmentsChecked: 4,
      deletedByRetention: 2,
    });
    expect(archive.stats()).toMatchObject({
      sealedSegments: 4,
      deletedSegments: 2,
      oldestDay: '2026-01-03',
    });
    await archive.close();
  });

  it('takes a configured period and still verifies after a restart', async () => {
    const clock = new ManualClock();
    let archive = await daysOfLogs(clock, 10, 3);
    clock.set('2026-01-11T00:10:00Z');
    const deleted = await archive.enforceRetention(() => Promise.resolve());
    // The open segment of 2026-01-10 is sealed first; 2026-01-08, -09 and -10 stay.
    expect(deleted.map((s) => s.day)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
    await archive.close();
    archive = await RawArchive.open({ dir, clock, retentionDays: 3 });
    expect(archive.stats()).toMatchObject({ sealedSegments: 3, deletedSegments: 7 });
    expect(await archive.verify()).toMatchObject({ ok: true, deletedByRetention: 7 });
    await archive.close();
  });

  it('deletes nothing of a segment whose audit entry could not be written', async () => {
    const clock = new ManualClock();
    const archive = await daysOfLogs(clock, 5, 1);
    clock.set('2026-01-10T00:00:00Z');
    await expect(
      archive.enforceRetention(() => Promise.reject(new Error('audit store unavailable'))),
    ).rejects.toThrow('audit store unavailable');
    expect(existsSync(join(dir, '2026-01-01', '0000.ndjson.gz'))).toBe(true);
    expect(existsSync(join(dir, '2026-01-01', '0000.deleted.json'))).toBe(false);
    expect(await archive.verify()).toMatchObject({ ok: true, deletedByRetention: 0 });
    await archive.close();
  });

  it('tells apart a retention deletion from a deletion record forged for another segment', async () => {
    const clock = new ManualClock();
    const archive = await daysOfLogs(clock, 5, 1);
    clock.set('2026-01-05T13:00:00Z');
    await archive.enforceRetention(() => Promise.resolve());
    const forged = JSON.parse(readFileSync(join(dir, '2026-01-01', '0000.deleted.json'), 'utf8'));
    rmSync(join(dir, '2026-01-04', '0000.ndjson.gz'));
    writeFileSync(
      join(dir, '2026-01-04', '0000.deleted.json'),
      JSON.stringify({ ...forged, segment: '2026-01-04/0000' }),
    );
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-01-04/0000',
      reason: 'deletion record does not belong to this segment manifest',
    });
    await archive.close();
  });

  it('flags a deletion record that claims retention for a segment still inside the period', async () => {
    const clock = new ManualClock();
    const archive = await daysOfLogs(clock, 5);
    const m = JSON.parse(readFileSync(join(dir, '2026-01-03', '0000.manifest.json'), 'utf8'));
    rmSync(join(dir, '2026-01-03', '0000.ndjson.gz'));
    writeFileSync(
      join(dir, '2026-01-03', '0000.deleted.json'),
      JSON.stringify({
        format: 'prahari-archive-deleted/1',
        segment: '2026-01-03/0000',
        manifestHash: m.manifestHash,
        deletedAt: '2026-01-06T00:00:00.000Z',
        reason: 'retention',
        retentionDays: 180,
      }),
    );
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-01-03/0000',
      reason:
        'deleted before its retention period was over (deletion record: 2026-01-06T00:00:00.000Z, 180 days)',
    });
    await archive.close();
  });

  it('finishes a deletion that a crash interrupted after the audit and the deletion record', async () => {
    const clock = new ManualClock();
    let archive = await daysOfLogs(clock, 3, 1);
    clock.set('2026-01-04T00:00:00Z');
    const kept = readFileSync(join(dir, '2026-01-01', '0000.ndjson.gz'));
    await archive.enforceRetention(() => Promise.resolve());
    await archive.close();
    // as if the process died between writing the deletion record and unlinking the file
    writeFileSync(join(dir, '2026-01-01', '0000.ndjson.gz'), kept);
    archive = await RawArchive.open({ dir, clock, retentionDays: 1 });
    expect(existsSync(join(dir, '2026-01-01', '0000.ndjson.gz'))).toBe(false);
    expect(archive.stats()).toMatchObject({ deletedSegments: 2, sealedSegments: 1 });
    expect(await archive.verify()).toMatchObject({ ok: true, deletedByRetention: 2 });
    await archive.close();
  });
});

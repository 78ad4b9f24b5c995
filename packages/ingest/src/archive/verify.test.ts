import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@prahari/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawArchive } from './archive.js';
import { manifestHash } from './format.js';
import type { Manifest } from './format.js';
import { verifyArchive } from './verify.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'prahari-verify-')), 'archive');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** Four days of logs, each day sealed: 2026-04-01/0000 … 2026-04-04/0000, then an open day. */
async function fourSealedDays(): Promise<RawArchive> {
  const clock = new ManualClock('2026-04-01T06:00:00Z');
  const archive = await RawArchive.open({ dir, clock });
  for (let d = 1; d <= 5; d++) {
    const day = `2026-04-0${d}`;
    clock.set(`${day}T06:00:00Z`);
    for (let b = 0; b < 2; b++) {
      await archive.append(
        Array.from({ length: 50 }, (_, i) => ({
          receivedAt: new Date(`${day}T06:0${b}:${String(i).padStart(2, '0')}Z`),
          listener: 'syslog-tcp:601',
          sourceIp: `10.1.${d}.${i}`,
          sourcePort: 5000 + i,
          raw: Buffer.from(`<13>${day} scada-plc-${i} pump ${b} pressure ${i * d} kPa`),
        })),
      );
    }
  }
  return archive;
}

const seg = (day: string, file: string) => join(dir, day, file);

function readManifest(day: string): Manifest {
  return JSON.parse(readFileSync(seg(day, '0000.manifest.json'), 'utf8')) as Manifest;
}

describe('verify', () => {
  it('passes an untouched archive and reports what it checked', async () => {
    const archive = await fourSealedDays();
    const result = await archive.verify();
    expect(result).toMatchObject({
      ok: true,
      segmentsChecked: 5,
      recordsChecked: 500,
      deletedByRetention: 0,
      head: { seq: 4, segment: '2026-04-04/0000' },
      openSegment: { segment: '2026-04-05/0000', count: 100, pendingBytes: 0 },
    });
    expect(result.firstBad).toBeUndefined();
    // Without the live archive, e.g. from the CLI beside a running server, the result is the same.
    expect(await verifyArchive(dir)).toMatchObject({ ok: true, segmentsChecked: 5 });
    await archive.close();
  });

  it('names the segment in which one byte was flipped', async () => {
    const archive = await fourSealedDays();
    const path = seg('2026-04-02', '0000.ndjson.gz');
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(path, bytes);
    expect(await archive.verify()).toMatchObject({
      ok: false,
      firstBad: {
        segment: '2026-04-02/0000',
        reason: expect.stringMatching(/SHA-256 differs/),
      },
    });
    await archive.close();
  });

  it('names a segment file that was deleted', async () => {
    const archive = await fourSealedDays();
    unlinkSync(seg('2026-04-03', '0000.ndjson.gz'));
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-04-03/0000',
      reason: 'segment file is missing (no deletion record explains it)',
    });
    await archive.close();
  });

  it('names a segment removed together with its manifest, from the link the next one holds', async () => {
    const archive = await fourSealedDays();
    rmSync(join(dir, '2026-04-02'), { recursive: true });
    expect((await archive.verify()).firstBad).toMatchObject({
      segment: '2026-04-02/0000',
      reason: expect.stringMatching(/missing: 2026-04-03\/0000 links to it/),
    });
    await archive.close();
  });

  it('names the newest sealed segment when it is removed with its manifest (HEAD.json remembers it)', async () => {
    const archive = await fourSealedDays();
    rmSync(join(dir, '2026-04-04'), { recursive: true });
    expect((await archive.verify()).firstBad).toMatchObject({
      segment: '2026-04-04/0000',
      reason: expect.stringMatching(/HEAD.json records it as sealed #4/),
    });
    await archive.close();
  });

  it('names a segment whose manifest was edited', async () => {
    const archive = await fourSealedDays();
    const m = readManifest('2026-04-02');
    writeFileSync(
      seg('2026-04-02', '0000.manifest.json'),
      JSON.stringify({ ...m, count: m.count - 1 }, null, 2),
    );
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-04-02/0000',
      reason: 'manifest was altered: its content no longer matches its hash',
    });
    await archive.close();
  });

  it('names a segment whose file and manifest were both rewritten with fresh hashes', async () => {
    const archive = await fourSealedDays();
    // The forger rewrites the manifest consistently; the next segment's link still gives it away.
    const m = readManifest('2026-04-02');
    const forged = { ...m, sealedAt: '2026-04-03T00:00:00.000Z' };
    forged.manifestHash = manifestHash(forged);
    writeFileSync(seg('2026-04-02', '0000.manifest.json'), JSON.stringify(forged, null, 2));
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-04-02/0000',
      reason:
        'manifest was rewritten after sealing: its hash is not the one the next segment recorded',
    });
    await archive.close();
  });

  it('names the first of two segments swapped in order', async () => {
    const archive = await fourSealedDays();
    for (const file of ['0000.ndjson.gz', '0000.manifest.json']) {
      renameSync(seg('2026-04-02', file), seg('2026-04-02', `${file}.x`));
      renameSync(seg('2026-04-03', file), seg('2026-04-02', file));
      renameSync(seg('2026-04-02', `${file}.x`), seg('2026-04-03', file));
    }
    expect((await archive.verify()).firstBad).toEqual({
      segment: '2026-04-02/0000',
      reason: 'the manifest here belongs to 2026-04-03/0000 (segments were moved or reordered)',
    });
    await archive.close();
  });

  it('names data swapped between two segments even when the manifests stay put', async () => {
    const archive = await fourSealedDays();
    const a = seg('2026-04-01', '0000.ndjson.gz');
    const b = seg('2026-04-03', '0000.ndjson.gz');
    const bytesA = readFileSync(a);
    writeFileSync(a, readFileSync(b));
    writeFileSync(b, bytesA);
    expect((await archive.verify()).firstBad?.segment).toBe('2026-04-01/0000');
    await archive.close();
  });

  it('flags a segment file slipped into an old day', async () => {
    const archive = await fourSealedDays();
    writeFileSync(
      seg('2026-04-02', '0001.ndjson.gz'),
      readFileSync(seg('2026-04-02', '0000.ndjson.gz')),
    );
    expect((await archive.verify()).firstBad).toMatchObject({
      segment: '2026-04-02/0001',
      reason: expect.stringMatching(/no manifest although newer segments exist/),
    });
    await archive.close();
  });

  it('detects a damaged open segment', async () => {
    const archive = await fourSealedDays();
    await archive.close();
    const path = seg('2026-04-05', '0000.ndjson.gz');
    const bytes = readFileSync(path);
    bytes[60]! ^= 0xff; // inside the first member's compressed data; an intact member follows
    writeFileSync(path, bytes);
    expect((await verifyArchive(dir)).firstBad).toMatchObject({
      segment: '2026-04-05/0000',
      reason: expect.stringMatching(/open segment is damaged at byte 0/),
    });
  });

  it('checks a chain head recorded elsewhere, e.g. in the audit trail', async () => {
    const archive = await fourSealedDays();
    const head = archive.head()!;
    expect((await archive.verify({ expectHead: head })).ok).toBe(true);
    const result = await archive.verify({ expectHead: { ...head, manifestHash: 'f'.repeat(64) } });
    expect(result.firstBad).toEqual({
      segment: '2026-04-04/0000',
      reason: 'manifest differs from the chain head recorded outside the archive',
    });
    await archive.close();
  });

  it('reads only the days asked for, still checking the whole chain of manifests', async () => {
    const archive = await fourSealedDays();
    const path = seg('2026-04-01', '0000.ndjson.gz');
    const bytes = readFileSync(path);
    bytes[100]! ^= 0x01;
    writeFileSync(path, bytes);
    const range = { from: new Date('2026-04-02T00:00:00Z'), to: new Date('2026-04-03T12:00:00Z') };
    expect(await archive.verify(range)).toMatchObject({
      ok: true,
      segmentsChecked: 2,
      recordsChecked: 200,
    });
    expect((await archive.verify()).firstBad?.segment).toBe('2026-04-01/0000');
    await archive.close();
  });
});

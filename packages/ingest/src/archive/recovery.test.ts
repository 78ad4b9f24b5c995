import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@prahari/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawArchive } from './archive.js';
import { encodeMember } from './format.js';
import type { ArchiveRecord } from './format.js';

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'prahari-recovery-'));
  dir = join(root, 'archive');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const everything = { from: new Date('2000-01-01'), to: new Date('2100-01-01') };

function batch(from: number, n: number): ArchiveRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    receivedAt: new Date(Date.parse('2026-05-20T10:00:00Z') + from + i),
    listener: 'syslog-tcp:601',
    sourceIp: '10.9.8.7',
    sourcePort: from + i,
    raw: Buffer.from(`<14>traffic-ctl-${(from + i) % 40} signal phase change seq=${from + i}`),
  }));
}

async function ports(archive: RawArchive): Promise<number[]> {
  const out: number[] = [];
  for await (const r of archive.export(everything)) out.push(r.sourcePort!);
  return out;
}

const segmentFile = () => join(dir, '2026-05-20', '0000.ndjson.gz');

describe('crash recovery of the open segment', () => {
  it('cuts off a torn trailing member and carries on appending', async () => {
    const clock = new ManualClock('2026-05-20T10:00:00Z');
    let archive = await RawArchive.open({ dir, clock });
    await archive.append(batch(0, 100));
    await archive.append(batch(100, 100));
    await archive.close();
    const acknowledged = readFileSync(segmentFile()).length;
    // What kill -9 in the middle of the third append leaves: half a gzip member at the end.
    const torn = (await encodeMember(batch(200, 100), 6)).bytes;
    appendFileSync(segmentFile(), torn.subarray(0, Math.floor(torn.length / 2)));

    archive = await RawArchive.open({ dir, clock });
    expect(archive.recovery).toEqual({
      segment: '2026-05-20/0000',
      bytesDropped: Math.floor(torn.length / 2),
      recordsKept: 200,
    });
    expect(readFileSync(segmentFile()).length).toBe(acknowledged);
    await archive.append(batch(300, 50));
    expect(await ports(archive)).toEqual([
      ...Array.from({ length: 200 }, (_, i) => i),
      ...Array.from({ length: 50 }, (_, i) => 300 + i),
    ]);
    clock.set('2026-05-21T00:00:01Z');
    expect(await archive.sealDue()).toMatchObject({ count: 250 });
    expect(await archive.verify()).toMatchObject({ ok: true, recordsChecked: 250 });
    await archive.close();
  });

  it('cuts off a full-length member whose bytes never reached the disk (zeros)', async () => {
    const clock = new ManualClock('2026-05-20T10:00:00Z');
    let archive = await RawArchive.open({ dir, clock });
    await archive.append(batch(0, 10));
    await archive.close();
    // Some filesystems extend the file before the data lands: the header is there, the rest zero.
    const member = (await encodeMember(batch(10, 10), 6)).bytes;
    member.fill(0, 41);
    appendFileSync(segmentFile(), member);
    archive = await RawArchive.open({ dir, clock });
    expect(archive.recovery?.recordsKept).toBe(10);
    expect(await ports(archive)).toHaveLength(10);
    await archive.close();
  });

  it('refuses to open rather than drop acknowledged records that follow damage', async () => {
    const clock = new ManualClock('2026-05-20T10:00:00Z');
    let archive = await RawArchive.open({ dir, clock });
    await archive.append(batch(0, 10));
    await archive.append(batch(10, 10));
    await archive.close();
    const bytes = readFileSync(segmentFile());
    bytes[50]! ^= 0xff;
    writeFileSync(segmentFile(), bytes);
    await expect(RawArchive.open({ dir, clock })).rejects.toThrow(
      /damaged at byte 0 .* intact records follow the damage/,
    );
    // and nothing was changed
    expect(readFileSync(segmentFile()).equals(bytes)).toBe(true);
    // Moving the file aside, as the message says, lets the archive open again.
    rmSync(segmentFile());
    archive = await RawArchive.open({ dir, clock });
    await archive.close();
  });

  it('keeps every acknowledged record when the process is killed with SIGKILL mid-ingest', async () => {
    const archiveModule = fileURLToPath(new URL('./archive.ts', import.meta.url));
    const child = join(root, 'child.mts');
    writeFileSync(
      child,
      `import { RawArchive } from ${JSON.stringify(archiveModule)};
const archive = await RawArchive.open({ dir: ${JSON.stringify(dir)}, clock: { now: () => new Date() } });
const filler = 'x'.repeat(200);
for (let b = 0; ; b++) {
  const batch = Array.from({ length: 400 }, (_, i) => ({
    receivedAt: new Date(), listener: 'tcp', sourceIp: null, sourcePort: b * 400 + i,
    raw: Buffer.from(filler + (b * 400 + i)),
  }));
  await archive.append(batch);
  process.stdout.write('acked ' + (b * 400 + 400) + '\\n');
}
`,
    );
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let killing = false;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/acked (\d+)/g)) acked = Number(m[1]);
        if (acked >= 4_000 && !killing) {
          killing = true;
          // at a random moment, so the kill lands anywhere in an append: compressing, writing, syncing
          setTimeout(() => {
            proc.kill('SIGKILL');
            resolve();
          }, Math.random() * 30);
        }
      });
      proc.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    await new Promise((resolve) => proc.once('close', resolve));

    const archive = await RawArchive.open({ dir, clock: { now: () => new Date() } });
    expect(archive.stats().records).toBeGreaterThanOrEqual(acked);
    const seen = new Set(await ports(archive));
    for (let i = 0; i < acked; i++) {
      if (!seen.has(i)) throw new Error(`acknowledged record ${i} was lost`);
    }
    expect((await archive.verify()).ok).toBe(true);
    await archive.close();
  }, 20_000);
});

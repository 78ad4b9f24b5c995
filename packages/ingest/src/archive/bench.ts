import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@prahari/core';
import { RawArchive } from './archive.js';
import type { ArchiveRecord } from './format.js';

const BATCH = 500;

function syslogBatches(count: number, senders: number): ArchiveRecord[][][] {
  const perSender: ArchiveRecord[][][] = Array.from({ length: senders }, () => []);
  const now = Date.now();
  for (let b = 0; b < count / BATCH; b++) {
    const batch: ArchiveRecord[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      batch.push({
        receivedAt: new Date(now + n),
        listener: 'syslog-tcp:601',
        sourceIp: `10.${n % 7}.${n % 13}.${n % 250}`,
        sourcePort: 40_000 + (n % 20_000),
        raw: Buffer.from(
          `<86>1 2026-11-25T10:00:${String(n % 60).padStart(2, '0')}.000Z web-${n % 17} sshd ${1000 + (n % 997)} - - ` +
            `Failed password for invalid user admin${n % 113} from 203.0.113.${n % 254} port ${40_000 + (n % 9000)} ssh2`,
        ),
      });
    }
    perSender[b % senders]!.push(batch);
  }
  return perSender;
}

async function run(label: string, count: number, senders: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'prahari-archive-bench-'));
  try {
    const archive = await RawArchive.open({ dir: join(root, 'archive'), clock: systemClock });
    const work = syslogBatches(count, senders);
    const rawBytes = work.flat(2).reduce((sum, r) => sum + r.raw.length, 0);
    const started = performance.now();
    // Each sender awaits its own appends, like a TCP connection that acknowledges per batch.
    await Promise.all(
      work.map(async (batches) => {
        for (const batch of batches) await archive.append(batch);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const onDisk = archive.stats().bytes;
    await archive.close();
    console.log(
      `  ${label}: ${Math.round(count / seconds).toLocaleString('en')} records/s, ` +
        `${(rawBytes / 1e6 / seconds).toFixed(1)} MB/s raw, ` +
        `${(rawBytes / onDisk).toFixed(1)}x compression (${count.toLocaleString('en')} records, ` +
        `batches of ${BATCH}, each append fsync'd before it resolves)`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Durable append throughput of the raw archive: one sender, then several sharing fsyncs. */
export async function benchArchive(): Promise<void> {
  console.log('raw archive (append + fsync, gzip level 6):');
  await run('1 sender ', 200_000, 1);
  await run('8 senders', 200_000, 8);
}

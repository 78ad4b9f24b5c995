import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@prahari/core';
import { Store } from '@prahari/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../http/metrics.js';
import { IngestPipeline, OverloadedError, type RawMessage } from './pipeline.js';

const messages = (n: number, tag: string): RawMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    raw: Buffer.from(
      `<38>Nov 25 09:20:01 portal-1 sshd[7]: Failed password for u${i} from 198.51.100.${i % 250} port ${i} ssh2 ${tag}`,
    ),
    receivedAt: new Date(),
    listener: 'http',
    sourceIp: null,
    sourcePort: null,
  }));

describe('the ingest pipeline during a large submission', () => {
  let dir: string;
  let store: Store;
  let pipeline: IngestPipeline;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prahari-pipeline-'));
    store = Store.open({ driver: 'sqlite', path: join(dir, 'prahari.db') });
    await store.migrate();
    pipeline = new IngestPipeline(store, null, systemClock, new Metrics(), {
      batchMaxEvents: 10_000,
      queueMaxEvents: 25_000,
      defaultTimezone: 'UTC',
    });
  });
  afterEach(async () => {
    await pipeline.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the event loop run while it parses, so timers and requests are not held up', async () => {
    const big = pipeline.submit(messages(20_000, 'bulk'));
    // Parsing 20,000 lines takes far longer than a millisecond; this timer fires in the middle.
    const seenMidParse = await new Promise<{ queued: number; overloaded: boolean }>((resolve) =>
      setTimeout(() => resolve({ queued: pipeline.queued, overloaded: pipeline.overloaded }), 1),
    );
    expect(seenMidParse).toEqual({ queued: 0, overloaded: false });
    expect(await big).toMatchObject({ accepted: 20_000, deadLettered: 0 });
  });

  it('counts messages still being parsed against the queue limit', async () => {
    const big = pipeline.submit(messages(25_000, 'bulk'));
    // While the first is parsed (not yet queued), the limit already holds: a request that must
    // not wait is refused, as it would be once the messages are queued.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(pipeline.queued).toBe(0);
    expect(pipeline.overloaded).toBe(true);
    await expect(
      pipeline.submit(messages(5, 'refused'), { rejectWhenFull: true }),
    ).rejects.toBeInstanceOf(OverloadedError);
    expect(await big).toMatchObject({ accepted: 25_000 });
    await pipeline.whenDrained();
    expect(pipeline.overloaded).toBe(false);
  });
});

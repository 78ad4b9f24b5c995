import { SYSTEM_PRINCIPAL, type Clock } from '@prahari/core';
import type { ArchiveSegmentInfo, RawArchive } from '@prahari/ingest';
import type { Store } from '@prahari/store';
import type { AuditService } from '../audit/service.js';

const DAY_MS = 86_400_000;
const DELETE_CHUNK = 10_000;

/**
 * Keeps the raw archive and the hot store within their retention periods. Every archive segment
 * deleted and every seal is in the audit trail, which also anchors the archive's hash chain
 * outside the files an intruder could rewrite.
 */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly archive: RawArchive,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly hotRetentionDays: number,
  ) {}

  /** Seals segments whose day is over; each seal's manifest hash goes into the audit trail. */
  async sealDue(): Promise<ArchiveSegmentInfo | null> {
    const sealed = await this.archive.sealDue();
    if (sealed)
      await this.audit.record(
        { principal: SYSTEM_PRINCIPAL, ip: null },
        { action: 'archive.seal', target: `archive:${sealed.segment}`, details: { ...sealed } },
      );
    return sealed;
  }

  /**
   * Deletes what is past retention: archive segments (each audited first), and from the hot store
   * the events and dead letters received before its cutoff (the archive keeps their raw text) and
   * the idempotency keys of batches as old, which guard nothing once their events are gone.
   */
  async enforce(): Promise<{
    segmentsDeleted: number;
    eventsDeleted: number;
    deadLettersDeleted: number;
  }> {
    const system = { principal: SYSTEM_PRINCIPAL, ip: null };
    const deleted = await this.archive.enforceRetention(async (segment) => {
      await this.audit.record(system, {
        action: 'archive.delete',
        target: `archive:${segment.segment}`,
        details: { reason: `older than ${this.archive.retentionDays} days`, ...segment },
      });
    });
    const before = new Date(
      this.clock.now().getTime() - this.hotRetentionDays * DAY_MS,
    ).toISOString();
    const expire = async (
      action: string,
      counted: string,
      deleteChunk: (before: string, limit: number) => Promise<number>,
    ): Promise<number> => {
      let total = 0;
      for (;;) {
        const n = await deleteChunk(before, DELETE_CHUNK);
        total += n;
        if (n < DELETE_CHUNK) break;
      }
      if (total > 0)
        await this.audit.record(system, {
          action,
          target: null,
          details: {
            receivedBefore: before,
            [counted]: total,
            hotRetentionDays: this.hotRetentionDays,
          },
        });
      return total;
    };
    const eventsDeleted = await expire('events.expire', 'events', (b, n) =>
      this.store.events.deleteReceivedBefore(b, n),
    );
    const deadLettersDeleted = await expire('deadletters.expire', 'deadLetters', (b, n) =>
      this.store.deadLetters.deleteReceivedBefore(b, n),
    );
    await this.store.events.forgetIdempotencyKeysBefore(before);
    return { segmentsDeleted: deleted.length, eventsDeleted, deadLettersDeleted };
  }
}

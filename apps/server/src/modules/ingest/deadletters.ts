import { parseMessage, type ParserName } from '@prahari/ingest';
import type { Clock } from '@prahari/core';
import type { NewEvent, Store } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';

export interface RetryResult {
  tried: number;
  reprocessed: number;
  stillFailing: { seq: number; reason: string }[];
}

/**
 * Re-parses dead letters, typically after a parser fix or after naming the parser a source uses.
 * The raw bytes are already in the archive, so only the hot store gains the events.
 */
export class DeadLetterService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly defaultTimezone: string,
  ) {}

  async retry(
    actor: Actor,
    options: { seqs?: number[]; parser?: ParserName; limit?: number },
  ): Promise<RetryResult> {
    const limit = options.limit ?? 10_000;
    const pending = (
      await this.store.deadLetters.list({
        status: 'pending',
        limit: options.seqs ? 1_000_000 : limit,
      })
    ).filter((d) => !options.seqs || options.seqs.includes(d.seq));
    const now = this.clock.now().toISOString();
    const events: NewEvent[] = [];
    const done: number[] = [];
    const stillFailing: RetryResult['stillFailing'] = [];
    for (const d of pending) {
      const hint = options.parser ?? (d.parserHint as ParserName | null) ?? undefined;
      const parsed = parseMessage(d.raw, {
        receivedAt: new Date(d.receivedAt),
        defaultTimezone: this.defaultTimezone,
        ...(d.sourceIp && { sourceIp: d.sourceIp }),
        ...(hint && { hint }),
      });
      if (!parsed.ok) {
        stillFailing.push({ seq: d.seq, reason: parsed.reason });
        await this.store.deadLetters.markRetryFailed(d.seq, parsed.reason, now);
        continue;
      }
      events.push({
        receivedAt: d.receivedAt,
        eventTime: parsed.event.eventTime,
        listener: d.listener,
        parser: parsed.parser,
        sourceIp: d.sourceIp,
        sourcePort: d.sourcePort,
        sourceName: null,
        logsource: parsed.event.logsource,
        message: parsed.event.message,
        raw: d.raw.toString('utf8'),
        fields: parsed.event.fields,
        flags: [...parsed.event.flags, 'reprocessed'],
      });
      done.push(d.seq);
    }
    if (events.length > 0) {
      await this.store.events.writeBatch({
        events,
        deadLetters: [],
        reprocessed: { seqs: done, at: now },
      });
    }
    const result = { tried: pending.length, reprocessed: done.length, stillFailing };
    await this.audit.record(actor, {
      action: 'deadletter.retry',
      target: null,
      details: {
        tried: result.tried,
        reprocessed: result.reprocessed,
        parser: options.parser ?? null,
      },
    });
    return result;
  }
}

import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type Clock } from '@prahari/core';
import { isKnownTimezone, parserNames } from '@prahari/ingest';
import type { SourceRepository, SourceRow } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';

export interface SourceInput {
  name?: string;
  matchIp?: string | null;
  matchHostname?: string | null;
  matchApiKeyId?: string | null;
  defaultParser?: string | null;
  timezone?: string | null;
  description?: string | null;
}

function checkTimezone(tz: string): void {
  if (!isKnownTimezone(tz))
    throw new ValidationError(
      `Time zone '${tz}' is unknown; use an IANA name like Asia/Kolkata or an offset like +05:30.`,
      { field: 'timezone' },
    );
}

/** Named log senders: how to recognise them and how to read what they send. */
export class SourceService {
  constructor(
    private readonly sources: SourceRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** called after a change so the pipeline picks it up */
    private readonly onChange: () => Promise<void>,
  ) {}

  list(): Promise<SourceRow[]> {
    return this.sources.list();
  }

  #check(input: SourceInput): void {
    if (input.defaultParser && !(parserNames as string[]).includes(input.defaultParser)) {
      throw new ValidationError(
        `Parser '${input.defaultParser}' does not exist; use one of ${parserNames.join(', ')}.`,
        { field: 'defaultParser' },
      );
    }
    if (input.timezone) checkTimezone(input.timezone);
  }

  async create(actor: Actor, input: SourceInput & { name: string }): Promise<SourceRow> {
    this.#check(input);
    if (!input.matchIp && !input.matchHostname && !input.matchApiKeyId) {
      throw new ValidationError(
        'Say how to recognise the source: matchIp, matchHostname or matchApiKeyId.',
        { field: 'matchIp' },
      );
    }
    if (await this.sources.findByName(input.name))
      throw new ConflictError(`A source named '${input.name}' already exists.`, { field: 'name' });
    const existing = input.matchIp
      ? (await this.sources.list()).find((s) => s.matchIp === input.matchIp)
      : undefined;
    if (existing?.discovered) {
      // Naming a discovered sender adopts it, keeping its first-seen time and count.
      return this.update(actor, existing.id, { ...input, name: input.name });
    }
    if (existing)
      throw new ConflictError(`Source '${existing.name}' already matches ${input.matchIp}.`, {
        field: 'matchIp',
      });
    const now = this.clock.now().toISOString();
    const row: SourceRow = {
      id: randomUUID(),
      name: input.name,
      matchIp: input.matchIp ?? null,
      matchHostname: input.matchHostname ?? null,
      matchApiKeyId: input.matchApiKeyId ?? null,
      defaultParser: input.defaultParser ?? null,
      timezone: input.timezone ?? null,
      description: input.description ?? null,
      discovered: false,
      firstSeen: null,
      lastSeen: null,
      eventCount: 0,
      clockOffsetMs: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.sources.insert(row);
    await this.audit.record(actor, {
      action: 'source.create',
      target: `source:${row.name}`,
      details: { ...input },
    });
    await this.onChange();
    return row;
  }

  async update(actor: Actor, id: string, input: SourceInput): Promise<SourceRow> {
    this.#check(input);
    const before = await this.sources.findById(id);
    if (!before) throw new NotFoundError(`There is no source '${id}'.`);
    const patch = { ...input, discovered: false, updatedAt: this.clock.now().toISOString() };
    await this.sources.update(id, patch);
    await this.audit.record(actor, {
      action: 'source.update',
      target: `source:${before.name}`,
      details: { changes: input },
    });
    await this.onChange();
    return (await this.sources.findById(id))!;
  }
}

import { NotFoundError, ValidationError, type Clock } from '@prahari/core';
import type {
  AlertQuery,
  AlertRecord,
  AlertResolution,
  AlertStatus,
  EventRecord,
  Store,
} from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import type { AlertStream } from './stream.js';

export interface AlertStatusInput {
  status: AlertStatus;
  resolution?: AlertResolution;
  note?: string;
}

/** A closing needs a verdict, and only a closing takes one. */
function checkStatusInput(input: AlertStatusInput): void {
  if (input.status === 'closed' && !input.resolution)
    throw new ValidationError(
      'Closing an alert needs a resolution: true_positive or false_positive.',
      { field: 'resolution' },
    );
  if (input.status !== 'closed' && input.resolution)
    throw new ValidationError('A resolution is given only when closing an alert.', {
      field: 'resolution',
    });
}

/** Alerts as analysts work them: find, open with evidence, acknowledge, close with a verdict. */
export class AlertService {
  constructor(
    private readonly store: Store,
    private readonly stream: AlertStream,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(q: AlertQuery): Promise<AlertRecord[]> {
    return this.store.alerts.list(q);
  }

  currentRevision(): Promise<number> {
    return this.store.alerts.currentRevision();
  }

  changedAfter(revision: number, limit: number): Promise<AlertRecord[]> {
    return this.store.alerts.changedAfter(revision, limit);
  }

  summary() {
    return this.store.alerts.summary();
  }

  async get(id: string): Promise<AlertRecord> {
    const alert = await this.store.alerts.get(id);
    if (!alert) throw new NotFoundError(`No alert has id '${id}'.`);
    return alert;
  }

  /** The alert with the events it kept (those still in the hot store). */
  async withEvents(id: string): Promise<{ alert: AlertRecord; events: EventRecord[] }> {
    const alert = await this.get(id);
    const events: EventRecord[] = [];
    for (const seq of alert.eventSeqs) {
      const e = await this.store.events.get(seq);
      if (e) events.push(e);
    }
    return { alert, events };
  }

  /**
   * The same change to many alerts (the dashboard's bulk acknowledge and close): each alert is
   * changed and audited as if alone; ids that name no alert are returned, not an error.
   */
  async setStatusMany(
    actor: Actor,
    ids: readonly string[],
    input: AlertStatusInput,
  ): Promise<{ updated: AlertRecord[]; missing: string[] }> {
    checkStatusInput(input);
    const updated: AlertRecord[] = [];
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      try {
        updated.push(await this.setStatus(actor, id, input));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        missing.push(id);
      }
    }
    return { updated, missing };
  }

  async setStatus(actor: Actor, id: string, input: AlertStatusInput): Promise<AlertRecord> {
    checkStatusInput(input);
    const before = await this.get(id);
    const updated = await this.store.alerts.setStatus(id, {
      status: input.status,
      resolution: input.resolution ?? null,
      by: actor.principal?.name ?? 'system',
      at: this.clock.now().toISOString(),
      note: input.note ?? null,
    });
    if (!updated) throw new NotFoundError(`No alert has id '${id}'.`);
    await this.audit.record(actor, {
      action: 'alert.status',
      target: `alert:${id}`,
      details: {
        rule: before.ruleId,
        from: before.status,
        to: updated.status,
        ...(updated.resolution && { resolution: updated.resolution }),
        ...(input.note && { note: input.note }),
      },
    });
    this.stream.publish([updated]);
    return updated;
  }
}

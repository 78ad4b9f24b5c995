import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  BlocklistTable,
  Database,
  NotificationChannelsTable,
  NotificationDeliveriesTable,
  PlaybookRunStepsTable,
  PlaybookRunsTable,
  PlaybooksTable,
} from './schema.js';

export type PlaybookOrigin = 'built-in' | 'uploaded';

/** A playbook row: an uploaded playbook's YAML, or only the enabled state of a built-in one. */
export interface PlaybookRow {
  id: string;
  origin: PlaybookOrigin;
  yaml: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

function toPlaybook(r: Selectable<PlaybooksTable>): PlaybookRow {
  return {
    id: r.id,
    origin: r.origin as PlaybookOrigin,
    yaml: r.yaml,
    enabled: r.enabled === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

export class PlaybookRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<PlaybookRow[]> {
    return (await this.db.selectFrom('playbooks').selectAll().orderBy('id').execute()).map(
      toPlaybook,
    );
  }

  async get(id: string): Promise<PlaybookRow | undefined> {
    const r = await this.db
      .selectFrom('playbooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toPlaybook(r);
  }

  /** Inserts the row, or replaces its YAML and enabled state (keeping who created it). */
  async save(row: PlaybookRow): Promise<void> {
    await this.db
      .insertInto('playbooks')
      .values({
        id: row.id,
        origin: row.origin,
        yaml: row.yaml,
        enabled: row.enabled ? 1 : 0,
        created_by: row.createdBy,
        created_at: row.createdAt,
        updated_by: row.updatedBy,
        updated_at: row.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          yaml: row.yaml,
          enabled: row.enabled ? 1 : 0,
          updated_by: row.updatedBy,
          updated_at: row.updatedAt,
        }),
      )
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('playbooks').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export type RunStatus = 'running' | 'awaiting-approval' | 'done' | 'failed' | 'rejected';
export type StepStatus =
  'pending' | 'awaiting-approval' | 'approved' | 'rejected' | 'running' | 'done' | 'failed';
export type RunTrigger = 'alert' | 'incident' | 'manual';
export type RunSubjectKind = 'alert' | 'incident';

export interface RunStepRecord {
  index: number;
  action: string;
  name: string | null;
  needsApproval: boolean;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  status: StepStatus;
  approvedBy: string | null;
  approvedAt: string | null;
  decisionNote: string | null;
  error: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PlaybookRunRecord {
  seq: number;
  id: string;
  playbookId: string;
  playbookTitle: string;
  definition: unknown;
  trigger: RunTrigger;
  subjectKind: RunSubjectKind;
  subjectId: string;
  context: Record<string, unknown>;
  status: RunStatus;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  steps: RunStepRecord[];
}

export type NewPlaybookRun = Omit<PlaybookRunRecord, 'seq'>;

export interface PlaybookRunQuery {
  playbookId?: string;
  status?: RunStatus[];
  subjectKind?: RunSubjectKind;
  subjectId?: string;
  /** runs older (lower seq) than this */
  beforeSeq?: number;
  limit: number;
}

export type RunPatch = Partial<Pick<PlaybookRunRecord, 'status' | 'finishedAt' | 'error'>>;
export type StepPatch = Partial<Omit<RunStepRecord, 'index' | 'action' | 'name' | 'needsApproval'>>;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parsed = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

function toStep(r: Selectable<PlaybookRunStepsTable>): RunStepRecord {
  return {
    index: Number(r.idx),
    action: r.action,
    name: r.name,
    needsApproval: r.needs_approval === 1,
    inputs: parsed(r.inputs),
    outputs: parsed(r.outputs),
    status: r.status as StepStatus,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    decisionNote: r.decision_note,
    error: r.error,
    attempts: Number(r.attempts),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

function toRun(r: Selectable<PlaybookRunsTable>, steps: RunStepRecord[]): PlaybookRunRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    playbookId: r.playbook_id,
    playbookTitle: r.playbook_title,
    definition: JSON.parse(r.definition) as unknown,
    trigger: r.trigger as RunTrigger,
    subjectKind: r.subject_kind as RunSubjectKind,
    subjectId: r.subject_id,
    context: JSON.parse(r.context) as Record<string, unknown>,
    status: r.status as RunStatus,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    steps,
  };
}

/** Playbook runs and their steps: the log of everything a playbook did and who approved it. */
export class PlaybookRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(run: NewPlaybookRun): Promise<PlaybookRunRecord> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('playbook_runs')
        .values({
          id: run.id,
          playbook_id: run.playbookId,
          playbook_title: run.playbookTitle,
          definition: JSON.stringify(run.definition),
          trigger: run.trigger,
          subject_kind: run.subjectKind,
          subject_id: run.subjectId,
          context: JSON.stringify(run.context),
          status: run.status,
          started_by: run.startedBy,
          started_at: run.startedAt,
          finished_at: run.finishedAt,
          error: run.error,
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      for (const s of run.steps) {
        await trx
          .insertInto('playbook_run_steps')
          .values({
            run_id: run.id,
            idx: s.index,
            action: s.action,
            name: s.name,
            needs_approval: s.needsApproval ? 1 : 0,
            inputs: json(s.inputs),
            outputs: json(s.outputs),
            status: s.status,
            approved_by: s.approvedBy,
            approved_at: s.approvedAt,
            decision_note: s.decisionNote,
            error: s.error,
            attempts: s.attempts,
            started_at: s.startedAt,
            finished_at: s.finishedAt,
          })
          .execute();
      }
      return { ...run, seq: Number(r.seq) };
    });
  }

  async get(id: string): Promise<PlaybookRunRecord | undefined> {
    const r = await this.db
      .selectFrom('playbook_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) return undefined;
    return toRun(r, (await this.#steps([r.id])).get(r.id) ?? []);
  }

  async list(q: PlaybookRunQuery): Promise<PlaybookRunRecord[]> {
    let query = this.db.selectFrom('playbook_runs').selectAll();
    if (q.playbookId) query = query.where('playbook_id', '=', q.playbookId);
    if (q.status?.length) query = query.where('status', 'in', q.status);
    if (q.subjectKind) query = query.where('subject_kind', '=', q.subjectKind);
    if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
    const steps = await this.#steps(rows.map((r) => r.id));
    return rows.map((r) => toRun(r, steps.get(r.id) ?? []));
  }

  async #steps(runIds: readonly string[]): Promise<Map<string, RunStepRecord[]>> {
    const out = new Map<string, RunStepRecord[]>();
    if (runIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('playbook_run_steps')
      .selectAll()
      .where('run_id', 'in', [...runIds])
      .orderBy('run_id')
      .orderBy('idx')
      .execute();
    for (const r of rows) {
      const list = out.get(r.run_id) ?? [];
      list.push(toStep(r));
      out.set(r.run_id, list);
    }
    return out;
  }

  async update(id: string, patch: RunPatch): Promise<void> {
    const set: Updateable<PlaybookRunsTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    if (patch.error !== undefined) set.error = patch.error;
    await this.db.updateTable('playbook_runs').set(set).where('id', '=', id).execute();
  }

  async updateStep(runId: string, index: number, patch: StepPatch): Promise<void> {
    const set: Updateable<PlaybookRunStepsTable> = {};
    if (patch.inputs !== undefined) set.inputs = json(patch.inputs);
    if (patch.outputs !== undefined) set.outputs = json(patch.outputs);
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.approvedBy !== undefined) set.approved_by = patch.approvedBy;
    if (patch.approvedAt !== undefined) set.approved_at = patch.approvedAt;
    if (patch.decisionNote !== undefined) set.decision_note = patch.decisionNote;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    await this.db
      .updateTable('playbook_run_steps')
      .set(set)
      .where('run_id', '=', runId)
      .where('idx', '=', index)
      .execute();
  }

  /**
   * Moves a step from one status to another only if it is still in the first: two analysts
   * deciding on the same step at once cannot both win. True when this call made the change.
   */
  async decideStep(
    runId: string,
    index: number,
    from: StepStatus,
    patch: StepPatch & { status: StepStatus },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('playbook_run_steps')
      .set({
        status: patch.status,
        approved_by: patch.approvedBy ?? null,
        approved_at: patch.approvedAt ?? null,
        decision_note: patch.decisionNote ?? null,
      })
      .where('run_id', '=', runId)
      .where('idx', '=', index)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export type BlockAddedByKind = 'person' | 'run';

export interface BlockEntry {
  id: string;
  value: string;
  reason: string;
  addedBy: string;
  addedByKind: BlockAddedByKind;
  runId: string | null;
  createdAt: string;
  expiresAt: string | null;
  removedAt: string | null;
  removedBy: string | null;
}

function toBlock(r: Selectable<BlocklistTable>): BlockEntry {
  return {
    id: r.id,
    value: r.value,
    reason: r.reason,
    addedBy: r.added_by,
    addedByKind: r.added_by_kind as BlockAddedByKind,
    runId: r.run_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
  };
}

/** The addresses and networks firewalls are told to block. Entries are removed, never deleted. */
export class BlockListRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(entry: BlockEntry): Promise<void> {
    await this.db
      .insertInto('blocklist')
      .values({
        id: entry.id,
        value: entry.value,
        reason: entry.reason,
        added_by: entry.addedBy,
        added_by_kind: entry.addedByKind,
        run_id: entry.runId,
        created_at: entry.createdAt,
        expires_at: entry.expiresAt,
        removed_at: entry.removedAt,
        removed_by: entry.removedBy,
      })
      .execute();
  }

  async get(id: string): Promise<BlockEntry | undefined> {
    const r = await this.db
      .selectFrom('blocklist')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toBlock(r);
  }

  /** Entries in force at `now`: not removed, not expired; oldest first. */
  async active(now: string): Promise<BlockEntry[]> {
    const rows = await this.db
      .selectFrom('blocklist')
      .selectAll()
      .where('removed_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toBlock);
  }

  /** Every entry, newest first, including removed and expired ones. */
  async all(limit: number): Promise<BlockEntry[]> {
    const rows = await this.db
      .selectFrom('blocklist')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toBlock);
  }

  async remove(id: string, by: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('blocklist')
      .set({ removed_at: at, removed_by: by })
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export type ChannelKind = 'email' | 'webhook';

export interface ChannelRecord {
  id: string;
  name: string;
  ownerUserId: string | null;
  ownerRole: string | null;
  kind: ChannelKind;
  address: string;
  secret: string | null;
  events: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

function toChannel(r: Selectable<NotificationChannelsTable>): ChannelRecord {
  return {
    id: r.id,
    name: r.name,
    ownerUserId: r.owner_user_id,
    ownerRole: r.owner_role,
    kind: r.kind as ChannelKind,
    address: r.address,
    secret: r.secret,
    events: JSON.parse(r.events) as string[],
    enabled: r.enabled === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

export type ChannelPatch = Partial<
  Pick<
    ChannelRecord,
    'name' | 'address' | 'secret' | 'events' | 'enabled' | 'updatedBy' | 'updatedAt'
  >
>;

export class NotificationChannelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(c: ChannelRecord): Promise<void> {
    await this.db
      .insertInto('notification_channels')
      .values({
        id: c.id,
        name: c.name,
        owner_user_id: c.ownerUserId,
        owner_role: c.ownerRole,
        kind: c.kind,
        address: c.address,
        secret: c.secret,
        events: JSON.stringify(c.events),
        enabled: c.enabled ? 1 : 0,
        created_by: c.createdBy,
        created_at: c.createdAt,
        updated_by: c.updatedBy,
        updated_at: c.updatedAt,
      })
      .execute();
  }

  async get(id: string): Promise<ChannelRecord | undefined> {
    const r = await this.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toChannel(r);
  }

  /** Every channel, by name. */
  async list(): Promise<ChannelRecord[]> {
    const rows = await this.db
      .selectFrom('notification_channels')
      .selectAll()
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toChannel);
  }

  async update(id: string, patch: ChannelPatch): Promise<void> {
    const set: Updateable<NotificationChannelsTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.updatedBy !== undefined) set.updated_by = patch.updatedBy;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    await this.db.updateTable('notification_channels').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('notification_channels')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryRecord {
  seq: number;
  id: string;
  channelId: string;
  channelName: string;
  event: string;
  subject: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export type NewDelivery = Omit<DeliveryRecord, 'seq'>;
export type DeliveryPatch = Partial<
  Pick<
    DeliveryRecord,
    'status' | 'attempts' | 'lastError' | 'updatedAt' | 'nextAttemptAt' | 'deliveredAt'
  >
>;

export interface DeliveryQuery {
  channelIds?: readonly string[];
  status?: DeliveryStatus[];
  event?: string;
  beforeSeq?: number;
  limit: number;
}

function toDelivery(r: Selectable<NotificationDeliveriesTable>): DeliveryRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    event: r.event,
    subject: r.subject,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
  };
}

/** Every message sent (or being retried) through a channel. */
export class NotificationDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(d: NewDelivery): Promise<DeliveryRecord> {
    const r = await this.db
      .insertInto('notification_deliveries')
      .values({
        id: d.id,
        channel_id: d.channelId,
        channel_name: d.channelName,
        event: d.event,
        subject: d.subject,
        payload: JSON.stringify(d.payload),
        status: d.status,
        attempts: d.attempts,
        last_error: d.lastError,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
        next_attempt_at: d.nextAttemptAt,
        delivered_at: d.deliveredAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return { ...d, seq: Number(r.seq) };
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const r = await this.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toDelivery(r);
  }

  async update(id: string, patch: DeliveryPatch): Promise<void> {
    const set: Updateable<NotificationDeliveriesTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
    if (patch.deliveredAt !== undefined) set.delivered_at = patch.deliveredAt;
    await this.db.updateTable('notification_deliveries').set(set).where('id', '=', id).execute();
  }

  /** Deliveries waiting for an attempt whose time has come, oldest first. */
  async due(now: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('status', 'in', ['pending', 'retrying'])
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  /** Deliveries recorded but never tried (a server stopped before the first try): due now. */
  async requeueUntried(now: string): Promise<number> {
    const r = await this.db
      .updateTable('notification_deliveries')
      .set({ next_attempt_at: now })
      .where('status', '=', 'pending')
      .where('next_attempt_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** When the next waiting delivery is due, or null when none waits. */
  async nextDueAt(): Promise<string | null> {
    const r = await this.db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('status', 'in', ['pending', 'retrying'])
      .executeTakeFirst();
    return r?.next ?? null;
  }

  async list(q: DeliveryQuery): Promise<DeliveryRecord[]> {
    let query = this.db.selectFrom('notification_deliveries').selectAll();
    if (q.channelIds) {
      if (q.channelIds.length === 0) return [];
      query = query.where('channel_id', 'in', [...q.channelIds]);
    }
    if (q.status?.length) query = query.where('status', 'in', q.status);
    if (q.event) query = query.where('event', '=', q.event);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map(toDelivery);
  }
}

import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { EventRecord } from './repositories.js';
import type { AlertsTable, Database, IndicatorsTable } from './schema.js';
import { fromEventRow } from './event-repositories.js';

export type AlertKind = 'sigma' | 'correlation' | 'indicator';
export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export type AlertResolution = 'true_positive' | 'false_positive';

/** The asset an alert concerns, as the register described it when the alert opened. */
export interface AlertAsset {
  id: string;
  name: string;
  criticality: number | null;
  zone: string | null;
  ownerId: string | null;
  ownerName: string | null;
}

export interface AlertRecord {
  seq: number;
  id: string;
  revision: number;
  kind: AlertKind;
  ruleId: string;
  ruleTitle: string;
  level: string;
  logsource: { product?: string; category?: string; service?: string };
  tags: string[];
  dedupeKey: string;
  groupFields: Record<string, unknown>;
  status: AlertStatus;
  resolution: AlertResolution | null;
  statusBy: string | null;
  statusAt: string | null;
  statusNote: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  sourceIp: string | null;
  hostName: string | null;
  sourceName: string | null;
  userName: string | null;
  eventSeqs: number[];
  matched: Record<string, unknown>;
  asset: AlertAsset | null;
  /** the level weighed by the asset's criticality */
  severity: string;
  createdAt: string;
  updatedAt: string;
}

/** One detection result to record: it opens an alert or adds to the open one with its key. */
export interface AlertHit {
  kind: AlertKind;
  ruleId: string;
  ruleTitle: string;
  level: string;
  logsource: { product?: string; category?: string; service?: string };
  tags: string[];
  dedupeKey: string;
  groupFields: Record<string, unknown>;
  /** event time, ISO 8601 UTC */
  seenAt: string;
  sourceIp: string | null;
  hostName: string | null;
  sourceName: string | null;
  userName: string | null;
  eventSeqs: number[];
  matched: Record<string, unknown>;
  asset: AlertAsset | null;
  severity: string;
}

export interface AlertQuery {
  status?: AlertStatus[];
  level?: string[];
  severity?: string[];
  assetId?: string;
  /** only alerts on assets this user owns (the owner role) */
  assetOwnerId?: string;
  kind?: AlertKind;
  ruleId?: string;
  sourceIp?: string;
  hostName?: string;
  /** last seen at or after (ISO) */
  from?: string;
  /** last seen before (ISO) */
  to?: string;
  /** words in the rule title */
  text?: string;
  /** for pages: alerts older (lower seq) than this */
  beforeSeq?: number;
  limit: number;
}

export interface AlertStatusChange {
  status: AlertStatus;
  resolution: AlertResolution | null;
  by: string;
  at: string;
  note: string | null;
}

/** How many event seqs an alert keeps: the first ones and then the latest. */
export const ALERT_EVENT_SEQS = 50;

function keepSeqs(existing: number[], added: number[]): number[] {
  const all = [...existing, ...added];
  if (all.length <= ALERT_EVENT_SEQS) return all;
  const head = Math.floor(ALERT_EVENT_SEQS / 2);
  return [...all.slice(0, head), ...all.slice(all.length - (ALERT_EVENT_SEQS - head))];
}

function toAlert(r: Selectable<AlertsTable>): AlertRecord {
  const logsource: AlertRecord['logsource'] = {};
  if (r.product) logsource.product = r.product;
  if (r.category) logsource.category = r.category;
  if (r.service) logsource.service = r.service;
  return {
    seq: Number(r.seq),
    id: r.id,
    revision: Number(r.revision),
    kind: r.kind as AlertKind,
    ruleId: r.rule_id,
    ruleTitle: r.rule_title,
    level: r.level,
    logsource,
    tags: JSON.parse(r.tags) as string[],
    dedupeKey: r.dedupe_key,
    groupFields: JSON.parse(r.group_fields) as Record<string, unknown>,
    status: r.status as AlertStatus,
    resolution: r.resolution as AlertResolution | null,
    statusBy: r.status_by,
    statusAt: r.status_at,
    statusNote: r.status_note,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: Number(r.count),
    sourceIp: r.source_ip,
    hostName: r.host_name,
    sourceName: r.source_name,
    userName: r.user_name,
    eventSeqs: JSON.parse(r.event_seqs) as number[],
    matched: JSON.parse(r.matched) as Record<string, unknown>,
    asset: r.asset_id
      ? {
          id: r.asset_id,
          name: r.asset_name ?? r.asset_id,
          criticality: r.asset_criticality === null ? null : Number(r.asset_criticality),
          zone: r.asset_zone,
          ownerId: r.asset_owner_id,
          ownerName: r.asset_owner_name,
        }
      : null,
    severity: r.severity ?? r.level,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Alerts and the detection cursor. `record` writes a batch's hits and the position detection has
 * reached in one transaction, so after a crash detection resumes exactly where its alerts end:
 * no event is evaluated into an alert twice and none is skipped.
 */
export class AlertRepository {
  #revision: number | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  async #nextRevision(db: Kysely<Database>): Promise<number> {
    if (this.#revision === undefined) {
      const r = await db
        .selectFrom('alerts')
        .select((eb) => eb.fn.max('revision').as('max'))
        .executeTakeFirst();
      this.#revision = Number(r?.max ?? 0);
    }
    return ++this.#revision;
  }

  /**
   * Opens or extends alerts for the hits, then moves the named cursor to `cursor` (when given).
   * A hit extends the open (not closed) alert with its dedupe key whose last sighting is at most
   * `windowMs` before it; otherwise it opens a new alert. Returns the alerts as they now are.
   */
  async record(
    hits: readonly AlertHit[],
    options: {
      windowMs: number;
      now: string;
      newId: () => string;
      cursor?: { name: string; value: number };
    },
  ): Promise<{ opened: AlertRecord[]; updated: AlertRecord[] }> {
    const before = this.#revision;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const opened = new Map<string, AlertRecord>();
        const updated = new Map<string, AlertRecord>();
        const open = new Map<string, AlertRecord>();
        for (const hit of hits) {
          let current = open.get(hit.dedupeKey);
          if (!current) {
            const since = new Date(Date.parse(hit.seenAt) - options.windowMs).toISOString();
            const row = await trx
              .selectFrom('alerts')
              .selectAll()
              .where('dedupe_key', '=', hit.dedupeKey)
              .where('status', '!=', 'closed')
              .where('last_seen', '>=', since)
              .orderBy('seq', 'desc')
              .limit(1)
              .executeTakeFirst();
            if (row) current = toAlert(row);
          } else if (Date.parse(hit.seenAt) - Date.parse(current.lastSeen) > options.windowMs) {
            current = undefined;
          }
          const revision = await this.#nextRevision(trx);
          if (current) {
            const next: AlertRecord = {
              ...current,
              revision,
              count: current.count + 1,
              lastSeen: hit.seenAt > current.lastSeen ? hit.seenAt : current.lastSeen,
              firstSeen: hit.seenAt < current.firstSeen ? hit.seenAt : current.firstSeen,
              eventSeqs: keepSeqs(current.eventSeqs, hit.eventSeqs),
              updatedAt: options.now,
            };
            open.set(hit.dedupeKey, next);
            if (opened.has(next.id)) opened.set(next.id, next);
            else updated.set(next.id, next);
            continue;
          }
          const alert: AlertRecord = {
            seq: 0,
            id: options.newId(),
            revision,
            kind: hit.kind,
            ruleId: hit.ruleId,
            ruleTitle: hit.ruleTitle,
            level: hit.level,
            logsource: hit.logsource,
            tags: hit.tags,
            dedupeKey: hit.dedupeKey,
            groupFields: hit.groupFields,
            status: 'new',
            resolution: null,
            statusBy: null,
            statusAt: null,
            statusNote: null,
            firstSeen: hit.seenAt,
            lastSeen: hit.seenAt,
            count: 1,
            sourceIp: hit.sourceIp,
            hostName: hit.hostName,
            sourceName: hit.sourceName,
            userName: hit.userName,
            eventSeqs: keepSeqs([], hit.eventSeqs),
            matched: hit.matched,
            asset: hit.asset,
            severity: hit.severity,
            createdAt: options.now,
            updatedAt: options.now,
          };
          open.set(hit.dedupeKey, alert);
          opened.set(alert.id, alert);
        }
        for (const a of opened.values()) {
          const r = await trx
            .insertInto('alerts')
            .values({
              id: a.id,
              revision: a.revision,
              kind: a.kind,
              rule_id: a.ruleId,
              rule_title: a.ruleTitle,
              level: a.level,
              product: a.logsource.product ?? null,
              category: a.logsource.category ?? null,
              service: a.logsource.service ?? null,
              tags: JSON.stringify(a.tags),
              dedupe_key: a.dedupeKey,
              group_fields: JSON.stringify(a.groupFields),
              status: a.status,
              resolution: null,
              status_by: null,
              status_at: null,
              status_note: null,
              first_seen: a.firstSeen,
              last_seen: a.lastSeen,
              count: a.count,
              source_ip: a.sourceIp,
              host_name: a.hostName,
              source_name: a.sourceName,
              user_name: a.userName,
              event_seqs: JSON.stringify(a.eventSeqs),
              matched: JSON.stringify(a.matched),
              asset_id: a.asset?.id ?? null,
              asset_name: a.asset?.name ?? null,
              asset_criticality: a.asset?.criticality ?? null,
              asset_zone: a.asset?.zone ?? null,
              asset_owner_id: a.asset?.ownerId ?? null,
              asset_owner_name: a.asset?.ownerName ?? null,
              severity: a.severity,
              created_at: a.createdAt,
              updated_at: a.updatedAt,
            })
            .returning('seq')
            .executeTakeFirstOrThrow();
          a.seq = Number(r.seq);
        }
        for (const a of updated.values()) {
          await trx
            .updateTable('alerts')
            .set({
              revision: a.revision,
              count: a.count,
              first_seen: a.firstSeen,
              last_seen: a.lastSeen,
              event_seqs: JSON.stringify(a.eventSeqs),
              updated_at: a.updatedAt,
            })
            .where('id', '=', a.id)
            .execute();
        }
        if (options.cursor)
          await setCursor(trx, options.cursor.name, options.cursor.value, options.now);
        return { opened: [...opened.values()], updated: [...updated.values()] };
      });
    } catch (err) {
      // The transaction rolled back: so did the revisions it used.
      this.#revision = before;
      throw err;
    }
  }

  async get(id: string): Promise<AlertRecord | undefined> {
    const r = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toAlert(r);
  }

  async list(q: AlertQuery): Promise<AlertRecord[]> {
    let query = this.db.selectFrom('alerts').selectAll();
    if (q.status?.length) query = query.where('status', 'in', q.status);
    if (q.level?.length) query = query.where('level', 'in', q.level);
    if (q.severity?.length) query = query.where('severity', 'in', q.severity);
    if (q.assetId) query = query.where('asset_id', '=', q.assetId);
    if (q.assetOwnerId) query = query.where('asset_owner_id', '=', q.assetOwnerId);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.ruleId) query = query.where('rule_id', '=', q.ruleId);
    if (q.sourceIp) query = query.where('source_ip', '=', q.sourceIp);
    if (q.hostName) query = query.where('host_name', '=', q.hostName);
    if (q.from) query = query.where('last_seen', '>=', q.from);
    if (q.to) query = query.where('last_seen', '<', q.to);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    for (const word of (q.text ?? '').split(/\s+/).filter(Boolean)) {
      query = query.where('rule_title', 'like', `%${word.replace(/[%_\\]/g, '\\$&')}%`);
    }
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map(toAlert);
  }

  /** The revision of the latest change (0 when there are no alerts). */
  async currentRevision(): Promise<number> {
    const r = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.max('revision').as('max'))
      .executeTakeFirst();
    return Math.max(Number(r?.max ?? 0), this.#revision ?? 0);
  }

  /** Alerts changed after `revision`, oldest change first (the live stream's replay). */
  async changedAfter(revision: number, limit: number): Promise<AlertRecord[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('revision', '>', revision)
      .orderBy('revision')
      .limit(limit)
      .execute();
    return rows.map(toAlert);
  }

  async setStatus(id: string, change: AlertStatusChange): Promise<AlertRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const revision = await this.#nextRevision(trx);
      const patch: Updateable<AlertsTable> = {
        revision,
        status: change.status,
        resolution: change.resolution,
        status_by: change.by,
        status_at: change.at,
        status_note: change.note,
        updated_at: change.at,
      };
      const r = await trx
        .updateTable('alerts')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r && toAlert(r);
    });
  }

  /** Open (not closed) alerts per asset: how many, and their severities, for risk ranking. */
  async openByAsset(): Promise<Map<string, { count: number; severities: string[] }>> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['asset_id', 'severity'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'closed')
      .where('asset_id', 'is not', null)
      .groupBy(['asset_id', 'severity'])
      .execute();
    const out = new Map<string, { count: number; severities: string[] }>();
    for (const r of rows) {
      const entry = out.get(r.asset_id!) ?? { count: 0, severities: [] };
      entry.count += Number(r.n);
      if (r.severity) entry.severities.push(r.severity);
      out.set(r.asset_id!, entry);
    }
    return out;
  }

  /** Counts by status and level, and total matches per rule: for dashboards and the rule list. */
  async summary(): Promise<{
    byStatus: Record<string, number>;
    byLevel: Record<string, number>;
    bySeverity: Record<string, number>;
    matchesByRule: Record<string, number>;
  }> {
    const byStatus: Record<string, number> = {};
    const byLevel: Record<string, number> = {};
    const bySeverity: Record<string, number> = {};
    const matchesByRule: Record<string, number> = {};
    const rows = await this.db
      .selectFrom('alerts')
      .select(['status', 'level', 'severity', 'rule_id'])
      .select((eb) => [
        eb.fn.countAll<number>().as('alerts'),
        eb.fn.sum<number>('count').as('hits'),
      ])
      .groupBy(['status', 'level', 'severity', 'rule_id'])
      .execute();
    for (const r of rows) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + Number(r.alerts);
      if (r.status !== 'closed') {
        byLevel[r.level] = (byLevel[r.level] ?? 0) + Number(r.alerts);
        const sev = r.severity ?? r.level;
        bySeverity[sev] = (bySeverity[sev] ?? 0) + Number(r.alerts);
      }
      matchesByRule[r.rule_id] = (matchesByRule[r.rule_id] ?? 0) + Number(r.hits);
    }
    return { byStatus, byLevel, bySeverity, matchesByRule };
  }
}

async function setCursor(db: Kysely<Database>, name: string, value: number, at: string) {
  await db
    .insertInto('detection_state')
    .values({ name, value, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/** Reads the events table in `seq` order: detection follows it as a durable queue. */
export class EventFeed {
  constructor(private readonly db: Kysely<Database>) {}

  async cursor(name: string): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('detection_state')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return r === undefined ? undefined : Number(r.value);
  }

  setCursor(name: string, value: number, at: string): Promise<void> {
    return setCursor(this.db, name, value, at);
  }

  /** The newest event's seq (0 when there is none). */
  async lastSeq(): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    return Number(r?.max ?? 0);
  }

  /** Events after `seq`, oldest first, at most `limit`, none beyond `untilSeq` when given. */
  async readAfter(seq: number, limit: number, untilSeq?: number): Promise<EventRecord[]> {
    let q = this.db.selectFrom('events').selectAll().where('seq', '>', seq);
    if (untilSeq !== undefined) q = q.where('seq', '<=', untilSeq);
    const rows = await q.orderBy('seq').limit(limit).execute();
    return rows.map(fromEventRow);
  }

  /** The seq just before the first event received at or after `since` (a backfill's start). */
  async seqBeforeReceived(since: string): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.min('seq').as('min'))
      .where('received_at', '>=', since)
      .executeTakeFirst();
    return r?.min === null || r?.min === undefined ? await this.lastSeq() : Number(r.min) - 1;
  }
}

export type IndicatorType = 'ip' | 'cidr' | 'domain' | 'url' | 'hash';
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

export interface IndicatorRecord {
  id: string;
  type: IndicatorType;
  value: string;
  source: string;
  tlp: Tlp;
  description: string | null;
  expiresAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  hits: number;
  lastHitAt: string | null;
}

export interface IndicatorQuery {
  type?: IndicatorType;
  source?: string;
  /** substring of the value */
  text?: string;
  /** only those not expired at this time */
  activeAt?: string;
  /** only those expired at this time */
  expiredAt?: string;
  afterId?: string;
  limit: number;
}

function toIndicator(r: Selectable<IndicatorsTable>): IndicatorRecord {
  return {
    id: r.id,
    type: r.type as IndicatorType,
    value: r.value,
    source: r.source,
    tlp: r.tlp as Tlp,
    description: r.description,
    expiresAt: r.expires_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    hits: Number(r.hits),
    lastHitAt: r.last_hit_at,
  };
}

export class IndicatorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds indicators, or updates source, TLP, description and expiry of those already known (same
   * type and value). Returns how many were new.
   */
  async upsert(rows: readonly Omit<IndicatorRecord, 'hits' | 'lastHitAt'>[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let added = 0;
      for (const r of rows) {
        const existing = await trx
          .selectFrom('indicators')
          .select('id')
          .where('type', '=', r.type)
          .where('value', '=', r.value)
          .executeTakeFirst();
        if (existing) {
          await trx
            .updateTable('indicators')
            .set({
              source: r.source,
              tlp: r.tlp,
              description: r.description,
              expires_at: r.expiresAt,
              updated_at: r.updatedAt,
            })
            .where('id', '=', existing.id)
            .execute();
          continue;
        }
        await trx
          .insertInto('indicators')
          .values({
            id: r.id,
            type: r.type,
            value: r.value,
            source: r.source,
            tlp: r.tlp,
            description: r.description,
            expires_at: r.expiresAt,
            created_by: r.createdBy,
            created_at: r.createdAt,
            updated_at: r.updatedAt,
            last_hit_at: null,
          })
          .execute();
        added++;
      }
      return added;
    });
  }

  async get(id: string): Promise<IndicatorRecord | undefined> {
    const r = await this.db
      .selectFrom('indicators')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toIndicator(r);
  }

  async list(q: IndicatorQuery): Promise<IndicatorRecord[]> {
    let query = this.db.selectFrom('indicators').selectAll();
    if (q.type) query = query.where('type', '=', q.type);
    if (q.source) query = query.where('source', '=', q.source);
    if (q.text) query = query.where('value', 'like', `%${q.text.replace(/[%_\\]/g, '\\$&')}%`);
    if (q.activeAt) {
      const at = q.activeAt;
      query = query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));
    }
    if (q.expiredAt) query = query.where('expires_at', '<=', q.expiredAt);
    if (q.afterId) query = query.where('id', '>', q.afterId);
    return (await query.orderBy('id').limit(q.limit).execute()).map(toIndicator);
  }

  /** The indicators of one type with these values (in any order; unknown values left out). */
  async findByValues(type: IndicatorType, values: readonly string[]): Promise<IndicatorRecord[]> {
    const out: IndicatorRecord[] = [];
    for (let i = 0; i < values.length; i += 500) {
      const rows = await this.db
        .selectFrom('indicators')
        .selectAll()
        .where('type', '=', type)
        .where('value', 'in', values.slice(i, i + 500))
        .execute();
      for (const r of rows) out.push(toIndicator(r));
    }
    return out;
  }

  /**
   * How many indicators there are and the latest change time: it changes whenever an indicator
   * is added, updated or deleted (not when hits are counted), so a cache can tell it is stale.
   */
  async stamp(): Promise<{ count: number; lastUpdatedAt: string | null }> {
    const r = await this.db
      .selectFrom('indicators')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updated_at').as('last')])
      .executeTakeFirst();
    return { count: Number(r?.count ?? 0), lastUpdatedAt: r?.last ?? null };
  }

  /** Every indicator not expired at `at`, for the matcher. */
  async active(at: string): Promise<IndicatorRecord[]> {
    const rows = await this.db
      .selectFrom('indicators')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .execute();
    return rows.map(toIndicator);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('indicators').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async recordHits(hits: ReadonlyMap<string, { count: number; at: string }>): Promise<void> {
    if (hits.size === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [id, h] of hits) {
        await trx
          .updateTable('indicators')
          .set({ hits: sql`hits + ${h.count}`, last_hit_at: h.at })
          .where('id', '=', id)
          .execute();
      }
    });
  }
}

export interface RuleSetting {
  ruleId: string;
  enabled: boolean;
  updatedBy: string;
  updatedAt: string;
  reason: string | null;
}

export interface RuleFilterRecord {
  id: string;
  title: string;
  ruleIds: string[];
  /** the Sigma filter document (YAML) */
  source: string;
  reason: string;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}

/** What people decided about rules: which are switched off, and the tuning filters they added. */
export class RuleSettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async settings(): Promise<RuleSetting[]> {
    const rows = await this.db.selectFrom('rule_settings').selectAll().execute();
    return rows.map((r) => ({
      ruleId: r.rule_id,
      enabled: r.enabled === 1,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
      reason: r.reason,
    }));
  }

  async setEnabled(s: RuleSetting): Promise<void> {
    const values = {
      enabled: s.enabled ? 1 : 0,
      updated_by: s.updatedBy,
      updated_at: s.updatedAt,
      reason: s.reason,
    };
    await this.db
      .insertInto('rule_settings')
      .values({ rule_id: s.ruleId, ...values })
      .onConflict((oc) => oc.column('rule_id').doUpdateSet(values))
      .execute();
  }

  async forget(ruleId: string): Promise<void> {
    await this.db.deleteFrom('rule_settings').where('rule_id', '=', ruleId).execute();
  }

  async filters(): Promise<RuleFilterRecord[]> {
    const rows = await this.db
      .selectFrom('rule_filters')
      .selectAll()
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      ruleIds: JSON.parse(r.rule_ids) as string[],
      source: r.source,
      reason: r.reason,
      enabled: r.enabled === 1,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  async addFilter(f: RuleFilterRecord): Promise<void> {
    await this.db
      .insertInto('rule_filters')
      .values({
        id: f.id,
        title: f.title,
        rule_ids: JSON.stringify(f.ruleIds),
        source: f.source,
        reason: f.reason,
        enabled: f.enabled ? 1 : 0,
        created_by: f.createdBy,
        created_at: f.createdAt,
      })
      .execute();
  }

  async deleteFilter(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('rule_filters').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

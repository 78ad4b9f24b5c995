import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type {
  CertInIncidentType,
  DutyReport,
  IncidentResolution,
  IncidentSeverity,
  IncidentStatus,
  LegalDuty,
} from '@prahari/core';
import type {
  Database,
  IncidentEvidenceCustodyTable,
  IncidentEvidenceTable,
  IncidentProposalsTable,
  IncidentsTable,
  IncidentTasksTable,
} from './schema.js';

/** What an observable is: the things an analyst pivots on and detection matches. */
export const OBSERVABLE_TYPES = ['ip', 'domain', 'url', 'hash', 'user', 'host', 'email'] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];

export const TASK_STATUSES = ['open', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** How a link came to an incident: with an attached alert, or added by a person. */
export type LinkSource = 'alert' | 'manual';

export type CustodyAction = 'uploaded' | 'downloaded' | 'verified' | 'refused' | 'moved';

export type ProposalStatus = 'open' | 'accepted' | 'dismissed' | 'attached';

export interface IncidentRecord {
  id: string;
  /** creation order (for pages) */
  seq: number;
  /** what people say and type: INC-2026-0007 */
  number: string;
  title: string;
  description: string | null;
  severity: IncidentSeverity;
  status: IncidentStatus;
  resolution: IncidentResolution | null;
  ownerId: string | null;
  /** the owner's username (joined) */
  ownerName: string | null;
  certInType: CertInIncidentType | null;
  personalDataBreach: boolean;
  /** when the city noticed it: the legal clocks run from here */
  noticedAt: string;
  /** when it first left `new` */
  acknowledgedAt: string | null;
  /** when it first reached contained (or a later stage) */
  containedAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  /** the incident this one was merged into (it is then closed as a duplicate) */
  mergedIntoId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** A new incident; its seq and number are given by the store. */
export type NewIncident = Omit<
  IncidentRecord,
  | 'seq'
  | 'number'
  | 'ownerName'
  | 'resolution'
  | 'acknowledgedAt'
  | 'containedAt'
  | 'closedAt'
  | 'closedBy'
  | 'mergedIntoId'
  | 'updatedAt'
  | 'updatedBy'
>;

export type IncidentPatch = Partial<
  Pick<
    IncidentRecord,
    | 'title'
    | 'description'
    | 'severity'
    | 'status'
    | 'resolution'
    | 'ownerId'
    | 'certInType'
    | 'personalDataBreach'
    | 'noticedAt'
    | 'acknowledgedAt'
    | 'containedAt'
    | 'closedAt'
    | 'closedBy'
    | 'mergedIntoId'
  >
>;

export interface IncidentAlertLink {
  alertId: string;
  attachedAt: string;
  attachedBy: string;
}

export interface IncidentAssetLink {
  assetId: string;
  /** the asset's name now; null when the register no longer has it */
  name: string | null;
  ownerId: string | null;
  source: LinkSource;
  addedAt: string;
  addedBy: string;
}

/** An incident's asset as the board shows it. */
export interface IncidentAssetBrief {
  id: string;
  name: string;
  criticality: number | null;
}

export interface IncidentServiceLink {
  serviceId: string;
  name: string | null;
  source: LinkSource;
  addedAt: string;
  addedBy: string;
}

export interface IncidentAssignee {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  department: string | null;
  assignedAt: string;
  assignedBy: string;
}

export interface IncidentObservable {
  id: string;
  incidentId: string;
  type: ObservableType;
  value: string;
  firstSeen: string | null;
  lastSeen: string | null;
  source: LinkSource;
  addedAt: string;
  addedBy: string;
  /** the attached alerts it was seen in */
  alertIds: string[];
  /** the events it was seen in */
  eventSeqs: number[];
}

/** An observable seen somewhere: added to an incident, or widening the one it has. */
export interface ObservableSighting {
  type: ObservableType;
  value: string;
  seenAt: string | null;
  alertId: string | null;
  eventSeqs: number[];
  source: LinkSource;
}

export interface IncidentTask {
  id: string;
  incidentId: string;
  title: string;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: string | null;
  status: TaskStatus;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  doneAt: string | null;
  doneBy: string | null;
}

export type TaskPatch = Partial<
  Pick<IncidentTask, 'title' | 'assigneeId' | 'dueAt' | 'status' | 'doneAt' | 'doneBy'>
> & { updatedAt: string; updatedBy: string };

export interface IncidentNote {
  id: string;
  incidentId: string;
  authorId: string | null;
  authorName: string;
  text: string;
  createdAt: string;
}

export interface EvidenceRecord {
  id: string;
  incidentId: string;
  fileName: string;
  size: number;
  sha256: string;
  /** relative to the data directory */
  storedPath: string;
  mediaType: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

export interface CustodyEntry {
  seq: number;
  evidenceId: string;
  action: CustodyAction;
  actorId: string | null;
  actorName: string;
  at: string;
  /** the SHA-256 the file had when this was done */
  sha256Seen: string | null;
  /** ok, or mismatch: the file no longer had the hash recorded at upload */
  outcome: 'ok' | 'mismatch';
  note: string | null;
}

export interface DutyReportRecord extends DutyReport {
  incidentId: string;
  recordedAt: string;
}

export interface ProposalReason {
  kind: 'asset' | 'source_ip' | 'observable';
  /** the asset id, the address, or `type:value` of the observable */
  value: string;
  /** what a person reads: the asset's name, the address, the observable */
  label: string;
}

export interface IncidentProposal {
  id: string;
  incidentId: string;
  alertId: string;
  reasons: ProposalReason[];
  status: ProposalStatus;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** Everything an incident is linked to. */
export interface IncidentLinks {
  alerts: IncidentAlertLink[];
  assets: IncidentAssetLink[];
  services: IncidentServiceLink[];
  assignees: IncidentAssignee[];
  observables: IncidentObservable[];
}

/**
 * One change to an incident's fields and links, written in one transaction. Links are added if
 * missing (adding twice is harmless); observables are merged by type and value, widening when
 * they were seen and in which alerts.
 */
export interface IncidentChange {
  at: string;
  by: string;
  patch?: IncidentPatch;
  addAlerts?: string[];
  removeAlerts?: string[];
  addAssets?: { id: string; source: LinkSource }[];
  removeAssets?: string[];
  addServices?: { id: string; source: LinkSource }[];
  removeServices?: string[];
  addAssignees?: string[];
  /** replaces every assignee */
  setAssignees?: string[];
  observables?: ObservableSighting[];
  removeObservables?: string[];
}

export interface IncidentQuery {
  status?: IncidentStatus[];
  severity?: IncidentSeverity[];
  ownerId?: string;
  assigneeId?: string;
  assetId?: string;
  /** part of the number, title or description */
  text?: string;
  /** only incidents carrying a legal duty (a CERT-In type or a personal-data breach) */
  withDuties?: boolean;
  /** only what this user may see as a system owner: theirs, assigned to them, or on their assets */
  visibleTo?: string;
  createdFrom?: string;
  createdTo?: string;
  /** for pages: incidents created before this seq */
  beforeSeq?: number;
  limit: number;
}

/** The alerts of an attach that already belong to another open incident. */
export class AlertInOpenIncidentError extends Error {
  constructor(readonly conflicts: { alertId: string; incidentId: string; number: string }[]) {
    super(
      conflicts.map((c) => `alert ${c.alertId} is already in open incident ${c.number}`).join('; '),
    );
    this.name = 'AlertInOpenIncidentError';
  }
}

const like = (text: string) => `%${text.replace(/[%_\\]/g, '\\$&')}%`;
const bool = (b: boolean) => (b ? 1 : 0);
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

type IncidentRow = Selectable<IncidentsTable> & { owner_name: string | null };

function toIncident(r: IncidentRow): IncidentRecord {
  return {
    id: r.id,
    seq: Number(r.seq),
    number: r.number,
    title: r.title,
    description: r.description,
    severity: r.severity as IncidentSeverity,
    status: r.status as IncidentStatus,
    resolution: r.resolution as IncidentResolution | null,
    ownerId: r.owner_user_id,
    ownerName: r.owner_name,
    certInType: r.cert_in_type as CertInIncidentType | null,
    personalDataBreach: Number(r.personal_data_breach) === 1,
    noticedAt: r.noticed_at,
    acknowledgedAt: r.acknowledged_at,
    containedAt: r.contained_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    mergedIntoId: r.merged_into_id,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

function incidentColumns(p: IncidentPatch): Updateable<IncidentsTable> {
  const v: Updateable<IncidentsTable> = {};
  if (p.title !== undefined) v.title = p.title;
  if (p.description !== undefined) v.description = p.description;
  if (p.severity !== undefined) v.severity = p.severity;
  if (p.status !== undefined) v.status = p.status;
  if (p.resolution !== undefined) v.resolution = p.resolution;
  if (p.ownerId !== undefined) v.owner_user_id = p.ownerId;
  if (p.certInType !== undefined) v.cert_in_type = p.certInType;
  if (p.personalDataBreach !== undefined) v.personal_data_breach = bool(p.personalDataBreach);
  if (p.noticedAt !== undefined) v.noticed_at = p.noticedAt;
  if (p.acknowledgedAt !== undefined) v.acknowledged_at = p.acknowledgedAt;
  if (p.containedAt !== undefined) v.contained_at = p.containedAt;
  if (p.closedAt !== undefined) v.closed_at = p.closedAt;
  if (p.closedBy !== undefined) v.closed_by = p.closedBy;
  if (p.mergedIntoId !== undefined) v.merged_into_id = p.mergedIntoId;
  return v;
}

function toTask(
  r: Selectable<IncidentTasksTable> & { assignee_name: string | null },
): IncidentTask {
  return {
    id: r.id,
    incidentId: r.incident_id,
    title: r.title,
    assigneeId: r.assignee_user_id,
    assigneeName: r.assignee_name,
    dueAt: r.due_at,
    status: r.status as TaskStatus,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    doneAt: r.done_at,
    doneBy: r.done_by,
  };
}

function toEvidence(r: Selectable<IncidentEvidenceTable>): EvidenceRecord {
  return {
    id: r.id,
    incidentId: r.incident_id,
    fileName: r.file_name,
    size: Number(r.size),
    sha256: r.sha256,
    storedPath: r.stored_path,
    mediaType: r.media_type,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at,
  };
}

function toCustody(r: Selectable<IncidentEvidenceCustodyTable>): CustodyEntry {
  return {
    seq: Number(r.seq),
    evidenceId: r.evidence_id,
    action: r.action as CustodyAction,
    actorId: r.actor_id,
    actorName: r.actor_name,
    at: r.at,
    sha256Seen: r.sha256_seen,
    outcome: r.outcome as CustodyEntry['outcome'],
    note: r.note,
  };
}

function toProposal(r: Selectable<IncidentProposalsTable>): IncidentProposal {
  return {
    id: r.id,
    incidentId: r.incident_id,
    alertId: r.alert_id,
    reasons: JSON.parse(r.reasons) as ProposalReason[],
    status: r.status as ProposalStatus,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
  };
}

const minTime = (a: string | null, b: string | null) =>
  a === null ? b : b === null || a <= b ? a : b;
const maxTime = (a: string | null, b: string | null) =>
  a === null ? b : b === null || a >= b ? a : b;

function mergeSeqs(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function incidentsWithOwner(db: Kysely<Database>) {
  return db
    .selectFrom('incidents')
    .leftJoin('users', 'users.id', 'incidents.owner_user_id')
    .selectAll('incidents')
    .select('users.username as owner_name');
}

/** Open incidents (other than `except`) that already hold any of these alerts. */
async function openHolders(
  trx: Transaction<Database>,
  alertIds: readonly string[],
  except: string | null,
): Promise<{ alertId: string; incidentId: string; number: string }[]> {
  const out: { alertId: string; incidentId: string; number: string }[] = [];
  for (const part of chunks([...new Set(alertIds)])) {
    let q = trx
      .selectFrom('incident_alerts')
      .innerJoin('incidents', 'incidents.id', 'incident_alerts.incident_id')
      .select(['incident_alerts.alert_id', 'incidents.id', 'incidents.number'])
      .where('incident_alerts.alert_id', 'in', part)
      .where('incidents.status', '!=', 'closed');
    if (except !== null) q = q.where('incidents.id', '!=', except);
    for (const r of await q.execute())
      out.push({ alertId: r.alert_id, incidentId: r.id, number: r.number });
  }
  return out;
}

/** Adds a sighting to the incident's observable of that type and value, creating it if new. */
async function upsertObservable(
  trx: Transaction<Database>,
  incidentId: string,
  s: ObservableSighting,
  at: string,
  by: string,
  newId: () => string,
): Promise<void> {
  const existing = await trx
    .selectFrom('incident_observables')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('type', '=', s.type)
    .where('value', '=', s.value)
    .executeTakeFirst();
  let id: string;
  if (existing) {
    id = existing.id;
    await trx
      .updateTable('incident_observables')
      .set({
        first_seen: minTime(existing.first_seen, s.seenAt),
        last_seen: maxTime(existing.last_seen, s.seenAt),
        // a person vouching for an observable keeps it when its alerts leave
        ...(s.source === 'manual' && { source: 'manual' }),
      })
      .where('id', '=', id)
      .execute();
  } else {
    id = newId();
    await trx
      .insertInto('incident_observables')
      .values({
        id,
        incident_id: incidentId,
        type: s.type,
        value: s.value,
        first_seen: s.seenAt,
        last_seen: s.seenAt,
        source: s.source,
        added_at: at,
        added_by: by,
      })
      .execute();
  }
  if (s.alertId === null) return;
  const link = await trx
    .selectFrom('incident_observable_alerts')
    .select('event_seqs')
    .where('observable_id', '=', id)
    .where('alert_id', '=', s.alertId)
    .executeTakeFirst();
  if (link) {
    await trx
      .updateTable('incident_observable_alerts')
      .set({
        event_seqs: JSON.stringify(mergeSeqs(JSON.parse(link.event_seqs) as number[], s.eventSeqs)),
      })
      .where('observable_id', '=', id)
      .where('alert_id', '=', s.alertId)
      .execute();
  } else {
    await trx
      .insertInto('incident_observable_alerts')
      .values({
        observable_id: id,
        alert_id: s.alertId,
        event_seqs: JSON.stringify(mergeSeqs([], s.eventSeqs)),
      })
      .execute();
  }
}

/** Observables that came only with alerts and are no longer seen in any attached alert. */
async function dropOrphanObservables(trx: Transaction<Database>, incidentId: string) {
  const orphans = await trx
    .selectFrom('incident_observables')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('source', '=', 'alert')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('incident_observable_alerts')
            .select('alert_id')
            .whereRef('incident_observable_alerts.observable_id', '=', 'incident_observables.id'),
        ),
      ),
    )
    .execute();
  for (const part of chunks(orphans.map((o) => o.id)))
    if (part.length > 0)
      await trx.deleteFrom('incident_observables').where('id', 'in', part).execute();
}

/**
 * Incidents and everything filed under them. Multi-table changes (create, attach, merge, split)
 * are one transaction each, so an incident is never seen half-changed and an alert never lands
 * in two open incidents.
 */
export class IncidentRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly newId: () => string,
  ) {}

  async #apply(trx: Transaction<Database>, incidentId: string, c: IncidentChange): Promise<void> {
    if (c.patch) {
      await trx
        .updateTable('incidents')
        .set({ ...incidentColumns(c.patch), updated_at: c.at, updated_by: c.by })
        .where('id', '=', incidentId)
        .execute();
    }
    if (c.addAlerts?.length) {
      const conflicts = await openHolders(trx, c.addAlerts, incidentId);
      if (conflicts.length > 0) throw new AlertInOpenIncidentError(conflicts);
      await trx
        .insertInto('incident_alerts')
        .values(
          c.addAlerts.map((alertId) => ({
            incident_id: incidentId,
            alert_id: alertId,
            attached_at: c.at,
            attached_by: c.by,
          })),
        )
        .onConflict((oc) => oc.columns(['incident_id', 'alert_id']).doNothing())
        .execute();
    }
    if (c.removeAlerts?.length) {
      for (const part of chunks(c.removeAlerts)) {
        await trx
          .deleteFrom('incident_alerts')
          .where('incident_id', '=', incidentId)
          .where('alert_id', 'in', part)
          .execute();
        await trx
          .deleteFrom('incident_observable_alerts')
          .where('alert_id', 'in', part)
          .where('observable_id', 'in', (eb) =>
            eb
              .selectFrom('incident_observables')
              .select('id')
              .where('incident_id', '=', incidentId),
          )
          .execute();
      }
      await dropOrphanObservables(trx, incidentId);
    }
    if (c.addAssets?.length)
      await trx
        .insertInto('incident_assets')
        .values(
          c.addAssets.map((a) => ({
            incident_id: incidentId,
            asset_id: a.id,
            source: a.source,
            added_at: c.at,
            added_by: c.by,
          })),
        )
        .onConflict((oc) => oc.columns(['incident_id', 'asset_id']).doNothing())
        .execute();
    if (c.removeAssets?.length)
      await trx
        .deleteFrom('incident_assets')
        .where('incident_id', '=', incidentId)
        .where('asset_id', 'in', c.removeAssets)
        .execute();
    if (c.addServices?.length)
      await trx
        .insertInto('incident_services')
        .values(
          c.addServices.map((s) => ({
            incident_id: incidentId,
            service_id: s.id,
            source: s.source,
            added_at: c.at,
            added_by: c.by,
          })),
        )
        .onConflict((oc) => oc.columns(['incident_id', 'service_id']).doNothing())
        .execute();
    if (c.removeServices?.length)
      await trx
        .deleteFrom('incident_services')
        .where('incident_id', '=', incidentId)
        .where('service_id', 'in', c.removeServices)
        .execute();
    if (c.setAssignees) {
      const keep = c.setAssignees;
      let q = trx.deleteFrom('incident_assignees').where('incident_id', '=', incidentId);
      if (keep.length > 0) q = q.where('user_id', 'not in', keep);
      await q.execute();
    }
    const assignees = [...(c.setAssignees ?? []), ...(c.addAssignees ?? [])];
    if (assignees.length > 0)
      await trx
        .insertInto('incident_assignees')
        .values(
          [...new Set(assignees)].map((userId) => ({
            incident_id: incidentId,
            user_id: userId,
            assigned_at: c.at,
            assigned_by: c.by,
          })),
        )
        .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing())
        .execute();
    for (const s of c.observables ?? [])
      await upsertObservable(trx, incidentId, s, c.at, c.by, this.newId);
    if (c.removeObservables?.length)
      await trx
        .deleteFrom('incident_observables')
        .where('incident_id', '=', incidentId)
        .where('id', 'in', c.removeObservables)
        .execute();
  }

  async #create(
    trx: Transaction<Database>,
    incident: NewIncident,
    links: Omit<IncidentChange, 'at' | 'by' | 'patch'>,
  ): Promise<void> {
    const year = new Date(incident.createdAt).getUTCFullYear();
    const top = await trx
      .selectFrom('incidents')
      .select((eb) => [eb.fn.max('seq').as('seq')])
      .executeTakeFirst();
    const inYear = await trx
      .selectFrom('incidents')
      .select((eb) => eb.fn.max('year_seq').as('n'))
      .where('year', '=', year)
      .executeTakeFirst();
    const yearSeq = Number(inYear?.n ?? 0) + 1;
    await trx
      .insertInto('incidents')
      .values({
        id: incident.id,
        seq: Number(top?.seq ?? 0) + 1,
        year,
        year_seq: yearSeq,
        number: `INC-${year}-${String(yearSeq).padStart(4, '0')}`,
        title: incident.title,
        description: incident.description,
        severity: incident.severity,
        status: incident.status,
        resolution: null,
        owner_user_id: incident.ownerId,
        cert_in_type: incident.certInType,
        personal_data_breach: bool(incident.personalDataBreach),
        noticed_at: incident.noticedAt,
        acknowledged_at: null,
        contained_at: null,
        closed_at: null,
        closed_by: null,
        merged_into_id: null,
        created_at: incident.createdAt,
        created_by: incident.createdBy,
        updated_at: incident.createdAt,
        updated_by: incident.createdBy,
      })
      .execute();
    await this.#apply(trx, incident.id, {
      ...links,
      at: incident.createdAt,
      by: incident.createdBy,
    });
  }

  /**
   * Opens an incident with its first links; its number is the next of its creation year. Throws
   * AlertInOpenIncidentError (and writes nothing) when an alert is already in an open incident.
   */
  async create(
    incident: NewIncident,
    links: Omit<IncidentChange, 'at' | 'by' | 'patch'> = {},
  ): Promise<IncidentRecord> {
    await this.db.transaction().execute((trx) => this.#create(trx, incident, links));
    return (await this.get(incident.id))!;
  }

  /** Changes fields and links in one transaction (see IncidentChange). */
  async change(id: string, change: IncidentChange): Promise<IncidentRecord | undefined> {
    await this.db.transaction().execute((trx) => this.#apply(trx, id, change));
    return this.get(id);
  }

  async get(id: string): Promise<IncidentRecord | undefined> {
    const r = await incidentsWithOwner(this.db).where('incidents.id', '=', id).executeTakeFirst();
    return r && toIncident(r);
  }

  /** By number, case-insensitively: `inc-2026-0007` finds INC-2026-0007. */
  async getByNumber(number: string): Promise<IncidentRecord | undefined> {
    const r = await incidentsWithOwner(this.db)
      .where('incidents.number', '=', number.toUpperCase())
      .executeTakeFirst();
    return r && toIncident(r);
  }

  async getMany(ids: readonly string[]): Promise<IncidentRecord[]> {
    const out: IncidentRecord[] = [];
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      const rows = await incidentsWithOwner(this.db).where('incidents.id', 'in', part).execute();
      out.push(...rows.map(toIncident));
    }
    return out.sort((a, b) => b.seq - a.seq);
  }

  /** A page of incidents, newest first. */
  async list(q: IncidentQuery): Promise<IncidentRecord[]> {
    let query = incidentsWithOwner(this.db);
    if (q.status?.length) query = query.where('incidents.status', 'in', q.status);
    if (q.severity?.length) query = query.where('incidents.severity', 'in', q.severity);
    if (q.ownerId) query = query.where('incidents.owner_user_id', '=', q.ownerId);
    if (q.assigneeId) {
      const user = q.assigneeId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('incident_assignees')
            .select('incident_assignees.user_id')
            .whereRef('incident_assignees.incident_id', '=', 'incidents.id')
            .where('incident_assignees.user_id', '=', user),
        ),
      );
    }
    if (q.assetId) {
      const asset = q.assetId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('incident_assets')
            .select('incident_assets.asset_id')
            .whereRef('incident_assets.incident_id', '=', 'incidents.id')
            .where('incident_assets.asset_id', '=', asset),
        ),
      );
    }
    if (q.visibleTo) {
      const user = q.visibleTo;
      query = query.where((eb) =>
        eb.or([
          eb('incidents.owner_user_id', '=', user),
          eb.exists(
            eb
              .selectFrom('incident_assignees')
              .select('incident_assignees.user_id')
              .whereRef('incident_assignees.incident_id', '=', 'incidents.id')
              .where('incident_assignees.user_id', '=', user),
          ),
          eb.exists(
            eb
              .selectFrom('incident_assets')
              .innerJoin('assets', 'assets.id', 'incident_assets.asset_id')
              .select('incident_assets.asset_id')
              .whereRef('incident_assets.incident_id', '=', 'incidents.id')
              .where('assets.owner_user_id', '=', user),
          ),
        ]),
      );
    }
    if (q.text) {
      const text = like(q.text);
      query = query.where((eb) =>
        eb.or([
          eb('incidents.number', 'like', text.toUpperCase()),
          eb('incidents.title', 'like', text),
          eb('incidents.description', 'like', text),
        ]),
      );
    }
    if (q.withDuties)
      query = query.where((eb) =>
        eb.or([
          eb('incidents.cert_in_type', 'is not', null),
          eb('incidents.personal_data_breach', '=', 1),
        ]),
      );
    if (q.createdFrom) query = query.where('incidents.created_at', '>=', q.createdFrom);
    if (q.createdTo) query = query.where('incidents.created_at', '<', q.createdTo);
    if (q.beforeSeq !== undefined) query = query.where('incidents.seq', '<', q.beforeSeq);
    const rows = await query.orderBy('incidents.seq', 'desc').limit(q.limit).execute();
    return rows.map(toIncident);
  }

  /** Whether any incident is open. */
  async anyOpen(): Promise<boolean> {
    const r = await this.db
      .selectFrom('incidents')
      .select('id')
      .where('status', '!=', 'closed')
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Alerts, assets, services, assignees and observables of an incident. */
  async links(id: string): Promise<IncidentLinks> {
    const [alerts, assets, services, assignees, observables] = await Promise.all([
      this.db
        .selectFrom('incident_alerts')
        .selectAll()
        .where('incident_id', '=', id)
        .orderBy('attached_at')
        .orderBy('alert_id')
        .execute(),
      this.db
        .selectFrom('incident_assets')
        .leftJoin('assets', 'assets.id', 'incident_assets.asset_id')
        .selectAll('incident_assets')
        .select(['assets.name', 'assets.owner_user_id'])
        .where('incident_assets.incident_id', '=', id)
        .orderBy('assets.name')
        .execute(),
      this.db
        .selectFrom('incident_services')
        .leftJoin('city_services', 'city_services.id', 'incident_services.service_id')
        .selectAll('incident_services')
        .select('city_services.name')
        .where('incident_services.incident_id', '=', id)
        .orderBy('city_services.name')
        .execute(),
      this.db
        .selectFrom('incident_assignees')
        .innerJoin('users', 'users.id', 'incident_assignees.user_id')
        .selectAll('incident_assignees')
        .select(['users.username', 'users.display_name', 'users.role', 'users.department'])
        .where('incident_assignees.incident_id', '=', id)
        .orderBy('users.username')
        .execute(),
      this.observables([id]),
    ]);
    return {
      alerts: alerts.map((r) => ({
        alertId: r.alert_id,
        attachedAt: r.attached_at,
        attachedBy: r.attached_by,
      })),
      assets: assets.map((r) => ({
        assetId: r.asset_id,
        name: r.name,
        ownerId: r.owner_user_id,
        source: r.source as LinkSource,
        addedAt: r.added_at,
        addedBy: r.added_by,
      })),
      services: services.map((r) => ({
        serviceId: r.service_id,
        name: r.name,
        source: r.source as LinkSource,
        addedAt: r.added_at,
        addedBy: r.added_by,
      })),
      assignees: assignees.map((r) => ({
        userId: r.user_id,
        username: r.username,
        displayName: r.display_name,
        role: r.role,
        department: r.department,
        assignedAt: r.assigned_at,
        assignedBy: r.assigned_by,
      })),
      observables,
    };
  }

  /**
   * The assets of each of these incidents, most critical first then by name, in one query per
   * 500 incidents (a board page is one); assets the register no longer has are left out.
   */
  async assetsOfIncidents(
    incidentIds: readonly string[],
  ): Promise<Map<string, IncidentAssetBrief[]>> {
    const out = new Map<string, IncidentAssetBrief[]>();
    for (const part of chunks([...new Set(incidentIds)])) {
      const rows = await this.db
        .selectFrom('incident_assets')
        .innerJoin('assets', 'assets.id', 'incident_assets.asset_id')
        .select(['incident_assets.incident_id', 'assets.id', 'assets.name', 'assets.criticality'])
        .where('incident_assets.incident_id', 'in', part)
        .execute();
      for (const r of rows) {
        const list = out.get(r.incident_id) ?? [];
        list.push({ id: r.id, name: r.name, criticality: r.criticality });
        out.set(r.incident_id, list);
      }
    }
    for (const list of out.values())
      list.sort(
        (a, b) => (b.criticality ?? 0) - (a.criticality ?? 0) || a.name.localeCompare(b.name),
      );
    return out;
  }

  /** The ids of the assets an incident concerns. */
  async assetIdsOf(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incident_assets')
      .select('asset_id')
      .where('incident_id', '=', id)
      .orderBy('added_at')
      .orderBy('asset_id')
      .execute();
    return rows.map((r) => r.asset_id);
  }

  /** The observables of these incidents with the alerts and events they were seen in. */
  async observables(incidentIds: readonly string[]): Promise<IncidentObservable[]> {
    const out: IncidentObservable[] = [];
    for (const part of chunks([...new Set(incidentIds)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_observables')
        .selectAll()
        .where('incident_id', 'in', part)
        .orderBy('type')
        .orderBy('value')
        .execute();
      const links = new Map<string, { alertId: string; seqs: number[] }[]>();
      for (const ids of chunks(rows.map((r) => r.id))) {
        if (ids.length === 0) continue;
        for (const l of await this.db
          .selectFrom('incident_observable_alerts')
          .selectAll()
          .where('observable_id', 'in', ids)
          .orderBy('alert_id')
          .execute()) {
          const list = links.get(l.observable_id) ?? [];
          list.push({ alertId: l.alert_id, seqs: JSON.parse(l.event_seqs) as number[] });
          links.set(l.observable_id, list);
        }
      }
      for (const r of rows) {
        const seen = links.get(r.id) ?? [];
        out.push({
          id: r.id,
          incidentId: r.incident_id,
          type: r.type as ObservableType,
          value: r.value,
          firstSeen: r.first_seen,
          lastSeen: r.last_seen,
          source: r.source as LinkSource,
          addedAt: r.added_at,
          addedBy: r.added_by,
          alertIds: seen.map((s) => s.alertId),
          eventSeqs: mergeSeqs(
            [],
            seen.flatMap((s) => s.seqs),
          ),
        });
      }
    }
    return out;
  }

  /** The incidents holding each of these alerts (open or closed), newest first. */
  async incidentsOfAlerts(
    alertIds: readonly string[],
  ): Promise<Map<string, { incidentId: string; number: string; status: IncidentStatus }[]>> {
    const out = new Map<string, { incidentId: string; number: string; status: IncidentStatus }[]>();
    for (const part of chunks([...new Set(alertIds)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_alerts')
        .innerJoin('incidents', 'incidents.id', 'incident_alerts.incident_id')
        .select([
          'incident_alerts.alert_id',
          'incidents.id',
          'incidents.number',
          'incidents.status',
        ])
        .where('incident_alerts.alert_id', 'in', part)
        .orderBy('incidents.seq', 'desc')
        .execute();
      for (const r of rows) {
        const list = out.get(r.alert_id) ?? [];
        list.push({ incidentId: r.id, number: r.number, status: r.status as IncidentStatus });
        out.set(r.alert_id, list);
      }
    }
    return out;
  }

  /**
   * Open incidents that touch any of these assets or observables (source addresses are `ip`
   * observables): what a new alert could be grouped into, with what it shares.
   */
  async openTouching(q: {
    assetIds: readonly string[];
    observables: readonly { type: ObservableType; value: string }[];
  }): Promise<
    {
      incidentId: string;
      shared: { kind: 'asset' | 'observable'; value: string; type?: ObservableType }[];
    }[]
  > {
    const found = new Map<
      string,
      { kind: 'asset' | 'observable'; value: string; type?: ObservableType }[]
    >();
    const add = (
      id: string,
      s: { kind: 'asset' | 'observable'; value: string; type?: ObservableType },
    ) => found.set(id, [...(found.get(id) ?? []), s]);
    if (q.assetIds.length > 0) {
      const rows = await this.db
        .selectFrom('incident_assets')
        .innerJoin('incidents', 'incidents.id', 'incident_assets.incident_id')
        .select(['incidents.id', 'incident_assets.asset_id'])
        .where('incidents.status', '!=', 'closed')
        .where('incident_assets.asset_id', 'in', [...q.assetIds])
        .execute();
      for (const r of rows) add(r.id, { kind: 'asset', value: r.asset_id });
    }
    for (const type of OBSERVABLE_TYPES) {
      const values = [...new Set(q.observables.filter((o) => o.type === type).map((o) => o.value))];
      if (values.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_observables')
        .innerJoin('incidents', 'incidents.id', 'incident_observables.incident_id')
        .select(['incidents.id', 'incident_observables.value'])
        .where('incidents.status', '!=', 'closed')
        .where('incident_observables.type', '=', type)
        .where('incident_observables.value', 'in', values)
        .execute();
      for (const r of rows) add(r.id, { kind: 'observable', type, value: r.value });
    }
    return [...found].map(([incidentId, shared]) => ({ incidentId, shared }));
  }

  /**
   * Closed incidents sharing rules, assets, observables or a CERT-In type with one, with how
   * many of each they share: the raw material of "similar past incidents".
   */
  async closedSharing(q: {
    excludeIds: readonly string[];
    ruleIds: readonly string[];
    assetIds: readonly string[];
    observables: readonly { type: ObservableType; value: string }[];
    certInType: CertInIncidentType | null;
  }): Promise<
    Map<string, { rules: string[]; assets: string[]; observables: string[]; type: boolean }>
  > {
    const out = new Map<
      string,
      { rules: string[]; assets: string[]; observables: string[]; type: boolean }
    >();
    const entry = (id: string) => {
      let e = out.get(id);
      if (!e) out.set(id, (e = { rules: [], assets: [], observables: [], type: false }));
      return e;
    };
    const closed = () => this.db.selectFrom('incidents').where('incidents.status', '=', 'closed');
    const exclude = [...q.excludeIds, ''];
    for (const part of chunks([...new Set(q.ruleIds)])) {
      if (part.length === 0) continue;
      const rows = await closed()
        .innerJoin('incident_alerts', 'incident_alerts.incident_id', 'incidents.id')
        .innerJoin('alerts', 'alerts.id', 'incident_alerts.alert_id')
        .select(['incidents.id', 'alerts.rule_id'])
        .distinct()
        .where('alerts.rule_id', 'in', part)
        .where('incidents.id', 'not in', exclude)
        .execute();
      for (const r of rows) entry(r.id).rules.push(r.rule_id);
    }
    for (const part of chunks([...new Set(q.assetIds)])) {
      if (part.length === 0) continue;
      const rows = await closed()
        .innerJoin('incident_assets', 'incident_assets.incident_id', 'incidents.id')
        .select(['incidents.id', 'incident_assets.asset_id'])
        .where('incident_assets.asset_id', 'in', part)
        .where('incidents.id', 'not in', exclude)
        .execute();
      for (const r of rows) entry(r.id).assets.push(r.asset_id);
    }
    for (const type of OBSERVABLE_TYPES) {
      const values = [...new Set(q.observables.filter((o) => o.type === type).map((o) => o.value))];
      for (const part of chunks(values)) {
        if (part.length === 0) continue;
        const rows = await closed()
          .innerJoin('incident_observables', 'incident_observables.incident_id', 'incidents.id')
          .select(['incidents.id', 'incident_observables.value'])
          .where('incident_observables.type', '=', type)
          .where('incident_observables.value', 'in', part)
          .where('incidents.id', 'not in', exclude)
          .execute();
        for (const r of rows) entry(r.id).observables.push(`${type}:${r.value}`);
      }
    }
    if (q.certInType) {
      const rows = await closed()
        .select('incidents.id')
        .where('incidents.cert_in_type', '=', q.certInType)
        .where('incidents.id', 'not in', exclude)
        .orderBy('incidents.seq', 'desc')
        .limit(200)
        .execute();
      for (const r of rows) entry(r.id).type = true;
    }
    return out;
  }

  /** When each incident's alerts were last seen (incidents without alerts left out). */
  async lastAlertSeen(incidentIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of chunks([...new Set(incidentIds)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_alerts')
        .innerJoin('alerts', 'alerts.id', 'incident_alerts.alert_id')
        .select('incident_alerts.incident_id')
        .select((eb) => eb.fn.max('alerts.last_seen').as('last'))
        .where('incident_alerts.incident_id', 'in', part)
        .groupBy('incident_alerts.incident_id')
        .execute();
      for (const r of rows) if (r.last) out.set(r.incident_id, r.last);
    }
    return out;
  }

  /** The incidents merged into this one. */
  async mergedInto(id: string): Promise<IncidentRecord[]> {
    const rows = await incidentsWithOwner(this.db)
      .where('incidents.merged_into_id', '=', id)
      .orderBy('incidents.seq')
      .execute();
    return rows.map(toIncident);
  }

  /**
   * Merges `fromId` into `intoId`: its alerts, assets, services, assignees, observables, tasks,
   * notes, evidence, duty reports and open proposals move; `fromId` is then changed by
   * `closeFrom` (closed as a duplicate pointing at `intoId`).
   */
  async merge(
    intoId: string,
    fromId: string,
    closeFrom: IncidentPatch,
    at: string,
    by: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const alerts = await trx
        .selectFrom('incident_alerts')
        .select('alert_id')
        .where('incident_id', '=', fromId)
        .execute();
      const assets = await trx
        .selectFrom('incident_assets')
        .select(['asset_id', 'source'])
        .where('incident_id', '=', fromId)
        .execute();
      const services = await trx
        .selectFrom('incident_services')
        .select(['service_id', 'source'])
        .where('incident_id', '=', fromId)
        .execute();
      const assignees = await trx
        .selectFrom('incident_assignees')
        .select('user_id')
        .where('incident_id', '=', fromId)
        .execute();
      const observables = await this.#observablesIn(trx, fromId);
      await trx.deleteFrom('incident_alerts').where('incident_id', '=', fromId).execute();
      await this.#apply(trx, intoId, {
        at,
        by,
        addAlerts: alerts.map((a) => a.alert_id),
        addAssets: assets.map((a) => ({ id: a.asset_id, source: a.source as LinkSource })),
        addServices: services.map((s) => ({ id: s.service_id, source: s.source as LinkSource })),
        addAssignees: assignees.map((a) => a.user_id),
        observables,
      });
      await trx.deleteFrom('incident_observables').where('incident_id', '=', fromId).execute();
      for (const table of ['incident_tasks', 'incident_notes', 'incident_evidence'] as const)
        await trx
          .updateTable(table)
          .set({ incident_id: intoId })
          .where('incident_id', '=', fromId)
          .execute();
      // A duty already reported for the duplicate counts for the incident it joins.
      const reports = await trx
        .selectFrom('incident_duty_reports')
        .selectAll()
        .where('incident_id', '=', fromId)
        .execute();
      if (reports.length > 0)
        await trx
          .insertInto('incident_duty_reports')
          .values(reports.map((r) => ({ ...r, incident_id: intoId })))
          .onConflict((oc) => oc.columns(['incident_id', 'duty']).doNothing())
          .execute();
      await trx
        .updateTable('incident_proposals')
        .set({ status: 'dismissed', decided_at: at, decided_by: by })
        .where('incident_id', '=', fromId)
        .where('status', '=', 'open')
        .execute();
      await this.#apply(trx, fromId, { at, by, patch: closeFrom });
    });
  }

  /** The observables of an incident as sightings, one per alert link (for moving them). */
  async #observablesIn(
    trx: Transaction<Database>,
    incidentId: string,
    onlyAlerts?: ReadonlySet<string>,
  ): Promise<ObservableSighting[]> {
    const rows = await trx
      .selectFrom('incident_observables')
      .leftJoin(
        'incident_observable_alerts',
        'incident_observable_alerts.observable_id',
        'incident_observables.id',
      )
      .select([
        'incident_observables.type',
        'incident_observables.value',
        'incident_observables.first_seen',
        'incident_observables.last_seen',
        'incident_observables.source',
        'incident_observable_alerts.alert_id',
        'incident_observable_alerts.event_seqs',
      ])
      .where('incident_observables.incident_id', '=', incidentId)
      .execute();
    const out: ObservableSighting[] = [];
    for (const r of rows) {
      if (onlyAlerts && (r.alert_id === null || !onlyAlerts.has(r.alert_id))) continue;
      const base = {
        type: r.type as ObservableType,
        value: r.value,
        alertId: r.alert_id,
        eventSeqs: r.event_seqs ? (JSON.parse(r.event_seqs) as number[]) : [],
        source: (onlyAlerts ? 'alert' : r.source) as LinkSource,
      };
      // two sightings carry both ends of the seen range into the merged observable
      out.push({ ...base, seenAt: r.first_seen });
      if (r.last_seen !== r.first_seen) out.push({ ...base, seenAt: r.last_seen });
    }
    return out;
  }

  /**
   * Splits alerts out of `fromId` into a new incident: the alert links move, with the
   * observables seen in them; `from` is changed by `fromChange` (assets no longer backed by its
   * alerts) in the same transaction.
   */
  async split(
    fromId: string,
    incident: NewIncident,
    alertIds: readonly string[],
    links: Omit<IncidentChange, 'at' | 'by' | 'patch' | 'addAlerts' | 'observables'>,
    fromChange: Omit<IncidentChange, 'at' | 'by'>,
  ): Promise<IncidentRecord> {
    await this.db.transaction().execute(async (trx) => {
      const observables = await this.#observablesIn(trx, fromId, new Set(alertIds));
      await this.#apply(trx, fromId, {
        ...fromChange,
        at: incident.createdAt,
        by: incident.createdBy,
        removeAlerts: [...alertIds],
      });
      await this.#create(trx, incident, { ...links, addAlerts: [...alertIds], observables });
    });
    return (await this.get(incident.id))!;
  }

  // ---- tasks ----

  #tasks() {
    return this.db
      .selectFrom('incident_tasks')
      .leftJoin('users', 'users.id', 'incident_tasks.assignee_user_id')
      .selectAll('incident_tasks')
      .select('users.username as assignee_name');
  }

  async addTask(
    t: Omit<IncidentTask, 'assigneeName' | 'updatedAt' | 'updatedBy' | 'doneAt' | 'doneBy'>,
  ): Promise<IncidentTask> {
    await this.db
      .insertInto('incident_tasks')
      .values({
        id: t.id,
        incident_id: t.incidentId,
        title: t.title,
        assignee_user_id: t.assigneeId,
        due_at: t.dueAt,
        status: t.status,
        created_at: t.createdAt,
        created_by: t.createdBy,
        updated_at: t.createdAt,
        updated_by: t.createdBy,
        done_at: null,
        done_by: null,
      })
      .execute();
    return (await this.task(t.id))!;
  }

  async task(id: string): Promise<IncidentTask | undefined> {
    const r = await this.#tasks().where('incident_tasks.id', '=', id).executeTakeFirst();
    return r && toTask(r);
  }

  async tasks(incidentId: string): Promise<IncidentTask[]> {
    const rows = await this.#tasks()
      .where('incident_tasks.incident_id', '=', incidentId)
      .orderBy('incident_tasks.created_at')
      .orderBy('incident_tasks.id')
      .execute();
    return rows.map(toTask);
  }

  async updateTask(id: string, p: TaskPatch): Promise<IncidentTask | undefined> {
    const v: Updateable<IncidentTasksTable> = { updated_at: p.updatedAt, updated_by: p.updatedBy };
    if (p.title !== undefined) v.title = p.title;
    if (p.assigneeId !== undefined) v.assignee_user_id = p.assigneeId;
    if (p.dueAt !== undefined) v.due_at = p.dueAt;
    if (p.status !== undefined) v.status = p.status;
    if (p.doneAt !== undefined) v.done_at = p.doneAt;
    if (p.doneBy !== undefined) v.done_by = p.doneBy;
    await this.db.updateTable('incident_tasks').set(v).where('id', '=', id).execute();
    return this.task(id);
  }

  async deleteTask(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('incident_tasks').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ---- notes ----

  async addNote(n: IncidentNote): Promise<void> {
    await this.db
      .insertInto('incident_notes')
      .values({
        id: n.id,
        incident_id: n.incidentId,
        author_id: n.authorId,
        author_name: n.authorName,
        text: n.text,
        created_at: n.createdAt,
      })
      .execute();
  }

  async notes(incidentId: string): Promise<IncidentNote[]> {
    const rows = await this.db
      .selectFrom('incident_notes')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      authorId: r.author_id,
      authorName: r.author_name,
      text: r.text,
      createdAt: r.created_at,
    }));
  }

  // ---- evidence ----

  /** Files the evidence with its first custody entry (the upload) in one transaction. */
  async addEvidence(e: EvidenceRecord, custody: Omit<CustodyEntry, 'seq'>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('incident_evidence')
        .values({
          id: e.id,
          incident_id: e.incidentId,
          file_name: e.fileName,
          size: e.size,
          sha256: e.sha256,
          stored_path: e.storedPath,
          media_type: e.mediaType,
          uploaded_by: e.uploadedBy,
          uploaded_at: e.uploadedAt,
        })
        .execute();
      await trx.insertInto('incident_evidence_custody').values(custodyRow(custody)).execute();
    });
  }

  async evidence(incidentId: string): Promise<EvidenceRecord[]> {
    const rows = await this.db
      .selectFrom('incident_evidence')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('uploaded_at')
      .orderBy('id')
      .execute();
    return rows.map(toEvidence);
  }

  async getEvidence(id: string): Promise<EvidenceRecord | undefined> {
    const r = await this.db
      .selectFrom('incident_evidence')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toEvidence(r);
  }

  async addCustody(entries: readonly Omit<CustodyEntry, 'seq'>[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.insertInto('incident_evidence_custody').values(entries.map(custodyRow)).execute();
  }

  async custody(evidenceIds: readonly string[]): Promise<CustodyEntry[]> {
    const out: CustodyEntry[] = [];
    for (const part of chunks([...new Set(evidenceIds)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_evidence_custody')
        .selectAll()
        .where('evidence_id', 'in', part)
        .orderBy('seq')
        .execute();
      out.push(...rows.map(toCustody));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  // ---- legal duties ----

  /** Records a duty as reported; a second report of the same duty replaces the first. */
  async reportDuty(r: DutyReportRecord): Promise<void> {
    const values = {
      reported_at: r.reportedAt,
      reported_by: r.reportedBy,
      reference: r.reference,
      recorded_at: r.recordedAt,
    };
    await this.db
      .insertInto('incident_duty_reports')
      .values({ incident_id: r.incidentId, duty: r.duty, ...values })
      .onConflict((oc) => oc.columns(['incident_id', 'duty']).doUpdateSet(values))
      .execute();
  }

  /** The duty reports of these incidents. */
  async dutyReports(incidentIds: readonly string[]): Promise<DutyReportRecord[]> {
    const out: DutyReportRecord[] = [];
    for (const part of chunks([...new Set(incidentIds)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('incident_duty_reports')
        .selectAll()
        .where('incident_id', 'in', part)
        .orderBy('reported_at')
        .execute();
      out.push(
        ...rows.map((r) => ({
          incidentId: r.incident_id,
          duty: r.duty as LegalDuty,
          reportedAt: r.reported_at,
          reportedBy: r.reported_by,
          reference: r.reference,
          recordedAt: r.recorded_at,
        })),
      );
    }
    return out;
  }

  // ---- grouping proposals ----

  /** Records a proposal unless one exists for the same incident and alert; true when new. */
  async propose(p: Omit<IncidentProposal, 'decidedAt' | 'decidedBy'>): Promise<boolean> {
    const r = await this.db
      .insertInto('incident_proposals')
      .values({
        id: p.id,
        incident_id: p.incidentId,
        alert_id: p.alertId,
        reasons: JSON.stringify(p.reasons),
        status: p.status,
        created_at: p.createdAt,
        decided_at: p.status === 'open' ? null : p.createdAt,
        decided_by: p.status === 'open' ? null : 'system',
      })
      .onConflict((oc) => oc.columns(['incident_id', 'alert_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async proposal(id: string): Promise<IncidentProposal | undefined> {
    const r = await this.db
      .selectFrom('incident_proposals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toProposal(r);
  }

  async proposals(q: {
    incidentId?: string;
    alertId?: string;
    status?: ProposalStatus[];
  }): Promise<IncidentProposal[]> {
    let query = this.db.selectFrom('incident_proposals').selectAll();
    if (q.incidentId) query = query.where('incident_id', '=', q.incidentId);
    if (q.alertId) query = query.where('alert_id', '=', q.alertId);
    if (q.status?.length) query = query.where('status', 'in', q.status);
    const rows = await query.orderBy('created_at').orderBy('id').limit(1000).execute();
    return rows.map(toProposal);
  }

  /**
   * Decides a proposal. Other open proposals of the same alert are dismissed when it is
   * attached, since an alert joins one open incident only.
   */
  async decideProposal(
    id: string,
    status: Exclude<ProposalStatus, 'open'>,
    at: string,
    by: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const p = await trx
        .updateTable('incident_proposals')
        .set({ status, decided_at: at, decided_by: by })
        .where('id', '=', id)
        .returning('alert_id')
        .executeTakeFirst();
      if (p && status !== 'dismissed')
        await trx
          .updateTable('incident_proposals')
          .set({ status: 'dismissed', decided_at: at, decided_by: by })
          .where('alert_id', '=', p.alert_id)
          .where('status', '=', 'open')
          .where('id', '!=', id)
          .execute();
    });
  }

  /** Open proposals of alerts now attached to an incident: they are settled by the attach. */
  async settleProposalsOf(alertIds: readonly string[], at: string, by: string): Promise<void> {
    for (const part of chunks([...new Set(alertIds)])) {
      if (part.length === 0) continue;
      await this.db
        .updateTable('incident_proposals')
        .set({ status: 'dismissed', decided_at: at, decided_by: by })
        .where('alert_id', 'in', part)
        .where('status', '=', 'open')
        .execute();
    }
  }

  // ---- the audit entries of an incident, for its timeline ----

  /** Audit entries whose target is one of these, oldest first (at most `limit`). */
  async auditOf(
    targets: readonly string[],
    limit: number,
  ): Promise<
    {
      seq: number;
      at: string;
      actorName: string;
      action: string;
      target: string;
      details: Record<string, unknown>;
    }[]
  > {
    if (targets.length === 0) return [];
    const rows = await this.db
      .selectFrom('audit_log')
      .select(['seq', 'at', 'actor_name', 'action', 'target', 'details'])
      .where('target', 'in', [...targets])
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actorName: r.actor_name,
      action: r.action,
      target: r.target ?? '',
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }

  // ---- small persistent state (the clock ticker's last tick) ----

  async state(name: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('incident_state')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return r?.value;
  }

  async setState(name: string, value: string, at: string): Promise<void> {
    await this.db
      .insertInto('incident_state')
      .values({ name, value, updated_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
      .execute();
  }
}

function custodyRow(c: Omit<CustodyEntry, 'seq'>) {
  return {
    evidence_id: c.evidenceId,
    action: c.action,
    actor_id: c.actorId,
    actor_name: c.actorName,
    at: c.at,
    sha256_seen: c.sha256Seen,
    outcome: c.outcome,
    note: c.note,
  };
}

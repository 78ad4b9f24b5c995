import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CERT_IN_INCIDENT_TYPES,
  ConflictError,
  ForbiddenError,
  INCIDENT_RESOLUTIONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  LEGAL_DUTIES,
  clockWarningsBetween,
  LEGAL_DUTY_NAMES,
  NotFoundError,
  SYSTEM_PRINCIPAL,
  ValidationError,
  dutiesFor,
  isCertInIncidentType,
  legalClocks,
  statusChangeProblem,
  type CertInIncidentType,
  type ClockSettings,
  type ClockState,
  type Clock,
  type IncidentResolution,
  type IncidentSeverity,
  type IncidentStatus,
  type LegalClock,
  type LegalDuty,
} from '@prahari/core';
import {
  AlertInOpenIncidentError,
  OBSERVABLE_TYPES,
  type AlertRecord,
  type CustodyEntry,
  type DutyReportRecord,
  type EventRecord,
  type EvidenceRecord,
  type IncidentAssetBrief,
  type IncidentAssetLink,
  type IncidentAssignee,
  type IncidentNote,
  type IncidentObservable,
  type IncidentPatch,
  type IncidentProposal,
  type IncidentRecord,
  type IncidentServiceLink,
  type IncidentTask,
  type NewIncident,
  type ObservableSighting,
  type ObservableType,
  type Store,
  type UserRow,
} from '@prahari/store';
import type { Config } from '../../config/index.js';
import type { Actor, AuditService } from '../audit/service.js';
import { ownerScope } from '../assets/service.js';
import { UserIndex, changedFields } from '../assets/records.js';
import type { AlertService } from '../detection/alerts.js';
import type { AlertStream } from '../detection/stream.js';
import type { ImpactService } from '../impact/service.js';
import { EvidenceFiles } from './evidence.js';
import { IncidentGrouping } from './grouping.js';
import { groupTimes, incidentTimes, type GroupTimes, type IncidentTimes } from './metrics.js';
import { normaliseObservable, sightingsOf } from './observables.js';
import { TIMELINE_EVENTS, buildTimeline, type TimelineEntry } from './timeline.js';

/** The incident settings of the configuration (`incidents.*`). */
export interface IncidentSettings {
  clocks: ClockSettings;
  autoAttach: {
    sameAsset: boolean;
    sameSourceIp: boolean;
    sameObservable: boolean;
    withinHours: number;
  };
  autoOpen: {
    /** alerts at least this severe open an incident when no open incident takes them */
    minSeverity: 'off' | 'low' | 'medium' | 'high' | 'critical';
  };
  evidenceMaxBytes: number;
  clockTickSeconds: number;
}

/** The settings from the configuration's `incidents` section. */
export function incidentSettings(config: Config['incidents']): IncidentSettings {
  return {
    clocks: {
      withoutDelayTargetHours: config.withoutDelayTargetHours,
      warnBeforeMinutes: config.warnBeforeMinutes,
    },
    autoAttach: { ...config.autoAttach },
    autoOpen: { ...config.autoOpen },
    evidenceMaxBytes: config.evidenceMaxBytes,
    clockTickSeconds: config.clockTickSeconds,
  };
}

/** What a listener of `onChange` hears after each committed change. */
export interface IncidentChangeEvent {
  kind: 'created' | 'updated' | 'status' | 'alert-attached' | 'assigned' | 'classified';
  /** the incident as it now is, with the ids of its affected assets */
  incident: IncidentRecord & { assetIds: string[] };
  actor: Actor;
  /** `assigned`: who was given the incident (as owner or assignee) or the task */
  assigneeId?: string | null;
  /** `assigned`: the task, when a task rather than the incident was assigned */
  task?: { id: string; title: string; dueAt: string | null } | null;
}

/** A legal clock crossing a warning threshold, or running out (`minutesLeft` 0). */
export interface ClockWarning {
  incidentId: string;
  incident: IncidentRecord;
  duty: LegalDuty;
  title: string;
  minutesLeft: number;
  dueAt: string;
  /** the tick that saw it */
  at: string;
}

export interface IncidentCreateInput {
  alertIds?: string[];
  title?: string;
  description?: string | null;
  severity?: string;
  /** username or user id */
  owner?: string | null;
  assignees?: string[];
  /** asset ids or names, besides those of the alerts */
  assets?: string[];
  certInType?: string | null;
  personalDataBreach?: boolean;
  noticedAt?: string;
}

export interface IncidentUpdateInput {
  title?: string;
  description?: string | null;
  severity?: string;
  owner?: string | null;
  /** replaces the assignees (usernames or ids) */
  assignees?: string[];
  certInType?: string | null;
  personalDataBreach?: boolean;
  noticedAt?: string;
}

export interface StatusInput {
  status: string;
  resolution?: string | null;
  note?: string;
}

export interface TaskInput {
  title: string;
  /** user id or username */
  assigneeId?: string | null;
  /** ISO 8601 */
  dueAt?: string | null;
}

export interface TaskUpdateInput {
  title?: string;
  assigneeId?: string | null;
  dueAt?: string | null;
  status?: string;
}

export interface IncidentListQuery {
  status?: string[];
  /** open: not closed; closed: closed */
  state?: 'open' | 'closed';
  severity?: string[];
  owner?: string;
  assignee?: string;
  asset?: string;
  q?: string;
  /** incidents with a legal clock in this state */
  clock?: string;
  limit: number;
  before?: number;
}

export interface IncidentSummary extends IncidentRecord {
  clocks: LegalClock[];
  /** the affected assets, most critical first (the board's cards name them) */
  assets: IncidentAssetBrief[];
}

export interface AttachedAlert extends AlertRecord {
  attachedAt: string;
  attachedBy: string;
}

export interface CascadeNode {
  id: string;
  name: string;
  kind: 'asset' | 'service';
  /** minutes after the affected assets fail */
  minutesToImpact: number;
  /** the dependency through which it fails */
  via: string | null;
}

export interface IncidentCascade {
  /** the incident's assets the analysis starts from */
  roots: { id: string; name: string }[];
  /** what else stops, soonest first */
  atRisk: CascadeNode[];
  assetsAtRisk: number;
  servicesAtRisk: number;
  /** dependents that keep working on redundancy, with what they lose */
  survived: { id: string; name: string; group: string; k: number; n: number; working: number }[];
}

export interface SimilarIncident {
  id: string;
  number: string;
  title: string;
  severity: IncidentSeverity;
  resolution: IncidentResolution | null;
  closedAt: string | null;
  score: number;
  /** what it shares, in words */
  shared: string[];
}

export interface ProposalView extends IncidentProposal {
  incidentNumber: string;
  incidentTitle: string;
  alert: { id: string; ruleTitle: string; severity: string; lastSeen: string } | null;
}

export interface IncidentDetail {
  incident: IncidentRecord;
  clocks: LegalClock[];
  alerts: AttachedAlert[];
  assets: IncidentAssetLink[];
  services: IncidentServiceLink[];
  assignees: IncidentAssignee[];
  observables: IncidentObservable[];
  tasks: IncidentTask[];
  notes: IncidentNote[];
  evidence: EvidenceRecord[];
  dutyReports: DutyReportRecord[];
  timeline: TimelineEntry[];
  cascade: IncidentCascade | null;
  similar: SimilarIncident[];
  /** open grouping proposals: alerts that may belong here */
  proposals: ProposalView[];
  /** incidents merged into this one */
  mergedFrom: { id: string; number: string }[];
}

export interface IncidentMetrics {
  from: string;
  to: string;
  incidents: IncidentTimes[];
  overall: GroupTimes;
  byDepartment: GroupTimes[];
  byPerson: GroupTimes[];
}

const SYSTEM: Actor = { principal: SYSTEM_PRINCIPAL, ip: null };
/** The state row holding the time the legal clocks were last checked. */
const CLOCK_STATE = 'clocks-checked-until';
const SEVERITY_RANK: Record<string, number> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
/** Roles a person must have to own or work an incident. */
const WORKING_ROLES = new Set(['admin', 'analyst', 'owner']);
const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'closed');
const CONTAINED_OR_LATER = new Set<IncidentStatus>(['contained', 'eradicated', 'recovered']);
const MAX_ALERTS_PER_CALL = 500;
const TITLE_MAX = 200;
const CLOCK_STATES: readonly ClockState[] = ['running', 'warning', 'overdue', 'met', 'met-late'];

/** How severe, as a number to compare: informational 0 … critical 4 (unknown counts as low). */
export function severityRank(severity: string): number {
  return SEVERITY_RANK[severity] ?? 1;
}

/** The incident severity of the most severe alert (informational counts as low). */
export function severityOfAlerts(alerts: readonly { severity: string }[]): IncidentSeverity {
  const top = Math.max(1, ...alerts.map((a) => severityRank(a.severity)));
  return INCIDENT_SEVERITIES[top - 1]!;
}

const clipTitle = (title: string) =>
  title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;

/** A title from the alerts' rules: the one rule, or the first and how many more. */
export function titleOfAlerts(alerts: readonly { ruleTitle: string }[]): string {
  const rules = [...new Set(alerts.map((a) => a.ruleTitle))];
  return clipTitle(
    rules.length > 1 ? `${rules[0]} and ${rules.length - 1} more` : (rules[0] ?? ''),
  );
}

/** A title from one alert's rule and what it concerns: its asset, else its source address. */
export function titleOfAlert(alert: Pick<AlertRecord, 'ruleTitle' | 'asset' | 'sourceIp'>): string {
  return clipTitle(
    alert.asset
      ? `${alert.ruleTitle} on ${alert.asset.name}`
      : alert.sourceIp
        ? `${alert.ruleTitle} from ${alert.sourceIp}`
        : alert.ruleTitle,
  );
}

const target = (i: { id: string }) => `incident:${i.id}`;
const by = (actor: Actor) => actor.principal?.name ?? 'anonymous';

function invalid(field: string, message: string, value?: unknown): ValidationError {
  return new ValidationError(message, { field, ...(value !== undefined && { value }) });
}

function checkTime(field: string, value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(ms))
    throw invalid(field, `${field} must be an ISO 8601 time like 2026-11-25T10:00:00Z.`, value);
  return new Date(ms).toISOString();
}

function checkSeverity(value: string): IncidentSeverity {
  if (!(INCIDENT_SEVERITIES as readonly string[]).includes(value))
    throw invalid(
      'severity',
      `'${value}' is not a severity; use one of ${INCIDENT_SEVERITIES.join(', ')}.`,
      value,
    );
  return value as IncidentSeverity;
}

function checkCertInType(value: string | null): CertInIncidentType | null {
  if (value === null) return null;
  if (!isCertInIncidentType(value))
    throw invalid(
      'certInType',
      `'${value}' is not a CERT-In Annexure I type; use one of ${CERT_IN_INCIDENT_TYPES.map((t) => t.code).join(', ')}.`,
      value,
    );
  return value;
}

function checkTitle(value: string): string {
  const title = value.trim();
  if (title === '') throw invalid('title', 'The title is empty.');
  if (title.length > TITLE_MAX)
    throw invalid('title', `The title is longer than ${TITLE_MAX} characters.`);
  return title;
}

/** The file name an upload is kept under: no folders, no control characters. */
function checkFileName(raw: string): string {
  const name = raw
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  if (name === '' || name === '.' || name === '..')
    throw invalid('name', 'Give the file name as ?name=… (e.g. ?name=auth.log).', raw);
  if (name.length > 255) throw invalid('name', 'The file name is longer than 255 characters.');
  return name;
}

/**
 * Incidents: opened from alerts or by hand, grouped, worked (owner, assignees, tasks, notes,
 * evidence), classified for the legal duties and closed with a resolution. Every change is
 * audited with the incident as its target and the person's name, and heard by `onChange`
 * listeners once committed; the legal clocks of open incidents warn through `onClockWarning`.
 *
 * Methods take what they act on first and the actor last. A user with role `owner` sees the
 * incidents that touch their assets or name them as owner or assignee; of those they may add
 * notes, upload evidence and update the tasks assigned to them, and nothing else.
 */
export class IncidentService {
  readonly #changeListeners = new Set<(e: IncidentChangeEvent) => unknown>();
  readonly #warningListeners = new Set<(w: ClockWarning) => unknown>();
  readonly files: EvidenceFiles;
  #grouping: IncidentGrouping | undefined;
  #unsubscribe: (() => void) | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly alerts: AlertService,
    private readonly impact: ImpactService,
    private readonly clock: Clock,
    readonly settings: IncidentSettings,
    dataDir: string,
    private readonly log: { error(obj: object, msg: string): void },
  ) {
    this.files = new EvidenceFiles(dataDir);
  }

  // ---- hooks ----

  /** Hears every committed change; returns the way to stop listening. */
  onChange(listener: (e: IncidentChangeEvent) => unknown): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Hears each legal-clock warning once (see `tickClocks`); returns the way to stop listening. */
  onClockWarning(listener: (w: ClockWarning) => unknown): () => void {
    this.#warningListeners.add(listener);
    return () => this.#warningListeners.delete(listener);
  }

  #call<T>(listener: (x: T) => unknown, value: T, what: string): void {
    try {
      const r = listener(value);
      if (r instanceof Promise)
        r.catch((err: unknown) => this.log.error({ err }, `${what} listener failed`));
    } catch (err) {
      this.log.error({ err }, `${what} listener failed`);
    }
  }

  /** Tells the listeners of a committed change (nothing is read when no one listens). */
  async #emit(
    kind: IncidentChangeEvent['kind'],
    incident: IncidentRecord,
    actor: Actor,
    assigned?: Pick<IncidentChangeEvent, 'assigneeId' | 'task'>,
  ): Promise<void> {
    if (this.#changeListeners.size === 0) return;
    const assetIds = await this.store.incidents.assetIdsOf(incident.id);
    const event: IncidentChangeEvent = {
      kind,
      incident: { ...incident, assetIds },
      actor,
      ...assigned,
    };
    for (const l of this.#changeListeners) this.#call(l, event, 'incident change');
  }

  // ---- running: grouping new alerts, watching the legal clocks ----

  /**
   * Starts grouping the alerts detection publishes and the clock watch: every
   * `clockTickSeconds` the legal clocks of open incidents are checked for thresholds crossed
   * since the last check, whose time is kept in the store so a restart neither repeats nor
   * skips a warning.
   */
  async start(stream: AlertStream): Promise<void> {
    if (!this.#grouping) {
      const grouping = new IncidentGrouping(this.store, this, this.settings, this.clock, this.log);
      this.#grouping = grouping;
      this.#unsubscribe = stream.subscribe((alerts) => grouping.handle(alerts));
    }
    if (!(await this.store.incidents.state(CLOCK_STATE)))
      await this.store.incidents.setState(
        CLOCK_STATE,
        this.clock.now().toISOString(),
        this.clock.now().toISOString(),
      );
    this.#ticker ??= setInterval(
      () =>
        void this.tickClocks().catch((err: unknown) =>
          this.log.error({ err }, 'legal clock check failed'),
        ),
      this.settings.clockTickSeconds * 1000,
    );
    this.#ticker.unref();
  }

  /** Stops grouping and the clock watch, letting work in hand finish. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    await this.#grouping?.whenIdle();
    await this.#ticking;
  }

  /** Resolves once every alert published so far has been considered for grouping. */
  async whenGroupingIdle(): Promise<void> {
    await this.#grouping?.whenIdle();
  }

  /**
   * Checks the legal clocks of open incidents for warnings due since the last check, records
   * the check, audits each warning on its incident and hands it to the `onClockWarning`
   * listeners. Checks never overlap.
   */
  tickClocks(): Promise<ClockWarning[]> {
    const run = this.#ticking.then(() => this.#tick());
    this.#ticking = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #tick(): Promise<ClockWarning[]> {
    const now = this.clock.now();
    const at = now.toISOString();
    const last = await this.store.incidents.state(CLOCK_STATE);
    if (!last || last >= at) {
      if (!last) await this.store.incidents.setState(CLOCK_STATE, at, at);
      return [];
    }
    const since = new Date(last);
    const open: IncidentRecord[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.store.incidents.list({
        status: OPEN_STATUSES,
        withDuties: true,
        limit: 1000,
        ...(before !== undefined && { beforeSeq: before }),
      });
      open.push(...page);
      if (page.length < 1000) break;
      before = page.at(-1)!.seq;
    }
    const reports = await this.#reports(open.map((i) => i.id));
    const warnings: ClockWarning[] = [];
    for (const incident of open) {
      const clocks = legalClocks(
        { ...incident, reports: reports.get(incident.id) ?? [] },
        now,
        this.settings.clocks,
      );
      for (const w of clockWarningsBetween(clocks, since, now, this.settings.clocks))
        warnings.push({
          incidentId: incident.id,
          incident,
          ...w,
          title: LEGAL_DUTIES[w.duty].title,
          at,
        });
    }
    await this.store.incidents.setState(CLOCK_STATE, at, at);
    for (const w of warnings) {
      await this.audit.record(SYSTEM, {
        action: 'incident.clock.warning',
        target: target(w.incident),
        details: {
          number: w.incident.number,
          summary:
            w.minutesLeft === 0
              ? `${w.title}: the time ran out at ${w.dueAt}`
              : `${w.title}: ${w.minutesLeft} minutes left (due ${w.dueAt})`,
          duty: w.duty,
          minutesLeft: w.minutesLeft,
          dueAt: w.dueAt,
        },
      });
      for (const l of this.#warningListeners) this.#call(l, w, 'clock warning');
    }
    return warnings;
  }

  // ---- reading ----

  /** An incident by id or number (INC-2026-0007), for anyone. */
  async #find(ref: string): Promise<IncidentRecord> {
    const found =
      (await this.store.incidents.get(ref)) ?? (await this.store.incidents.getByNumber(ref));
    if (!found) throw new NotFoundError(`There is no incident '${ref}'.`);
    return found;
  }

  /** Whether an owner-role actor may see the incident (everyone else may). */
  async #visible(actor: Actor, incident: IncidentRecord): Promise<boolean> {
    const scope = ownerScope(actor);
    if (scope === undefined) return true;
    if (scope === null) return false;
    if (incident.ownerId === scope) return true;
    const links = await this.store.incidents.links(incident.id);
    return (
      links.assignees.some((a) => a.userId === scope) ||
      links.assets.some((a) => a.ownerId === scope)
    );
  }

  /** An incident the actor may see; one they may not is answered as not found. */
  async #read(ref: string, actor: Actor): Promise<IncidentRecord> {
    const incident = await this.#find(ref);
    if (!(await this.#visible(actor, incident)))
      throw new NotFoundError(`There is no incident '${ref}'.`);
    return incident;
  }

  /** Refuses anyone but admins, analysts and the system: the changes only they make. */
  #staffOnly(actor: Actor, what: string): void {
    const role = actor.principal?.role;
    if (role === 'admin' || role === 'analyst') return;
    throw new ForbiddenError(
      role === 'owner'
        ? `A system owner may add notes, upload evidence and update the tasks assigned to them; ${what} is for an analyst.`
        : `Your role '${role ?? 'none'}' may not change incidents (${what}).`,
      { role: role ?? null },
    );
  }

  /** Refuses roles that only read (auditor) or only send (ingest). */
  #mayWork(actor: Actor): void {
    const role = actor.principal?.role;
    if (role && WORKING_ROLES.has(role)) return;
    throw new ForbiddenError(`Your role '${role ?? 'none'}' may not change incidents.`, {
      role: role ?? null,
    });
  }

  async #reports(ids: readonly string[]): Promise<Map<string, DutyReportRecord[]>> {
    const out = new Map<string, DutyReportRecord[]>();
    for (const r of await this.store.incidents.dutyReports(ids))
      out.set(r.incidentId, [...(out.get(r.incidentId) ?? []), r]);
    return out;
  }

  #clocks(incident: IncidentRecord, reports: readonly DutyReportRecord[]): LegalClock[] {
    return legalClocks({ ...incident, reports }, this.clock.now(), this.settings.clocks);
  }

  /** Incidents, newest first; `before` pages (the last seq seen). */
  async list(
    query: IncidentListQuery,
    actor: Actor,
  ): Promise<{ incidents: IncidentSummary[]; nextBefore: number | null }> {
    const named = (query.status ?? []).map((s) => {
      if (!(INCIDENT_STATUSES as readonly string[]).includes(s))
        throw invalid('status', `'${s}' is not a status; use ${INCIDENT_STATUSES.join(', ')}.`, s);
      return s as IncidentStatus;
    });
    // `state` narrows the statuses named (all of them when none is)
    const inState = (s: IncidentStatus) =>
      query.state === undefined || (query.state === 'closed') === (s === 'closed');
    const statuses = (named.length > 0 ? named : query.state ? [...INCIDENT_STATUSES] : []).filter(
      inState,
    );
    if (query.state !== undefined && statuses.length === 0)
      return { incidents: [], nextBefore: null };
    const clockState = query.clock;
    if (clockState !== undefined && !(CLOCK_STATES as readonly string[]).includes(clockState))
      throw invalid(
        'clock',
        `'${clockState}' is not a clock state; use ${CLOCK_STATES.join(', ')}.`,
        clockState,
      );
    const users = await this.#users();
    const user = (field: string, ref: string | undefined) => {
      if (ref === undefined) return undefined;
      const r = users.resolve(ref);
      if (!r.ok) throw invalid(field, `${field}: ${r.reason}.`, ref);
      return r.user.id;
    };
    let assetId: string | undefined;
    if (query.asset !== undefined) {
      const asset =
        (await this.store.assets.get(query.asset)) ??
        (await this.store.assets.getByName(query.asset));
      if (!asset) throw invalid('asset', `There is no asset '${query.asset}'.`, query.asset);
      assetId = asset.id;
    }
    const scope = ownerScope(actor);
    if (scope === null) return { incidents: [], nextBefore: null };
    const base = {
      ...(statuses.length > 0 && { status: statuses }),
      ...(query.severity &&
        query.severity.length > 0 && { severity: query.severity.map(checkSeverity) }),
      ...(query.owner !== undefined && { ownerId: user('owner', query.owner) }),
      ...(query.assignee !== undefined && { assigneeId: user('assignee', query.assignee) }),
      ...(assetId !== undefined && { assetId }),
      ...(query.q && { text: query.q }),
      ...(scope !== undefined && { visibleTo: scope }),
      ...(clockState !== undefined && { withDuties: true }),
    };
    const out: IncidentSummary[] = [];
    let before = query.before;
    // A clock state is known only at read time, so pages are filled by reading on.
    for (;;) {
      const page = await this.store.incidents.list({
        ...base,
        limit: query.limit,
        ...(before !== undefined && { beforeSeq: before }),
      });
      const reports = await this.#reports(page.map((i) => i.id));
      const assets = await this.store.incidents.assetsOfIncidents(page.map((i) => i.id));
      for (const i of page) {
        const clocks = this.#clocks(i, reports.get(i.id) ?? []);
        if (clockState === undefined || clocks.some((c) => c.state === clockState))
          out.push({ ...i, clocks, assets: assets.get(i.id) ?? [] });
        if (out.length === query.limit) break;
      }
      const last = page.at(-1);
      if (out.length === query.limit || page.length < query.limit || !last) {
        const lastOut = out.at(-1);
        return {
          incidents: out,
          nextBefore: out.length === query.limit && lastOut ? lastOut.seq : null,
        };
      }
      before = last.seq;
    }
  }

  /** Everything about one incident (by id or number), with no role check: for other services. */
  async get(id: string): Promise<IncidentDetail> {
    return this.#detail(await this.#find(id));
  }

  /** Everything about one incident the actor may see. */
  async detail(ref: string, actor: Actor): Promise<IncidentDetail> {
    return this.#detail(await this.#read(ref, actor));
  }

  async #alertsOf(ids: readonly string[]): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    for (const id of ids) {
      const a = await this.store.alerts.get(id);
      if (a) out.push(a);
    }
    return out;
  }

  async #eventsOf(alerts: readonly AlertRecord[]): Promise<Map<string, EventRecord[]>> {
    const out = new Map<string, EventRecord[]>();
    for (const a of alerts) {
      const events: EventRecord[] = [];
      for (const seq of a.eventSeqs) {
        const e = await this.store.events.get(seq);
        if (e) events.push(e);
      }
      out.set(a.id, events);
    }
    return out;
  }

  async #detail(incident: IncidentRecord): Promise<IncidentDetail> {
    const id = incident.id;
    const links = await this.store.incidents.links(id);
    const alertRecords = await this.#alertsOf(links.alerts.map((l) => l.alertId));
    const byId = new Map(links.alerts.map((l) => [l.alertId, l]));
    const alerts = alertRecords.map((a) => ({
      ...a,
      attachedAt: byId.get(a.id)!.attachedAt,
      attachedBy: byId.get(a.id)!.attachedBy,
    }));
    const [tasks, notes, evidence, dutyReports, merged, proposals] = await Promise.all([
      this.store.incidents.tasks(id),
      this.store.incidents.notes(id),
      this.store.incidents.evidence(id),
      this.store.incidents.dutyReports([id]),
      this.store.incidents.mergedInto(id),
      this.#proposalViews({ incidentId: id, status: ['open'] }),
    ]);
    const seqs = [...new Set(alertRecords.flatMap((a) => a.eventSeqs))].sort((a, b) => a - b);
    const events: EventRecord[] = [];
    for (const seq of seqs.slice(0, TIMELINE_EVENTS)) {
      const e = await this.store.events.get(seq);
      if (e) events.push(e);
    }
    const actions = await this.store.incidents.auditOf(
      [target(incident), ...merged.map(target)],
      5000,
    );
    return {
      incident,
      clocks: this.#clocks(incident, dutyReports),
      alerts,
      assets: links.assets,
      services: links.services,
      assignees: links.assignees,
      observables: links.observables,
      tasks,
      notes,
      evidence,
      dutyReports,
      timeline: buildTimeline({
        alerts: alertRecords,
        events,
        eventsLeftOut: Math.max(0, seqs.length - TIMELINE_EVENTS),
        actions,
        notes,
        tasks,
        evidence,
        reports: dutyReports,
        mergedNumbers: new Map(merged.map((m) => [target(m), m.number])),
      }),
      cascade: await this.#cascade(links.assets.map((a) => a.assetId)),
      similar: await this.#similar(incident, alertRecords, links),
      proposals,
      mergedFrom: merged.map((m) => ({ id: m.id, number: m.number })),
    };
  }

  /** What else fails if the incident's assets do, soonest first (the impact analysis). */
  async #cascade(assetIds: readonly string[]): Promise<IncidentCascade | null> {
    const { graph } = await this.impact.graph();
    const roots = assetIds.filter((id) => graph.has(id));
    if (roots.length === 0) return null;
    const r = await this.impact.blastRadius(
      roots.map((ref) => ({ ref, reason: 'affected by the incident' })),
    );
    const names = new Map(r.affected.map((a) => [a.id, a.name]));
    const atRisk = r.affected
      .filter((a) => !a.root)
      .map((a) => ({
        id: a.id,
        name: a.name,
        kind: a.kind,
        minutesToImpact: a.at,
        via: a.cause ? (names.get(a.cause.dependency) ?? a.cause.dependency) : null,
      }));
    return {
      roots: r.affected.filter((a) => a.root).map((a) => ({ id: a.id, name: a.name })),
      atRisk,
      assetsAtRisk: atRisk.filter((a) => a.kind === 'asset').length,
      servicesAtRisk: atRisk.filter((a) => a.kind === 'service').length,
      survived: r.survived.map((s) => ({
        id: s.id,
        name: s.name,
        group: s.group,
        k: s.k,
        n: s.n,
        working: s.working,
      })),
    };
  }

  /**
   * Closed incidents like this one, best first: a shared rule weighs most (the same attack),
   * then a shared asset or observable (the same target or attacker), then the same CERT-In type.
   */
  async #similar(
    incident: IncidentRecord,
    alerts: readonly AlertRecord[],
    links: { assets: IncidentAssetLink[]; observables: IncidentObservable[] },
  ): Promise<SimilarIncident[]> {
    const ruleTitles = new Map(alerts.map((a) => [a.ruleId, a.ruleTitle]));
    const assetNames = new Map(links.assets.map((a) => [a.assetId, a.name ?? a.assetId]));
    const shared = await this.store.incidents.closedSharing({
      excludeIds: [incident.id],
      ruleIds: [...ruleTitles.keys()],
      assetIds: [...assetNames.keys()],
      observables: links.observables,
      certInType: incident.certInType,
    });
    if (shared.size === 0) return [];
    const scored = [...shared].map(([id, s]) => ({
      id,
      score: s.rules.length * 3 + s.assets.length * 2 + s.observables.length * 2 + (s.type ? 1 : 0),
      shared: [
        ...s.rules.map((r) => `rule ${ruleTitles.get(r) ?? r}`),
        ...s.assets.map((a) => `asset ${assetNames.get(a) ?? a}`),
        ...s.observables.map((o) => `${o.replace(':', ' ')}`),
        ...(s.type ? [`type ${incident.certInType}`] : []),
      ],
    }));
    const top = scored.sort((a, b) => b.score - a.score).slice(0, 10);
    const records = new Map(
      (await this.store.incidents.getMany(top.map((t) => t.id))).map((i) => [i.id, i]),
    );
    return top.flatMap((t) => {
      const i = records.get(t.id);
      return i
        ? [
            {
              id: i.id,
              number: i.number,
              title: i.title,
              severity: i.severity,
              resolution: i.resolution,
              closedAt: i.closedAt,
              score: t.score,
              shared: t.shared,
            },
          ]
        : [];
    });
  }

  // ---- creating and linking ----

  async #users(): Promise<UserIndex> {
    return new UserIndex(await this.store.users.list());
  }

  /** A person who may own or work an incident, by username or id. */
  #person(users: UserIndex, field: string, ref: string): UserRow {
    const r = users.resolve(ref);
    if (!r.ok) throw invalid(field, `${field}: ${r.reason}.`, ref);
    if (!WORKING_ROLES.has(r.user.role))
      throw invalid(
        field,
        `${r.user.username} has role ${r.user.role}; incidents are worked by admins, analysts and system owners.`,
        ref,
      );
    if (r.user.disabled) throw invalid(field, `${r.user.username} is disabled.`, ref);
    return r.user;
  }

  /** The alerts named, all of them known; a 400 lists those that are not. */
  async #alertsNamed(ids: readonly string[]): Promise<AlertRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length > MAX_ALERTS_PER_CALL)
      throw invalid('alertIds', `At most ${MAX_ALERTS_PER_CALL} alerts at a time.`);
    const found = await this.#alertsOf(unique);
    const missing = unique.filter((id) => !found.some((a) => a.id === id));
    if (missing.length > 0)
      throw new ValidationError(`There is no alert ${missing.map((m) => `'${m}'`).join(', ')}.`, {
        field: 'alertIds',
        missing,
      });
    return found;
  }

  /** What alerts bring to an incident: their assets, the services those support, observables. */
  async #whatAlertsBring(alerts: readonly AlertRecord[]): Promise<{
    assets: string[];
    services: string[];
    observables: ObservableSighting[];
  }> {
    const named = [...new Set(alerts.flatMap((a) => (a.asset ? [a.asset.id] : [])))];
    const assets = (await this.store.assets.getMany(named)).map((a) => a.id);
    const services = await this.#servicesOf(assets);
    const events = await this.#eventsOf(alerts);
    const observables = alerts.flatMap((a) => sightingsOf(a, events.get(a.id) ?? []));
    return { assets, services, observables };
  }

  /** The city services these assets support directly. */
  async #servicesOf(assetIds: readonly string[]): Promise<string[]> {
    const set = new Set(assetIds);
    return [
      ...new Set(
        (await this.store.assetEdges.touching(assetIds))
          .filter((e) => e.type === 'supports' && set.has(e.fromId))
          .map((e) => e.toId),
      ),
    ];
  }

  #conflict(err: unknown): never {
    if (err instanceof AlertInOpenIncidentError)
      throw new ConflictError(
        `${err.message[0]!.toUpperCase()}${err.message.slice(1)}: an alert belongs to one open incident at a time. Detach it there, or merge the incidents.`,
        { conflicts: err.conflicts },
      );
    throw err;
  }

  /** Attached alerts that were `new` are being worked now. */
  async #acknowledge(alerts: readonly AlertRecord[], incident: IncidentRecord, actor: Actor) {
    for (const a of alerts)
      if (a.status === 'new')
        await this.alerts.setStatus(actor, a.id, {
          status: 'acknowledged',
          note: `attached to incident ${incident.number}`,
        });
    await this.store.incidents.settleProposalsOf(
      alerts.map((a) => a.id),
      this.clock.now().toISOString(),
      by(actor),
    );
  }

  /**
   * Opens an incident from alerts (title, severity, assets, services and observables follow from
   * them unless given) or by hand (a title is then required). `auto` marks one the grouping
   * opened by itself, audited as such with its reason.
   */
  async create(
    input: IncidentCreateInput,
    actor: Actor,
    auto?: { reason: string },
  ): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'opening an incident');
    const alerts = await this.#alertsNamed(input.alertIds ?? []);
    if (alerts.length === 0 && !input.title?.trim())
      throw invalid(
        'title',
        'Give alertIds to open an incident from alerts, or a title to open one by hand.',
      );
    const users = await this.#users();
    const now = this.clock.now().toISOString();
    const noticedAt =
      input.noticedAt !== undefined
        ? checkTime('noticedAt', input.noticedAt)
        : (alerts.map((a) => a.createdAt).sort()[0] ?? now);
    if (noticedAt > now) throw invalid('noticedAt', 'noticedAt is in the future.', noticedAt);
    const manualAssets = await this.#assetsNamed(input.assets ?? []);
    const brought = await this.#whatAlertsBring(alerts);
    const manualServices = await this.#servicesOf(manualAssets);
    const incident: NewIncident = {
      id: randomUUID(),
      title: input.title ? checkTitle(input.title) : titleOfAlerts(alerts),
      description: input.description?.trim() || null,
      severity: input.severity ? checkSeverity(input.severity) : severityOfAlerts(alerts),
      status: 'new',
      ownerId: input.owner ? this.#person(users, 'owner', input.owner).id : null,
      certInType: checkCertInType(input.certInType ?? null),
      personalDataBreach: input.personalDataBreach ?? false,
      noticedAt,
      createdAt: now,
      createdBy: by(actor),
    };
    const assignees = (input.assignees ?? []).map((a) => this.#person(users, 'assignees', a).id);
    const created = await this.store.incidents
      .create(incident, {
        addAlerts: alerts.map((a) => a.id),
        addAssets: [
          ...brought.assets.map((id) => ({ id, source: 'alert' as const })),
          ...manualAssets.map((id) => ({ id, source: 'manual' as const })),
        ],
        addServices: [
          ...brought.services.map((id) => ({ id, source: 'alert' as const })),
          ...manualServices.map((id) => ({ id, source: 'manual' as const })),
        ],
        setAssignees: assignees,
        observables: brought.observables,
      })
      .catch((err: unknown) => this.#conflict(err));
    await this.audit.record(actor, {
      action: auto ? 'incident.auto-open' : 'incident.create',
      target: target(created),
      details: {
        number: created.number,
        summary: `${auto ? 'Automatically opened' : 'Opened'} ${created.number} (${created.severity}): ${created.title}${alerts.length ? ` from ${alerts.length} alert(s)` : ''}${auto ? ` (${auto.reason})` : ''}`,
        ...(auto && { reason: auto.reason }),
        title: created.title,
        severity: created.severity,
        alerts: alerts.map((a) => a.id),
        ...(created.ownerName && { owner: created.ownerName }),
        ...(assignees.length > 0 && { assignees: assignees.map((a) => users.name(a)) }),
        ...(created.certInType && { certInType: created.certInType }),
        ...(created.personalDataBreach && { personalDataBreach: true }),
        noticedAt: created.noticedAt,
      },
    });
    await this.#acknowledge(alerts, created, actor);
    await this.#emit('created', created, actor);
    return this.#detail(created);
  }

  /**
   * The open incident holding an alert, or a new one opened from it (for playbooks that act on
   * the incident of an alert).
   */
  async incidentForAlert(alertId: string, actor: Actor): Promise<{ id: string; opened: boolean }> {
    const holders = (await this.store.incidents.incidentsOfAlerts([alertId])).get(alertId) ?? [];
    const open = holders.find((h) => h.status !== 'closed');
    if (open) return { id: open.incidentId, opened: false };
    const { incident } = await this.create({ alertIds: [alertId] }, actor);
    return { id: incident.id, opened: true };
  }

  async #assetsNamed(refs: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const missing: string[] = [];
    for (const ref of new Set(refs)) {
      const a = (await this.store.assets.get(ref)) ?? (await this.store.assets.getByName(ref));
      if (a) out.push(a.id);
      else missing.push(ref);
    }
    if (missing.length > 0)
      throw new ValidationError(`There is no asset ${missing.map((m) => `'${m}'`).join(', ')}.`, {
        field: 'assets',
        missing,
      });
    return out;
  }

  #open(incident: IncidentRecord, what: string): void {
    if (incident.status === 'closed')
      throw new ConflictError(
        `${incident.number} is closed; reopen it (status triage) before ${what}.`,
        { status: 'closed' },
      );
  }

  /**
   * Attaches alerts (with their assets, services and observables). `auto` marks an attach made
   * by a grouping rule, audited as such.
   */
  async attachAlerts(
    ref: string,
    alertIds: readonly string[],
    actor: Actor,
    auto?: { reasons: string[] },
  ): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'attaching alerts');
    if (alertIds.length === 0) throw invalid('alertIds', 'Name at least one alert to attach.');
    const incident = await this.#find(ref);
    this.#open(incident, 'attaching alerts');
    const alerts = await this.#alertsNamed(alertIds);
    const brought = await this.#whatAlertsBring(alerts);
    const updated = (await this.store.incidents
      .change(incident.id, {
        at: this.clock.now().toISOString(),
        by: by(actor),
        patch: {},
        addAlerts: alerts.map((a) => a.id),
        addAssets: brought.assets.map((id) => ({ id, source: 'alert' as const })),
        addServices: brought.services.map((id) => ({ id, source: 'alert' as const })),
        observables: brought.observables,
      })
      .catch((err: unknown) => this.#conflict(err)))!;
    await this.audit.record(actor, {
      action: auto ? 'incident.alert.auto-attach' : 'incident.alert.attach',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `${auto ? 'Automatically attached' : 'Attached'} ${alerts.map((a) => `alert ${a.ruleTitle}`).join(', ')}${auto ? ` (${auto.reasons.join('; ')})` : ''}`,
        alerts: alerts.map((a) => a.id),
        ...(auto && { reasons: auto.reasons }),
      },
    });
    await this.#acknowledge(alerts, updated, actor);
    await this.#emit('alert-attached', updated, actor);
    return this.#detail(updated);
  }

  /** Assets and services that came with alerts and that the remaining alerts no longer bring. */
  async #unbacked(
    incidentId: string,
    remaining: readonly AlertRecord[],
  ): Promise<{ removeAssets: string[]; removeServices: string[] }> {
    const links = await this.store.incidents.links(incidentId);
    const keepAssets = new Set(remaining.flatMap((a) => (a.asset ? [a.asset.id] : [])));
    const keepServices = new Set(await this.#servicesOf([...keepAssets]));
    return {
      removeAssets: links.assets
        .filter((a) => a.source === 'alert' && !keepAssets.has(a.assetId))
        .map((a) => a.assetId),
      removeServices: links.services
        .filter((s) => s.source === 'alert' && !keepServices.has(s.serviceId))
        .map((s) => s.serviceId),
    };
  }

  /** Detaches an alert, with what only it brought (assets, services, observables). */
  async detachAlert(ref: string, alertId: string, actor: Actor): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'detaching alerts');
    const incident = await this.#find(ref);
    const links = await this.store.incidents.links(incident.id);
    if (!links.alerts.some((l) => l.alertId === alertId))
      throw new NotFoundError(`Alert '${alertId}' is not attached to ${incident.number}.`);
    const remaining = await this.#alertsOf(
      links.alerts.map((l) => l.alertId).filter((id) => id !== alertId),
    );
    const alert = await this.store.alerts.get(alertId);
    const updated = (await this.store.incidents.change(incident.id, {
      at: this.clock.now().toISOString(),
      by: by(actor),
      patch: {},
      removeAlerts: [alertId],
      ...(await this.#unbacked(incident.id, remaining)),
    }))!;
    await this.audit.record(actor, {
      action: 'incident.alert.detach',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Detached alert ${alert?.ruleTitle ?? alertId}`,
        alert: alertId,
      },
    });
    await this.#emit('updated', updated, actor);
    return this.#detail(updated);
  }

  /**
   * Merges incident `fromRef` into `intoRef`: alerts, assets, services, assignees, observables,
   * tasks, notes, evidence and duty reports move; `fromRef` closes as a duplicate pointing at it.
   */
  async merge(intoRef: string, fromRef: string, actor: Actor): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'merging incidents');
    const into = await this.#find(intoRef);
    const from = await this.#find(fromRef);
    if (into.id === from.id) throw invalid('from', 'An incident cannot be merged into itself.');
    this.#open(into, 'merging into it');
    if (from.status === 'closed')
      throw new ConflictError(`${from.number} is already closed; reopen it to merge it.`);
    const now = this.clock.now().toISOString();
    const evidence = await this.store.incidents.evidence(from.id);
    await this.store.incidents.merge(
      into.id,
      from.id,
      {
        status: 'closed',
        resolution: 'duplicate',
        mergedIntoId: into.id,
        closedAt: now,
        closedBy: by(actor),
        acknowledgedAt: from.acknowledgedAt ?? now,
      },
      now,
      by(actor),
    );
    await this.store.incidents.addCustody(
      evidence.map((e) => ({
        evidenceId: e.id,
        action: 'moved',
        actorId: actor.principal?.id ?? null,
        actorName: by(actor),
        at: now,
        sha256Seen: null,
        outcome: 'ok',
        note: `${from.number} merged into ${into.number}`,
      })),
    );
    await this.audit.record(actor, {
      action: 'incident.merge',
      target: target(into),
      details: {
        number: into.number,
        summary: `Merged ${from.number} (${from.title}) into this incident`,
        from: from.id,
        fromNumber: from.number,
      },
    });
    await this.audit.record(actor, {
      action: 'incident.merged',
      target: target(from),
      details: {
        number: from.number,
        summary: `Merged into ${into.number}; closed as a duplicate`,
        into: into.id,
        intoNumber: into.number,
      },
    });
    const updatedInto = (await this.store.incidents.get(into.id))!;
    await this.#emit('status', (await this.store.incidents.get(from.id))!, actor);
    await this.#emit('updated', updatedInto, actor);
    return this.#detail(updatedInto);
  }

  /** Moves chosen alerts (with what they brought) out into a new incident. */
  async split(
    ref: string,
    input: { alertIds: string[]; title?: string; severity?: string },
    actor: Actor,
  ): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'splitting incidents');
    const from = await this.#find(ref);
    this.#open(from, 'splitting it');
    const links = await this.store.incidents.links(from.id);
    const attached = new Set(links.alerts.map((l) => l.alertId));
    const chosen = [...new Set(input.alertIds)];
    if (chosen.length === 0) throw invalid('alertIds', 'Name the alerts to split out.');
    const strangers = chosen.filter((id) => !attached.has(id));
    if (strangers.length > 0)
      throw new ValidationError(
        `Not attached to ${from.number}: ${strangers.map((s) => `'${s}'`).join(', ')}.`,
        { field: 'alertIds', notAttached: strangers },
      );
    const moving = await this.#alertsOf(chosen);
    const remaining = await this.#alertsOf([...attached].filter((id) => !chosen.includes(id)));
    const now = this.clock.now().toISOString();
    const assets = [...new Set(moving.flatMap((a) => (a.asset ? [a.asset.id] : [])))];
    const present = new Set(links.assets.map((a) => a.assetId));
    const newAssets = assets.filter((id) => present.has(id));
    const incident: NewIncident = {
      id: randomUUID(),
      title: input.title ? checkTitle(input.title) : titleOfAlerts(moving),
      description: `Split from ${from.number}.`,
      severity: input.severity ? checkSeverity(input.severity) : severityOfAlerts(moving),
      status: 'new',
      ownerId: from.ownerId,
      certInType: null,
      personalDataBreach: false,
      noticedAt: moving.map((a) => a.createdAt).sort()[0] ?? from.noticedAt,
      createdAt: now,
      createdBy: by(actor),
    };
    const created = await this.store.incidents.split(
      from.id,
      incident,
      chosen,
      {
        addAssets: newAssets.map((id) => ({ id, source: 'alert' as const })),
        addServices: (await this.#servicesOf(newAssets)).map((id) => ({
          id,
          source: 'alert' as const,
        })),
      },
      { patch: {}, ...(await this.#unbacked(from.id, remaining)) },
    );
    await this.audit.record(actor, {
      action: 'incident.split',
      target: target(from),
      details: {
        number: from.number,
        summary: `Split ${chosen.length} alert(s) out into ${created.number}`,
        alerts: chosen,
        into: created.id,
        intoNumber: created.number,
      },
    });
    await this.audit.record(actor, {
      action: 'incident.create',
      target: target(created),
      details: {
        number: created.number,
        summary: `Opened ${created.number} (${created.severity}): ${created.title}, split from ${from.number}`,
        title: created.title,
        severity: created.severity,
        alerts: chosen,
        splitFrom: from.number,
        noticedAt: created.noticedAt,
      },
    });
    await this.#emit('updated', (await this.store.incidents.get(from.id))!, actor);
    await this.#emit('created', created, actor);
    return this.#detail(created);
  }

  // ---- changing ----

  /**
   * Changes the fields given: title, description, severity (audited as `incident.update`),
   * owner and assignees (`incident.assign`), CERT-In type, personal-data breach and noticed time
   * (`incident.classify`, which starts or moves the legal clocks).
   */
  async update(ref: string, input: IncidentUpdateInput, actor: Actor): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'changing an incident');
    const incident = await this.#find(ref);
    const users = await this.#users();
    const patch: IncidentPatch = {};
    if (input.title !== undefined) patch.title = checkTitle(input.title);
    if (input.description !== undefined) patch.description = input.description?.trim() || null;
    if (input.severity !== undefined) patch.severity = checkSeverity(input.severity);
    if (input.owner !== undefined)
      patch.ownerId = input.owner === null ? null : this.#person(users, 'owner', input.owner).id;
    if (input.certInType !== undefined) patch.certInType = checkCertInType(input.certInType);
    if (input.personalDataBreach !== undefined) patch.personalDataBreach = input.personalDataBreach;
    if (input.noticedAt !== undefined) {
      patch.noticedAt = checkTime('noticedAt', input.noticedAt);
      if (patch.noticedAt > this.clock.now().toISOString())
        throw invalid('noticedAt', 'noticedAt is in the future.', patch.noticedAt);
    }
    const assignees = input.assignees?.map((a) => this.#person(users, 'assignees', a).id);
    const before = await this.store.incidents.links(incident.id);
    const updated = (await this.store.incidents.change(incident.id, {
      at: this.clock.now().toISOString(),
      by: by(actor),
      patch,
      ...(assignees && { setAssignees: assignees }),
    }))!;
    const record = (fields: readonly string[]) =>
      changedFields(
        incident as unknown as Record<string, unknown>,
        updated as unknown as Record<string, unknown>,
        fields,
      );
    const plain = record(['title', 'description', 'severity']);
    const classification = record(['certInType', 'personalDataBreach', 'noticedAt']);
    const owner = record(['ownerName']);
    const beforeNames = before.assignees.map((a) => a.username).sort();
    const afterNames = (assignees ?? []).map((a) => users.name(a)!).sort();
    const assigneesChanged =
      assignees !== undefined && JSON.stringify(beforeNames) !== JSON.stringify(afterNames);
    const describe = (changes: Record<string, { before: unknown; after: unknown }>) =>
      Object.entries(changes)
        .map(([k, v]) => `${k} ${JSON.stringify(v.before)} → ${JSON.stringify(v.after)}`)
        .join(', ');
    if (Object.keys(plain).length > 0) {
      await this.audit.record(actor, {
        action: 'incident.update',
        target: target(incident),
        details: { number: incident.number, summary: `Changed ${describe(plain)}`, changes: plain },
      });
      await this.#emit('updated', updated, actor);
    }
    if (Object.keys(owner).length > 0 || assigneesChanged) {
      const added = afterNames.filter((n) => !beforeNames.includes(n));
      const removed = beforeNames.filter((n) => !afterNames.includes(n));
      await this.audit.record(actor, {
        action: 'incident.assign',
        target: target(incident),
        details: {
          number: incident.number,
          summary: [
            owner.ownerName ? `Owner ${describe(owner).replace('ownerName ', '')}` : '',
            added.length ? `assigned ${added.join(', ')}` : '',
            removed.length ? `unassigned ${removed.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
          ...(owner.ownerName && { owner: owner.ownerName }),
          ...(assigneesChanged && { assignees: { before: beforeNames, after: afterNames } }),
        },
      });
      const given = [
        ...new Set([
          ...(owner.ownerName && updated.ownerId ? [updated.ownerId] : []),
          ...(assignees ?? []).filter((id) => !before.assignees.some((a) => a.userId === id)),
        ]),
      ];
      if (given.length === 0) await this.#emit('updated', updated, actor);
      for (const assigneeId of given) await this.#emit('assigned', updated, actor, { assigneeId });
    }
    if (Object.keys(classification).length > 0) {
      await this.audit.record(actor, {
        action: 'incident.classify',
        target: target(incident),
        details: {
          number: incident.number,
          summary: `Classified: ${describe(classification)}${dutiesFor(updated).length ? `; legal duties: ${dutiesFor(updated).join(', ')}` : ''}`,
          changes: classification,
          duties: dutiesFor(updated),
        },
      });
      await this.#emit('classified', updated, actor);
    }
    return this.#detail(updated);
  }

  /**
   * Moves the incident through its life (see statusChangeProblem); closing needs a resolution.
   * The first move out of `new` and the first into containment are kept for the metrics.
   */
  async setStatus(ref: string, input: StatusInput, actor: Actor): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'changing the status');
    const incident = await this.#find(ref);
    if (!(INCIDENT_STATUSES as readonly string[]).includes(input.status))
      throw invalid(
        'status',
        `'${input.status}' is not a status; use ${INCIDENT_STATUSES.join(', ')}.`,
        input.status,
      );
    const to = input.status as IncidentStatus;
    const resolution = input.resolution ?? null;
    if (resolution !== null && !(INCIDENT_RESOLUTIONS as readonly string[]).includes(resolution))
      throw invalid(
        'resolution',
        `'${resolution}' is not a resolution; use ${INCIDENT_RESOLUTIONS.join(', ')}.`,
        resolution,
      );
    const problem = statusChangeProblem(
      incident.status,
      to,
      resolution as IncidentResolution | null,
    );
    if (problem)
      throw invalid(resolution && to !== 'closed' ? 'resolution' : 'status', problem, to);
    const now = this.clock.now().toISOString();
    if (incident.status === 'closed') {
      // reopening: its alerts must not have joined another open incident meanwhile
      const links = await this.store.incidents.links(incident.id);
      const holders = await this.store.incidents.incidentsOfAlerts(
        links.alerts.map((l) => l.alertId),
      );
      const elsewhere = [...holders].flatMap(([alertId, list]) =>
        list
          .filter((h) => h.incidentId !== incident.id && h.status !== 'closed')
          .map((h) => ({ alertId, incidentId: h.incidentId, number: h.number })),
      );
      if (elsewhere.length > 0)
        throw new ConflictError(
          `${incident.number} cannot be reopened: its alerts are now in open incident ${[...new Set(elsewhere.map((e) => e.number))].join(', ')}. Merge that one into it instead.`,
          { conflicts: elsewhere },
        );
    }
    const patch: IncidentPatch = {
      status: to,
      resolution: resolution as IncidentResolution | null,
      closedAt: to === 'closed' ? now : null,
      closedBy: to === 'closed' ? by(actor) : null,
      ...(to !== 'closed' && { mergedIntoId: null }),
    };
    if (incident.acknowledgedAt === null) patch.acknowledgedAt = now;
    if (incident.containedAt === null && CONTAINED_OR_LATER.has(to)) patch.containedAt = now;
    const updated = (await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch,
    }))!;
    await this.audit.record(actor, {
      action: 'incident.status',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Status ${incident.status} → ${to}${resolution ? ` (${resolution})` : ''}${input.note ? `: ${input.note}` : ''}`,
        from: incident.status,
        to,
        ...(resolution && { resolution }),
        ...(input.note && { note: input.note }),
      },
    });
    await this.#emit('status', updated, actor);
    return this.#detail(updated);
  }

  /**
   * Makes the owners of the incident's affected assets its assignees (for playbooks: "assign the
   * owner of the affected asset"). Returns who was added.
   */
  async assignOwnersOfAffectedAssets(incidentId: string, actor: Actor): Promise<string[]> {
    this.#staffOnly(actor, 'assigning');
    const incident = await this.#find(incidentId);
    const links = await this.store.incidents.links(incident.id);
    const users = await this.#users();
    const have = new Set(links.assignees.map((a) => a.userId));
    const owners = [...new Set(links.assets.flatMap((a) => (a.ownerId ? [a.ownerId] : [])))].filter(
      (id) => {
        const u = users.resolve(id);
        return u.ok && !u.user.disabled && WORKING_ROLES.has(u.user.role);
      },
    );
    const newcomers = owners.filter((id) => !have.has(id));
    if (newcomers.length === 0) return owners;
    const updated = (await this.store.incidents.change(incident.id, {
      at: this.clock.now().toISOString(),
      by: by(actor),
      patch: {},
      addAssignees: newcomers,
    }))!;
    const added = newcomers.map((userId) => ({ userId, username: users.name(userId)! }));
    await this.audit.record(actor, {
      action: 'incident.assign',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Assigned the owners of the affected assets: ${added.map((a) => a.username).join(', ')}`,
        added: added.map((a) => a.username),
      },
    });
    for (const a of added) await this.#emit('assigned', updated, actor, { assigneeId: a.userId });
    return owners;
  }

  // ---- tasks ----

  #taskOf(tasks: readonly IncidentTask[], taskId: string, incident: IncidentRecord) {
    const task = tasks.find((t) => t.id === taskId);
    if (!task) throw new NotFoundError(`${incident.number} has no task '${taskId}'.`);
    return task;
  }

  /** Adds a task, with an assignee (user id or username) and a due time when given. */
  async addTask(incidentId: string, input: TaskInput, actor: Actor): Promise<IncidentTask> {
    this.#staffOnly(actor, 'adding tasks');
    const incident = await this.#find(incidentId);
    const users = await this.#users();
    const assignee = input.assigneeId ? this.#person(users, 'assignee', input.assigneeId) : null;
    const now = this.clock.now().toISOString();
    const task = await this.store.incidents.addTask({
      id: randomUUID(),
      incidentId: incident.id,
      title: checkTitle(input.title),
      assigneeId: assignee?.id ?? null,
      dueAt: input.dueAt ? checkTime('dueAt', input.dueAt) : null,
      status: 'open',
      createdAt: now,
      createdBy: by(actor),
    });
    await this.audit.record(actor, {
      action: 'incident.task.create',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Task: ${task.title}${assignee ? ` for ${assignee.username}` : ''}`,
        task: task.id,
        title: task.title,
        ...(assignee && { assignee: assignee.username }),
        ...(task.dueAt && { dueAt: task.dueAt }),
      },
    });
    const touched = (await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch: {},
    }))!;
    await this.#emit(
      assignee ? 'assigned' : 'updated',
      touched,
      actor,
      assignee
        ? { assigneeId: assignee.id, task: { id: task.id, title: task.title, dueAt: task.dueAt } }
        : undefined,
    );
    return task;
  }

  /**
   * Changes a task. A system owner may only mark the tasks assigned to them done or open again.
   */
  async updateTask(
    incidentRef: string,
    taskId: string,
    input: TaskUpdateInput,
    actor: Actor,
  ): Promise<IncidentTask> {
    this.#mayWork(actor);
    const incident = await this.#read(incidentRef, actor);
    const task = this.#taskOf(await this.store.incidents.tasks(incident.id), taskId, incident);
    const scope = ownerScope(actor);
    if (scope !== undefined) {
      if (task.assigneeId !== scope)
        throw new ForbiddenError(
          `The task '${task.title}' is not assigned to you: a system owner updates only their own tasks.`,
        );
      const others = Object.entries(input)
        .filter(([k, v]) => k !== 'status' && v !== undefined)
        .map(([k]) => k);
      if (others.length > 0)
        throw new ForbiddenError(
          `A system owner may only mark their task done or open; ask an analyst to change ${others.join(', ')}.`,
          { fields: others },
        );
    }
    if (input.status !== undefined && input.status !== 'open' && input.status !== 'done')
      throw invalid('status', `'${input.status}' is not a task status; use open or done.`);
    const users = await this.#users();
    const now = this.clock.now().toISOString();
    const assignee =
      input.assigneeId === undefined
        ? undefined
        : input.assigneeId === null
          ? null
          : this.#person(users, 'assignee', input.assigneeId);
    const status = input.status;
    const updated = (await this.store.incidents.updateTask(task.id, {
      updatedAt: now,
      updatedBy: by(actor),
      ...(input.title !== undefined && { title: checkTitle(input.title) }),
      ...(assignee !== undefined && { assigneeId: assignee?.id ?? null }),
      ...(input.dueAt !== undefined && {
        dueAt: input.dueAt === null ? null : checkTime('dueAt', input.dueAt),
      }),
      ...(status !== undefined &&
        status !== task.status && {
          status,
          doneAt: status === 'done' ? now : null,
          doneBy: status === 'done' ? by(actor) : null,
        }),
    }))!;
    const changes = changedFields(
      task as unknown as Record<string, unknown>,
      updated as unknown as Record<string, unknown>,
      ['title', 'assigneeName', 'dueAt', 'status'],
    );
    await this.audit.record(actor, {
      action: 'incident.task.update',
      target: target(incident),
      details: {
        number: incident.number,
        summary:
          changes.status && updated.status === 'done'
            ? `Task done: ${updated.title}`
            : `Task ${updated.title}: ${Object.entries(changes)
                .map(([k, v]) => `${k} ${JSON.stringify(v.before)} → ${JSON.stringify(v.after)}`)
                .join(', ')}`,
        task: task.id,
        changes,
      },
    });
    const touched = (await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch: {},
    }))!;
    await this.#emit(
      changes.assigneeName && updated.assigneeId ? 'assigned' : 'updated',
      touched,
      actor,
      changes.assigneeName && updated.assigneeId
        ? {
            assigneeId: updated.assigneeId,
            task: { id: updated.id, title: updated.title, dueAt: updated.dueAt },
          }
        : undefined,
    );
    return updated;
  }

  async deleteTask(incidentRef: string, taskId: string, actor: Actor): Promise<IncidentTask> {
    this.#staffOnly(actor, 'deleting tasks');
    const incident = await this.#find(incidentRef);
    const task = this.#taskOf(await this.store.incidents.tasks(incident.id), taskId, incident);
    await this.store.incidents.deleteTask(task.id);
    await this.audit.record(actor, {
      action: 'incident.task.delete',
      target: target(incident),
      details: { number: incident.number, summary: `Task deleted: ${task.title}`, task: task.id },
    });
    return task;
  }

  // ---- observables and notes ----

  async addObservable(
    ref: string,
    input: { type: string; value: string },
    actor: Actor,
  ): Promise<IncidentObservable> {
    this.#staffOnly(actor, 'adding observables');
    const incident = await this.#find(ref);
    if (!(OBSERVABLE_TYPES as readonly string[]).includes(input.type))
      throw invalid(
        'type',
        `'${input.type}' is not an observable type; use ${OBSERVABLE_TYPES.join(', ')}.`,
        input.type,
      );
    const type = input.type as ObservableType;
    const value = normaliseObservable(type, input.value);
    if (!value.ok) throw invalid('value', `The ${type} is wrong: ${value.reason}.`, input.value);
    const now = this.clock.now().toISOString();
    await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch: {},
      observables: [
        { type, value: value.value, seenAt: null, alertId: null, eventSeqs: [], source: 'manual' },
      ],
    });
    const added = (await this.store.incidents.observables([incident.id])).find(
      (o) => o.type === type && o.value === value.value,
    )!;
    await this.audit.record(actor, {
      action: 'incident.observable.add',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Observable added: ${type} ${value.value}`,
        type,
        value: value.value,
      },
    });
    await this.#emit('updated', (await this.store.incidents.get(incident.id))!, actor);
    return added;
  }

  async removeObservable(ref: string, observableId: string, actor: Actor): Promise<void> {
    this.#staffOnly(actor, 'removing observables');
    const incident = await this.#find(ref);
    const o = (await this.store.incidents.observables([incident.id])).find(
      (x) => x.id === observableId,
    );
    if (!o) throw new NotFoundError(`${incident.number} has no observable '${observableId}'.`);
    const updated = (await this.store.incidents.change(incident.id, {
      at: this.clock.now().toISOString(),
      by: by(actor),
      patch: {},
      removeObservables: [o.id],
    }))!;
    await this.audit.record(actor, {
      action: 'incident.observable.remove',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Observable removed: ${o.type} ${o.value}`,
        type: o.type,
        value: o.value,
      },
    });
    await this.#emit('updated', updated, actor);
  }

  /** Adds a note; a system owner may add notes to the incidents they see. */
  async addNote(ref: string, text: string, actor: Actor): Promise<IncidentNote> {
    this.#mayWork(actor);
    const incident = await this.#read(ref, actor);
    const body = text.trim();
    if (body === '') throw invalid('text', 'The note is empty.');
    const note: IncidentNote = {
      id: randomUUID(),
      incidentId: incident.id,
      authorId: actor.principal?.userId ?? actor.principal?.id ?? null,
      authorName: by(actor),
      text: body,
      createdAt: this.clock.now().toISOString(),
    };
    await this.store.incidents.addNote(note);
    await this.audit.record(actor, {
      action: 'incident.note',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Note: ${body.length > 200 ? `${body.slice(0, 199)}…` : body}`,
        note: note.id,
      },
    });
    const touched = (await this.store.incidents.change(incident.id, {
      at: note.createdAt,
      by: note.authorName,
      patch: {},
    }))!;
    await this.#emit('updated', touched, actor);
    return note;
  }

  // ---- evidence ----

  /**
   * Files an uploaded file as evidence: kept under its SHA-256, with the upload as the first
   * entry of its chain of custody. A system owner may upload to the incidents they see.
   */
  async addEvidence(
    ref: string,
    upload: { name: string; mediaType: string | null; body: Readable },
    actor: Actor,
  ): Promise<EvidenceRecord> {
    this.#mayWork(actor);
    const incident = await this.#read(ref, actor);
    const fileName = checkFileName(upload.name);
    const stored = await this.files.store(upload.body, this.settings.evidenceMaxBytes);
    const now = this.clock.now().toISOString();
    const record: EvidenceRecord = {
      id: randomUUID(),
      incidentId: incident.id,
      fileName,
      size: stored.size,
      sha256: stored.sha256,
      storedPath: stored.storedPath,
      mediaType: upload.mediaType,
      uploadedBy: by(actor),
      uploadedAt: now,
    };
    await this.store.incidents.addEvidence(record, {
      evidenceId: record.id,
      action: 'uploaded',
      actorId: actor.principal?.id ?? null,
      actorName: by(actor),
      at: now,
      sha256Seen: stored.sha256,
      outcome: 'ok',
      note: null,
    });
    await this.audit.record(actor, {
      action: 'incident.evidence.upload',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Evidence ${fileName} uploaded (SHA-256 ${stored.sha256})`,
        evidence: record.id,
        fileName,
        size: stored.size,
        sha256: stored.sha256,
      },
    });
    const touched = (await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch: {},
    }))!;
    await this.#emit('updated', touched, actor);
    return record;
  }

  async #evidenceOf(incident: IncidentRecord, evidenceId: string): Promise<EvidenceRecord> {
    const e = await this.store.incidents.getEvidence(evidenceId);
    if (!e || e.incidentId !== incident.id)
      throw new NotFoundError(`${incident.number} has no evidence '${evidenceId}'.`);
    return e;
  }

  /**
   * Checks a file against the hash recorded at upload and writes the result into its chain of
   * custody (and the audit trail): `action` is what was being done.
   */
  async #check(
    incident: IncidentRecord,
    e: EvidenceRecord,
    action: 'downloaded' | 'verified',
    actor: Actor,
  ): Promise<{
    ok: boolean;
    sha256Found: string | null;
    opened: Awaited<ReturnType<EvidenceFiles['openHashed']>>;
  }> {
    const opened = await this.files.openHashed(e.storedPath);
    const found = opened?.sha256 ?? null;
    const ok = found === e.sha256;
    const now = this.clock.now().toISOString();
    const refused = action === 'downloaded' && !ok;
    await this.store.incidents.addCustody([
      {
        evidenceId: e.id,
        action: refused ? 'refused' : action,
        actorId: actor.principal?.id ?? null,
        actorName: by(actor),
        at: now,
        sha256Seen: found,
        outcome: ok ? 'ok' : 'mismatch',
        note: ok
          ? null
          : found === null
            ? 'the stored file is missing'
            : 'the stored file no longer has the SHA-256 recorded at upload',
      },
    ]);
    await this.audit.record(actor, {
      action: action === 'downloaded' ? 'incident.evidence.download' : 'incident.evidence.verify',
      target: target(incident),
      outcome: ok ? 'success' : 'failure',
      details: {
        number: incident.number,
        summary: ok
          ? `Evidence ${e.fileName} ${action}; SHA-256 matches`
          : `Evidence ${e.fileName} ${refused ? 'refused' : 'failed verification'}: ${found === null ? 'the file is missing' : `its SHA-256 is now ${found}, not ${e.sha256}`}`,
        evidence: e.id,
        expected: e.sha256,
        found,
      },
    });
    return { ok, sha256Found: found, opened };
  }

  /**
   * The evidence file to download, re-hashed first: a file whose bytes no longer match the hash
   * recorded at upload is refused (409), and the refusal is kept in its chain of custody.
   */
  async openEvidence(
    ref: string,
    evidenceId: string,
    actor: Actor,
  ): Promise<{ evidence: EvidenceRecord; stream: Readable }> {
    const incident = await this.#read(ref, actor);
    const e = await this.#evidenceOf(incident, evidenceId);
    const { ok, sha256Found, opened } = await this.#check(incident, e, 'downloaded', actor);
    if (!ok || !opened) {
      opened?.stream.destroy();
      throw new ConflictError(
        sha256Found === null
          ? `The file of evidence ${e.fileName} is missing from the data directory; it cannot be served.`
          : `The file of evidence ${e.fileName} has changed since it was uploaded: its SHA-256 is now ${sha256Found}, not ${e.sha256}. It is not served; the refusal is in its chain of custody.`,
        { expected: e.sha256, found: sha256Found },
      );
    }
    return { evidence: e, stream: opened.stream };
  }

  /** Re-hashes an evidence file and records the check in its chain of custody. */
  async verifyEvidence(
    ref: string,
    evidenceId: string,
    actor: Actor,
  ): Promise<{ evidence: EvidenceRecord; ok: boolean; sha256Found: string | null }> {
    const incident = await this.#read(ref, actor);
    const e = await this.#evidenceOf(incident, evidenceId);
    const { ok, sha256Found, opened } = await this.#check(incident, e, 'verified', actor);
    opened?.stream.destroy();
    return { evidence: e, ok, sha256Found };
  }

  /** Who did what to an evidence file, and when, with the hash the file had each time. */
  async custody(
    ref: string,
    evidenceId: string,
    actor: Actor,
  ): Promise<{ evidence: EvidenceRecord; custody: CustodyEntry[] }> {
    const incident = await this.#read(ref, actor);
    const e = await this.#evidenceOf(incident, evidenceId);
    return { evidence: e, custody: await this.store.incidents.custody([e.id]) };
  }

  // ---- legal duties ----

  /** Records a legal duty as reported (to CERT-In, the Data Protection Board …): its clock stops. */
  async reportDuty(
    ref: string,
    duty: string,
    input: { reportedAt?: string; reference?: string | null },
    actor: Actor,
  ): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'recording a report');
    const incident = await this.#find(ref);
    if (!(LEGAL_DUTY_NAMES as readonly string[]).includes(duty))
      throw invalid(
        'duty',
        `'${duty}' is not a legal duty; use ${LEGAL_DUTY_NAMES.join(', ')}.`,
        duty,
      );
    const d = duty as LegalDuty;
    if (!dutiesFor(incident).includes(d))
      throw new ConflictError(
        `${incident.number} does not carry the duty '${d}': ${d === 'cert-in' ? 'classify it with a CERT-In type first' : 'mark it a personal-data breach first'}.`,
        { duties: dutiesFor(incident) },
      );
    const now = this.clock.now().toISOString();
    const reportedAt = input.reportedAt ? checkTime('reportedAt', input.reportedAt) : now;
    if (reportedAt > now) throw invalid('reportedAt', 'reportedAt is in the future.', reportedAt);
    if (reportedAt < incident.noticedAt)
      throw invalid(
        'reportedAt',
        `reportedAt is before the incident was noticed (${incident.noticedAt}).`,
        reportedAt,
      );
    const reference = input.reference?.trim() || null;
    await this.store.incidents.reportDuty({
      incidentId: incident.id,
      duty: d,
      reportedAt,
      reportedBy: by(actor),
      reference,
      recordedAt: now,
    });
    const updated = (await this.store.incidents.change(incident.id, {
      at: now,
      by: by(actor),
      patch: {},
    }))!;
    const [clock] = this.#clocks(
      updated,
      await this.store.incidents.dutyReports([incident.id]),
    ).filter((c) => c.duty === d);
    await this.audit.record(actor, {
      action: 'incident.duty.report',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `${LEGAL_DUTIES[d].title}: reported at ${reportedAt}${reference ? ` (reference ${reference})` : ''}, ${clock?.state === 'met' ? 'on time' : 'late'}`,
        duty: d,
        reportedAt,
        ...(reference && { reference }),
        state: clock?.state,
      },
    });
    await this.#emit('updated', updated, actor);
    return this.#detail(updated);
  }

  // ---- grouping proposals ----

  async #proposalViews(q: Parameters<Store['incidents']['proposals']>[0]): Promise<ProposalView[]> {
    const list = await this.store.incidents.proposals(q);
    const incidents = new Map(
      (await this.store.incidents.getMany(list.map((p) => p.incidentId))).map((i) => [i.id, i]),
    );
    const out: ProposalView[] = [];
    for (const p of list) {
      const i = incidents.get(p.incidentId);
      if (!i) continue;
      const a = await this.store.alerts.get(p.alertId);
      out.push({
        ...p,
        incidentNumber: i.number,
        incidentTitle: i.title,
        alert: a
          ? { id: a.id, ruleTitle: a.ruleTitle, severity: a.severity, lastSeen: a.lastSeen }
          : null,
      });
    }
    return out;
  }

  /** The open proposals of an incident: new alerts that share something with it. */
  async proposals(ref: string, actor: Actor): Promise<ProposalView[]> {
    const incident = await this.#read(ref, actor);
    return this.#proposalViews({ incidentId: incident.id, status: ['open'] });
  }

  /** The open incidents an alert is proposed for, and the incidents it belongs to. */
  async proposalsForAlert(
    alertId: string,
    actor: Actor,
  ): Promise<{
    alertId: string;
    incidents: { id: string; number: string; status: IncidentStatus }[];
    proposals: ProposalView[];
  }> {
    const alert = await this.store.alerts.get(alertId);
    const scope = ownerScope(actor);
    if (!alert || (scope !== undefined && alert.asset?.ownerId !== scope))
      throw new NotFoundError(`No alert has id '${alertId}'.`);
    const holders = (await this.store.incidents.incidentsOfAlerts([alertId])).get(alertId) ?? [];
    const visible = [];
    for (const h of holders) {
      const i = await this.store.incidents.get(h.incidentId);
      if (i && (await this.#visible(actor, i)))
        visible.push({ id: h.incidentId, number: h.number, status: h.status });
    }
    const proposals = [];
    for (const p of await this.#proposalViews({ alertId, status: ['open'] })) {
      const i = await this.store.incidents.get(p.incidentId);
      if (i && (await this.#visible(actor, i))) proposals.push(p);
    }
    return { alertId, incidents: visible, proposals };
  }

  async #proposalOf(incident: IncidentRecord, proposalId: string): Promise<IncidentProposal> {
    const p = await this.store.incidents.proposal(proposalId);
    if (!p || p.incidentId !== incident.id)
      throw new NotFoundError(`${incident.number} has no proposal '${proposalId}'.`);
    if (p.status !== 'open')
      throw new ConflictError(
        `The proposal was already ${p.status}${p.decidedBy ? ` by ${p.decidedBy}` : ''}.`,
      );
    return p;
  }

  /** Attaches a proposed alert. */
  async acceptProposal(ref: string, proposalId: string, actor: Actor): Promise<IncidentDetail> {
    this.#staffOnly(actor, 'accepting a proposal');
    const incident = await this.#find(ref);
    const p = await this.#proposalOf(incident, proposalId);
    const detail = await this.attachAlerts(incident.id, [p.alertId], actor);
    await this.store.incidents.decideProposal(
      p.id,
      'accepted',
      this.clock.now().toISOString(),
      by(actor),
    );
    await this.audit.record(actor, {
      action: 'incident.proposal.accept',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Accepted the proposal to attach alert ${p.alertId} (${p.reasons.map((r) => r.label).join('; ')})`,
        proposal: p.id,
        alert: p.alertId,
      },
    });
    return detail;
  }

  async dismissProposal(ref: string, proposalId: string, actor: Actor): Promise<ProposalView> {
    this.#staffOnly(actor, 'dismissing a proposal');
    const incident = await this.#find(ref);
    const p = await this.#proposalOf(incident, proposalId);
    await this.store.incidents.decideProposal(
      p.id,
      'dismissed',
      this.clock.now().toISOString(),
      by(actor),
    );
    await this.audit.record(actor, {
      action: 'incident.proposal.dismiss',
      target: target(incident),
      details: {
        number: incident.number,
        summary: `Dismissed the proposal to attach alert ${p.alertId}`,
        proposal: p.id,
        alert: p.alertId,
      },
    });
    return (await this.#proposalViews({ incidentId: incident.id })).find((x) => x.id === p.id)!;
  }

  // ---- metrics ----

  /**
   * Response times of the incidents opened in [from, to): per incident, and medians per
   * department (of the owner and assignees) and per person (owner and assignees). Incidents
   * merged into another are left out: they are counted there.
   */
  async metrics(range: { from?: string; to?: string }, actor: Actor): Promise<IncidentMetrics> {
    const scope = ownerScope(actor);
    if (scope !== undefined)
      throw new ForbiddenError('Response metrics are for analysts, admins and auditors.');
    const now = this.clock.now();
    const to = range.to ? checkTime('to', range.to) : now.toISOString();
    const from = range.from
      ? checkTime('from', range.from)
      : new Date(Date.parse(to) - 90 * 86_400_000).toISOString();
    if (from >= to) throw invalid('from', 'from must be before to.', from);
    const incidents: IncidentRecord[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.store.incidents.list({
        createdFrom: from,
        createdTo: to,
        limit: 1000,
        ...(before !== undefined && { beforeSeq: before }),
      });
      incidents.push(...page.filter((i) => i.mergedIntoId === null));
      if (page.length < 1000) break;
      before = page.at(-1)!.seq;
    }
    const users = new Map((await this.store.users.list()).map((u) => [u.id, u]));
    const rows = [];
    for (const i of incidents) {
      const people = [
        ...new Set([
          ...(i.ownerId ? [i.ownerId] : []),
          ...(await this.store.incidents.links(i.id)).assignees.map((a) => a.userId),
        ]),
      ].flatMap((id) => (users.has(id) ? [users.get(id)!] : []));
      rows.push({ times: incidentTimes(i), people });
    }
    const times = rows.map((r) => r.times);
    return {
      from,
      to,
      incidents: times,
      overall: groupTimes(times.map((t) => ({ times: t, groups: ['all'] })))[0] ?? {
        name: 'all',
        incidents: 0,
        medianMinutesToAcknowledge: null,
        medianMinutesToContain: null,
        medianMinutesToClose: null,
      },
      byDepartment: groupTimes(
        rows.map((r) => ({
          times: r.times,
          groups: r.people.length
            ? r.people.map((p) => p.department ?? '(no department)')
            : ['(unassigned)'],
        })),
      ),
      byPerson: groupTimes(
        rows.map((r) => ({ times: r.times, groups: r.people.map((p) => p.username) })),
      ),
    };
  }
}

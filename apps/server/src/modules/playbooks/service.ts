import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import {
  ConflictError,
  INCIDENT_SEVERITIES,
  NotFoundError,
  ValidationError,
  type Clock,
  type Role,
} from '@prahari/core';
import type {
  AlertRecord,
  PlaybookRow,
  PlaybookRunQuery,
  PlaybookRunRecord,
  RunStepRecord,
  Store,
} from '@prahari/store';
import type { Config } from '../../config/index.js';
import type { Actor, AuditService } from '../audit/service.js';
import type { BlockListService } from '../blocklist/service.js';
import type { IndicatorService } from '../indicators/service.js';
import type { NotificationService, NotifyTarget } from '../notifications/service.js';
import { DeliveryError, postWithRetries } from '../notifications/webhook.js';
import type { IncidentActions, IncidentChange, IncidentSubject } from '../response/incidents.js';
import {
  ALERT_LEVELS,
  describeProblems,
  needsApproval,
  parsePlaybook,
  type AlertTrigger,
  type IncidentTrigger,
  type Playbook,
  type PlaybookProblem,
  type StepOf,
  type Trigger,
} from './definition.js';
import {
  PlaybookRunner,
  StepFailed,
  playbookPrincipal,
  type StepExecution,
  type StepExecutors,
  type StepOutputs,
} from './runner.js';

export type PlaybookOriginView = 'built-in' | 'uploaded';

/** A playbook as the API lists it. */
export interface PlaybookView {
  id: string;
  title: string;
  description: string | null;
  origin: PlaybookOriginView;
  enabled: boolean;
  trigger: Trigger;
  steps: { action: string; name: string | null; needsApproval: boolean }[];
  createdBy: string | null;
  createdAt: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface PlaybookDetail extends PlaybookView {
  /** the playbook file, its secret hidden */
  yaml: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: PlaybookProblem[];
  playbook: { id: string; title: string; trigger: Trigger; steps: number } | null;
}

interface Loaded {
  playbook: Playbook;
  yaml: string;
  origin: PlaybookOriginView;
  row: PlaybookRow | null;
}

const rank = (list: readonly string[], value: string) => list.indexOf(value);

/** Whether an alert that has just opened sets off an alert trigger. */
export function alertTriggers(trigger: AlertTrigger, alert: AlertRecord): boolean {
  if (trigger.kind !== undefined && alert.kind !== trigger.kind) return false;
  if (
    trigger.minSeverity !== undefined &&
    rank(ALERT_LEVELS, alert.severity) < rank(ALERT_LEVELS, trigger.minSeverity)
  )
    return false;
  if (trigger.rule !== undefined) {
    const rules = listOf(trigger.rule).map((r) => r.toLowerCase());
    if (
      !rules.includes(alert.ruleId.toLowerCase()) &&
      !rules.includes(alert.ruleTitle.toLowerCase())
    )
      return false;
  }
  return true;
}

const listOf = (v: unknown): string[] => [v].flat().map(String);

/** Whether an incident change sets off an incident trigger. */
export function incidentTriggers(trigger: IncidentTrigger, change: IncidentChange): boolean {
  if (trigger.when !== change.kind) return false;
  const { incident } = change;
  if (
    trigger.certInType !== undefined &&
    !(incident.certInType !== null && listOf(trigger.certInType).includes(incident.certInType))
  )
    return false;
  if (
    trigger.minSeverity !== undefined &&
    rank(INCIDENT_SEVERITIES, incident.severity) < rank(INCIDENT_SEVERITIES, trigger.minSeverity)
  )
    return false;
  if (trigger.status !== undefined && !listOf(trigger.status).includes(incident.status))
    return false;
  return true;
}

/** The playbook file with its secret replaced, comments and layout kept. */
function withoutSecret(yaml: string): string {
  const doc = parseDocument(yaml);
  if (!doc.has('secret')) return yaml;
  doc.set('secret', '(hidden)');
  return doc.toString();
}

/** `expiresInHours` as an age the indicator and block-list services read. */
const ageOf = (hours: number | undefined) =>
  hours === undefined ? null : `${Math.max(1, Math.round(hours * 60))}m`;

function str(inputs: Record<string, unknown>, key: string): string | undefined {
  const v = inputs[key];
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

function num(inputs: Record<string, unknown>, key: string): number | undefined {
  const v = inputs[key];
  return typeof v === 'number' ? v : undefined;
}

/** A line naming the subject of a run, for messages. */
export function subjectLine(run: PlaybookRunRecord): string {
  const alert = run.context.alert as AlertRecord | undefined;
  if (alert)
    return `alert '${alert.ruleTitle}' (${alert.severity})${alert.sourceIp ? ` from ${alert.sourceIp}` : ''}${alert.asset ? ` on ${alert.asset.name}` : ''}`;
  const incident = run.context.incident as IncidentSubject | undefined;
  if (incident) return `incident '${incident.title}' (${incident.severity}, ${incident.status})`;
  return `${run.subjectKind} ${run.subjectId}`;
}

/** What a waiting step will do, in a few words. */
function stepSummary(step: RunStepRecord): string {
  const inputs = step.inputs ?? {};
  const target = str(inputs, 'value') ?? str(inputs, 'url') ?? str(inputs, 'channel') ?? '';
  return `${step.action}${target ? ` ${target}` : ''}`;
}

export interface PlaybookServiceDeps {
  store: Store;
  audit: AuditService;
  clock: Clock;
  indicators: IndicatorService;
  blocklist: BlockListService;
  notifications: NotificationService;
  webhook: Config['response']['webhook'];
  /** Prahari's own playbooks (apps/server/playbooks) */
  builtInDir: string;
  log: { error(obj: object, msg: string): void };
  newId?: () => string;
}

/**
 * Response playbooks: Prahari's own (files, enabled or disabled by people) and uploaded ones
 * (stored), started by newly opened alerts, incident changes or a person, and carried out by the
 * runner with approval where a step acts on city systems.
 */
export class PlaybookService {
  readonly runner: PlaybookRunner;
  #builtIn = new Map<string, { playbook: Playbook; yaml: string }>();
  #loaded = new Map<string, Loaded>();
  #incidents: IncidentActions | null = null;
  readonly #newId: () => string;

  constructor(private readonly deps: PlaybookServiceDeps) {
    this.#newId = deps.newId ?? randomUUID;
    this.runner = new PlaybookRunner({
      runs: deps.store.playbookRuns,
      executors: this.#executors(),
      audit: deps.audit,
      clock: deps.clock,
      newId: this.#newId,
      onAwaitingApproval: (run, step) => this.#askApproval(run, step),
      log: deps.log,
    });
  }

  /** Reads the built-in playbooks and the stored ones; a broken built-in file is a bug. */
  async load(): Promise<void> {
    for (const file of readdirSync(this.deps.builtInDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      const yaml = readFileSync(join(this.deps.builtInDir, file), 'utf8');
      const parsed = parsePlaybook(yaml);
      if (!parsed.ok)
        throw new Error(`built-in playbook ${file} is invalid: ${describeProblems(parsed.errors)}`);
      this.#builtIn.set(parsed.playbook.id, { playbook: parsed.playbook, yaml });
    }
    await this.#reload();
  }

  async #reload(): Promise<void> {
    const rows = new Map((await this.deps.store.playbooks.list()).map((r) => [r.id, r]));
    const loaded = new Map<string, Loaded>();
    for (const [id, b] of this.#builtIn)
      loaded.set(id, { ...b, origin: 'built-in', row: rows.get(id) ?? null });
    for (const row of rows.values()) {
      if (row.origin !== 'uploaded' || row.yaml === null) continue;
      const parsed = parsePlaybook(row.yaml);
      if (!parsed.ok) {
        this.deps.log.error(
          { playbook: row.id, errors: parsed.errors },
          'stored playbook no longer valid; not loaded',
        );
        continue;
      }
      loaded.set(row.id, { playbook: parsed.playbook, yaml: row.yaml, origin: 'uploaded', row });
    }
    this.#loaded = loaded;
  }

  /** Connects the incident service: incident steps and incident triggers work from now on. */
  connectIncidents(incidents: IncidentActions): void {
    this.#incidents = incidents;
  }

  // ---- the library --------------------------------------------------------------------------

  #view(l: Loaded): PlaybookView {
    return {
      id: l.playbook.id,
      title: l.playbook.title,
      description: l.playbook.description ?? null,
      origin: l.origin,
      // Prahari's own playbooks start disabled: response is something a city turns on.
      enabled: l.row?.enabled ?? false,
      trigger: l.playbook.trigger,
      steps: l.playbook.steps.map((s) => ({
        action: s.action,
        name: s.name ?? null,
        needsApproval: needsApproval(s),
      })),
      createdBy: l.row?.createdBy ?? null,
      createdAt: l.row?.createdAt ?? null,
      updatedBy: l.row?.updatedBy ?? null,
      updatedAt: l.row?.updatedAt ?? null,
    };
  }

  #find(id: string): Loaded {
    const l = this.#loaded.get(id);
    if (!l) throw new NotFoundError(`There is no playbook '${id}'.`);
    return l;
  }

  list(): PlaybookView[] {
    return [...this.#loaded.values()]
      .map((l) => this.#view(l))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  get(id: string): PlaybookDetail {
    const l = this.#find(id);
    return { ...this.#view(l), yaml: withoutSecret(l.yaml) };
  }

  validate(yaml: string): ValidationReport {
    const parsed = parsePlaybook(yaml);
    if (!parsed.ok) return { valid: false, errors: parsed.errors, playbook: null };
    const p = parsed.playbook;
    return {
      valid: true,
      errors: [],
      playbook: { id: p.id, title: p.title, trigger: p.trigger, steps: p.steps.length },
    };
  }

  /** Stores an uploaded playbook after checking it; `replace` to change one of the same id. */
  async upload(
    actor: Actor,
    input: { yaml: string; replace?: boolean | undefined; enabled?: boolean | undefined },
  ): Promise<PlaybookDetail> {
    const parsed = parsePlaybook(input.yaml);
    if (!parsed.ok)
      throw new ValidationError(`The playbook was not saved: ${describeProblems(parsed.errors)}.`, {
        errors: parsed.errors,
      });
    const { playbook } = parsed;
    if (this.#builtIn.has(playbook.id))
      throw new ConflictError(
        `'${playbook.id}' is one of Prahari's own playbooks: give yours another id.`,
      );
    const existing =
      this.#loaded.get(playbook.id)?.row ?? (await this.deps.store.playbooks.get(playbook.id));
    if (existing && !input.replace)
      throw new ConflictError(
        `A playbook '${playbook.id}' exists (uploaded by ${existing.createdBy} at ${existing.createdAt}): send replace: true to replace it.`,
      );
    const now = this.deps.clock.now().toISOString();
    const by = actor.principal?.name ?? 'system';
    const enabled = input.enabled ?? existing?.enabled ?? true;
    await this.deps.store.playbooks.save({
      id: playbook.id,
      origin: 'uploaded',
      yaml: input.yaml,
      enabled,
      createdBy: existing?.createdBy ?? by,
      createdAt: existing?.createdAt ?? now,
      updatedBy: by,
      updatedAt: now,
    });
    await this.#reload();
    await this.deps.audit.record(actor, {
      action: 'playbook.upload',
      target: `playbook:${playbook.id}`,
      details: {
        title: playbook.title,
        trigger: playbook.trigger,
        steps: playbook.steps.map((s) => s.action),
        enabled,
        replaced: existing !== undefined,
      },
    });
    return this.get(playbook.id);
  }

  async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<PlaybookView> {
    const l = this.#find(id);
    const now = this.deps.clock.now().toISOString();
    const by = actor.principal?.name ?? 'system';
    await this.deps.store.playbooks.save({
      id,
      origin: l.origin,
      yaml: l.origin === 'uploaded' ? l.yaml : null,
      enabled,
      createdBy: l.row?.createdBy ?? by,
      createdAt: l.row?.createdAt ?? now,
      updatedBy: by,
      updatedAt: now,
    });
    await this.#reload();
    await this.deps.audit.record(actor, {
      action: enabled ? 'playbook.enable' : 'playbook.disable',
      target: `playbook:${id}`,
      details: { title: l.playbook.title, origin: l.origin },
    });
    return this.#view(this.#find(id));
  }

  async delete(actor: Actor, id: string): Promise<PlaybookView> {
    const l = this.#find(id);
    if (l.origin === 'built-in')
      throw new ConflictError(`'${id}' is one of Prahari's own playbooks: disable it instead.`);
    const view = this.#view(l);
    await this.deps.store.playbooks.delete(id);
    await this.#reload();
    await this.deps.audit.record(actor, {
      action: 'playbook.delete',
      target: `playbook:${id}`,
      details: { title: l.playbook.title },
    });
    return view;
  }

  // ---- runs ---------------------------------------------------------------------------------

  runs(query: PlaybookRunQuery): Promise<PlaybookRunRecord[]> {
    return this.deps.store.playbookRuns.list(query);
  }

  async run(id: string): Promise<PlaybookRunRecord> {
    const run = await this.deps.store.playbookRuns.get(id);
    if (!run) throw new NotFoundError(`There is no playbook run ${id}.`);
    return run;
  }

  approve(actor: Actor, runId: string, step: number, note?: string): Promise<PlaybookRunRecord> {
    return this.runner.approve(actor, runId, step - 1, note);
  }

  reject(actor: Actor, runId: string, step: number, reason?: string): Promise<PlaybookRunRecord> {
    return this.runner.reject(actor, runId, step - 1, reason);
  }

  /** A person runs a playbook (enabled or not) against an alert or an incident. */
  async runManually(
    actor: Actor,
    id: string,
    subject: { alertId?: string | undefined; incidentId?: string | undefined },
  ): Promise<PlaybookRunRecord> {
    const { playbook } = this.#find(id);
    const on = playbook.trigger.on;
    if ((subject.alertId === undefined) === (subject.incidentId === undefined))
      throw new ValidationError('Name the subject of the run: alertId or incidentId (one).');
    if (subject.alertId !== undefined) {
      if (on === 'incident')
        throw new ValidationError(
          `Playbook '${id}' works on incidents (its trigger is on: incident): give incidentId.`,
        );
      const alert = await this.deps.store.alerts.get(subject.alertId);
      if (!alert) throw new NotFoundError(`There is no alert ${subject.alertId}.`);
      return this.runner.start({
        playbook,
        trigger: 'manual',
        subject: { kind: 'alert', id: alert.id },
        context: await this.#alertContext(alert),
        actor,
      });
    }
    if (on === 'alert')
      throw new ValidationError(
        `Playbook '${id}' works on alerts (its trigger is on: alert): give alertId.`,
      );
    const incident = await this.#requireIncidents('a run on an incident').get(subject.incidentId!);
    return this.runner.start({
      playbook,
      trigger: 'manual',
      subject: { kind: 'incident', id: incident.id },
      context: await this.#incidentContext(incident),
      actor,
    });
  }

  /** Starts the enabled alert playbooks that newly opened alerts set off. */
  async onAlertsOpened(alerts: readonly AlertRecord[]): Promise<void> {
    for (const l of this.#loaded.values()) {
      const trigger = l.playbook.trigger;
      if (!l.row?.enabled || trigger.on !== 'alert') continue;
      for (const alert of alerts.filter((a) => alertTriggers(trigger, a))) {
        await this.runner.start({
          playbook: l.playbook,
          trigger: 'alert',
          subject: { kind: 'alert', id: alert.id },
          context: await this.#alertContext(alert),
          actor: { principal: playbookPrincipal(l.playbook.id), ip: null },
        });
      }
    }
  }

  /** Starts the enabled incident playbooks an incident change sets off. */
  async onIncidentChange(change: IncidentChange): Promise<void> {
    for (const l of this.#loaded.values()) {
      const trigger = l.playbook.trigger;
      if (!l.row?.enabled || trigger.on !== 'incident' || !incidentTriggers(trigger, change))
        continue;
      await this.runner.start({
        playbook: l.playbook,
        trigger: 'incident',
        subject: { kind: 'incident', id: change.incident.id },
        context: await this.#incidentContext(change.incident),
        actor: { principal: playbookPrincipal(l.playbook.id), ip: null },
      });
    }
  }

  async #alertContext(alert: AlertRecord): Promise<Record<string, unknown>> {
    const asset = alert.asset
      ? ((await this.deps.store.assets.get(alert.asset.id)) ?? alert.asset)
      : null;
    return { alert, ...(asset && { asset }) };
  }

  async #incidentContext(incident: IncidentSubject): Promise<Record<string, unknown>> {
    const first = incident.assetIds?.[0];
    const asset = first ? await this.deps.store.assets.get(first) : undefined;
    return { incident, ...(asset && { asset }) };
  }

  #requireIncidents(what: string): IncidentActions {
    if (!this.#incidents)
      throw new ConflictError(
        `${what} needs the incident service, which is not connected to playbooks on this server.`,
      );
    return this.#incidents;
  }

  async #askApproval(run: PlaybookRunRecord, step: RunStepRecord): Promise<void> {
    const summary = stepSummary(step);
    await this.deps.notifications.publish(
      {
        event: 'playbook.approval',
        subject: `Approval needed: ${run.playbookTitle}: ${summary}`,
        text:
          `Playbook '${run.playbookTitle}' waits at step ${step.index + 1} (${summary}) for an analyst's decision.\n` +
          `It runs on ${subjectLine(run)}.\n` +
          `Inputs: ${JSON.stringify(step.inputs)}\n` +
          `Approve: POST /api/v1/playbooks/runs/${run.id}/steps/${step.index + 1}/approve\n` +
          `Reject:  POST /api/v1/playbooks/runs/${run.id}/steps/${step.index + 1}/reject`,
        data: {
          runId: run.id,
          playbook: run.playbookId,
          step: step.index + 1,
          action: step.action,
          inputs: step.inputs,
        },
      },
      { roles: ['admin', 'analyst'] },
    );
  }

  // ---- what steps do ------------------------------------------------------------------------

  /** The incident a step acts on: the run's own, or the one holding the run's alert. */
  async #incidentOf(e: StepExecution): Promise<{ id: string; opened: boolean }> {
    const incidents = this.#requireIncidents(`${e.step.action}`);
    if (e.run.subjectKind === 'incident') return { id: e.run.subjectId, opened: false };
    return incidents.incidentForAlert(e.run.subjectId, e.actor);
  }

  #executors(): StepExecutors {
    return {
      add_indicator: async (e) => {
        const step = e.step as StepOf<'add_indicator'>;
        const value = str(e.inputs, 'value')!;
        const result = await this.deps.indicators.add(e.actor, [
          {
            value,
            type: step.type,
            source: str(e.inputs, 'source') ?? `playbook ${e.playbook.id}`,
            tlp: step.tlp,
            expiresAt: ageOf(num(e.inputs, 'expiresInHours')),
            description:
              str(e.inputs, 'description') ??
              `Added by playbook '${e.playbook.title}' (run ${e.run.id}) on ${subjectLine(e.run)}`,
          },
        ]);
        const indicator = result.indicators[0]!;
        return {
          indicator: { id: indicator.id, type: indicator.type, value: indicator.value },
          added: result.added === 1,
        };
      },
      block_ip: async (e) => {
        const { entry, added } = await this.deps.blocklist.add(
          e.actor,
          {
            value: str(e.inputs, 'value')!,
            reason:
              str(e.inputs, 'reason') ??
              `${e.playbook.title} (playbook run ${e.run.id}) on ${subjectLine(e.run)}`,
            expiresAt: ageOf(num(e.inputs, 'expiresInHours')),
          },
          { runId: e.run.id },
        );
        return { entry: { id: entry.id, value: entry.value, expiresAt: entry.expiresAt }, added };
      },
      webhook: (e) => this.#webhook(e),
      notify: (e) => this.#notify(e),
      create_task: async (e) => {
        const incidents = this.#requireIncidents('create_task');
        const assignee = str(e.inputs, 'assignee');
        let assigneeId: string | undefined;
        if (assignee !== undefined) {
          const user = await this.deps.store.users.findByUsername(assignee);
          if (!user)
            throw new ValidationError(`There is no user '${assignee}' to give the task to.`);
          assigneeId = user.id;
        }
        const hours = num(e.inputs, 'dueInHours');
        const dueAt =
          hours === undefined
            ? undefined
            : new Date(this.deps.clock.now().getTime() + hours * 3_600_000).toISOString();
        const incident = await this.#incidentOf(e);
        const task = await incidents.addTask(
          incident.id,
          {
            title: str(e.inputs, 'title')!,
            ...(assigneeId !== undefined && { assigneeId }),
            ...(dueAt !== undefined && { dueAt }),
          },
          e.actor,
        );
        return {
          incidentId: incident.id,
          openedIncident: incident.opened,
          task: { id: task.id, dueAt: dueAt ?? null, assignee: assignee ?? null },
        };
      },
      assign_owner: async (e) => {
        const incidents = this.#requireIncidents('assign_owner');
        const incident = await this.#incidentOf(e);
        const assigned = await incidents.assignOwnersOfAffectedAssets(incident.id, e.actor);
        return {
          incidentId: incident.id,
          openedIncident: incident.opened,
          assigned: [...assigned],
        };
      },
    };
  }

  async #webhook(e: StepExecution): Promise<StepOutputs> {
    const step = e.step as StepOf<'webhook'>;
    let url = str(e.inputs, 'url');
    let secret: string | null = e.playbook.secret ?? null;
    let channelName: string | null = null;
    if (step.channel !== undefined) {
      const name = str(e.inputs, 'channel')!;
      const matches = (await this.deps.store.notificationChannels.list()).filter(
        (c) => c.kind === 'webhook' && (c.id === name || c.name === name),
      );
      if (matches.length !== 1)
        throw new ValidationError(
          matches.length === 0
            ? `There is no webhook channel '${name}'.`
            : `${matches.length} webhook channels are named '${name}': name it by id.`,
        );
      url = matches[0]!.address;
      secret = matches[0]!.secret;
      channelName = matches[0]!.name;
    }
    const body =
      e.inputs.body !== undefined
        ? e.inputs.body
        : {
            playbook: { id: e.playbook.id, title: e.playbook.title },
            run: e.run.id,
            step: e.index + 1,
            subject: { kind: e.run.subjectKind, id: e.run.subjectId },
            ...(e.run.context.alert !== undefined && { alert: e.run.context.alert }),
            ...(e.run.context.incident !== undefined && { incident: e.run.context.incident }),
          };
    const target = { url: url!, ...(channelName && { channel: channelName }) };
    const { timeoutMs, attempts, retryBaseMs } = this.deps.webhook;
    try {
      const log = await postWithRetries(url!, body, {
        secret,
        timeoutMs,
        attempts,
        retryBaseMs,
        deliveryId: `${e.run.id}.${e.index + 1}`,
        clock: this.deps.clock,
        onAttempt: (so) => e.progress(so.length, { ...target, attempts: so }),
      });
      return { ...target, signed: secret !== null, attempts: log };
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      throw new StepFailed(`POST ${url}: ${err.message}`, { ...target, attempts: err.attempts });
    }
  }

  async #notify(e: StepExecution): Promise<StepOutputs> {
    const step = e.step as StepOf<'notify'>;
    const target: NotifyTarget =
      step.channel !== undefined
        ? { channel: str(e.inputs, 'channel')! }
        : step.role !== undefined
          ? { role: step.role as Role }
          : { user: str(e.inputs, 'user')! };
    const about = subjectLine(e.run);
    const results = await this.deps.notifications.sendTo(target, {
      event: 'playbook.notify',
      subject: str(e.inputs, 'subject') ?? `${e.playbook.title}: ${about}`,
      text:
        str(e.inputs, 'message') ?? `Playbook '${e.playbook.title}' (run ${e.run.id}) on ${about}.`,
      data: {
        playbook: e.playbook.id,
        run: e.run.id,
        subject: { kind: e.run.subjectKind, id: e.run.subjectId },
      },
    });
    const outputs = { deliveries: results };
    if (!results.some((r) => r.delivered))
      throw new StepFailed(
        `no channel took the message (${results.map((r) => `${r.channel.name}: ${r.error}`).join('; ')}); failed deliveries are retried in the background`,
        outputs,
      );
    return outputs;
  }
}

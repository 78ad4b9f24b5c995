import { randomUUID } from 'node:crypto';
import { SYSTEM_PRINCIPAL, type Clock } from '@prahari/core';
import type { AlertRecord, ProposalReason, Store } from '@prahari/store';
import type { Actor } from '../audit/service.js';
import { alertObservables, normaliseObservable } from './observables.js';
import {
  severityRank,
  titleOfAlert,
  type IncidentService,
  type IncidentSettings,
} from './service.js';

/** Alerts waiting to be grouped at most; beyond, the oldest are let go (and counted in the log). */
const QUEUE_MAX = 10_000;
const BATCH = 100;
const SYSTEM: Actor = { principal: SYSTEM_PRINCIPAL, ip: null };
/** Earlier alerts an incident opened automatically takes in with its alert, at most. */
const RELATED_MAX = 200;

/**
 * Grouping: each new alert that shares an asset, its source address or another observable with
 * an open incident is proposed for it, for a person to accept or dismiss; when an auto-attach
 * rule of the configuration matches, it is attached at once (audited as the system). A new alert
 * no open incident is proposed for opens one when it is at least `autoOpen.minSeverity`, so the
 * rest of the same attack is then proposed for (or attached to) that incident rather than opening
 * more. Alerts are taken from the detection stream and handled one at a time, after detection
 * has committed them.
 */
export class IncidentGrouping {
  #queue: AlertRecord[] = [];
  #draining: Promise<void> | null = null;
  #dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly incidents: IncidentService,
    private readonly settings: Pick<IncidentSettings, 'autoAttach' | 'autoOpen'>,
    private readonly clock: Clock,
    private readonly log: { error(obj: object, msg: string): void },
  ) {}

  /** Alert changes from the detection stream; only alerts still `new` are considered. */
  handle(alerts: readonly AlertRecord[]): void {
    for (const a of alerts) if (a.status === 'new') this.#queue.push(a);
    if (this.#queue.length > QUEUE_MAX) {
      this.#dropped += this.#queue.length - QUEUE_MAX;
      this.#queue.splice(0, this.#queue.length - QUEUE_MAX);
      this.log.error(
        { dropped: this.#dropped },
        'incident grouping fell behind; oldest alerts skipped',
      );
    }
    this.#kick();
  }

  #kick(): void {
    if (this.#draining || this.#queue.length === 0) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      let batch = this.#queue.splice(0, BATCH);
      // with no open incident there is nothing to group into, only alerts that open one: a busy
      // detection costs one query
      if (!(await this.store.incidents.anyOpen())) batch = batch.filter((a) => this.#opens(a));
      for (const alert of batch) {
        try {
          await this.consider(alert);
        } catch (err) {
          this.log.error({ err, alert: alert.id }, 'incident grouping failed for an alert');
        }
      }
    }
  }

  /** Resolves once every alert handed over so far has been considered. */
  async whenIdle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Whether the alert is severe enough to open an incident by itself. */
  #opens(alert: AlertRecord): boolean {
    const min = this.settings.autoOpen.minSeverity;
    return min !== 'off' && severityRank(alert.severity) >= severityRank(min);
  }

  /** Proposes (and, by the rules, attaches) one alert, or opens an incident for it. */
  async consider(alert: AlertRecord): Promise<void> {
    const holders = (await this.store.incidents.incidentsOfAlerts([alert.id])).get(alert.id) ?? [];
    if (holders.some((h) => h.status !== 'closed')) return;
    const observables = alertObservables(alert);
    const candidates = await this.store.incidents.openTouching({
      assetIds: alert.asset ? [alert.asset.id] : [],
      observables,
    });
    if (candidates.length === 0) {
      if (this.#opens(alert)) await this.#open(alert);
      return;
    }
    const source = alert.sourceIp ? normaliseObservable('ip', alert.sourceIp) : null;
    const now = this.clock.now().toISOString();
    const proposals: { id: string; incidentId: string; reasons: ProposalReason[] }[] = [];
    for (const c of candidates) {
      const reasons: ProposalReason[] = c.shared.map((s) =>
        s.kind === 'asset'
          ? { kind: 'asset', value: s.value, label: `asset ${alert.asset?.name ?? s.value}` }
          : s.type === 'ip' && source?.ok && source.value === s.value
            ? { kind: 'source_ip', value: s.value, label: `source IP ${s.value}` }
            : { kind: 'observable', value: `${s.type}:${s.value}`, label: `${s.type} ${s.value}` },
      );
      const id = randomUUID();
      const added = await this.store.incidents.propose({
        id,
        incidentId: c.incidentId,
        alertId: alert.id,
        reasons,
        status: 'open',
        createdAt: now,
      });
      const existing = added
        ? id
        : (await this.store.incidents.proposals({ incidentId: c.incidentId, alertId: alert.id }))[0]
            ?.id;
      if (existing) proposals.push({ id: existing, incidentId: c.incidentId, reasons });
    }
    const chosen = await this.#autoAttachTarget(alert, proposals);
    if (!chosen) return;
    await this.incidents.attachAlerts(chosen.incidentId, [alert.id], SYSTEM, {
      reasons: chosen.reasons.map((r) => r.label),
    });
    await this.store.incidents.decideProposal(chosen.id, 'attached', now, SYSTEM_PRINCIPAL.name);
  }

  /** The incident an auto-attach rule puts the alert in: the one sharing most, newest first. */
  async #autoAttachTarget(
    alert: AlertRecord,
    proposals: { id: string; incidentId: string; reasons: ProposalReason[] }[],
  ): Promise<{ id: string; incidentId: string; reasons: ProposalReason[] } | null> {
    const r = this.settings.autoAttach;
    const matching = proposals.filter((p) =>
      p.reasons.some(
        (x) =>
          (r.sameAsset && x.kind === 'asset') ||
          (r.sameSourceIp && x.kind === 'source_ip') ||
          (r.sameObservable && x.kind !== 'asset'),
      ),
    );
    if (matching.length === 0) return null;
    const incidents = new Map(
      (await this.store.incidents.getMany(matching.map((m) => m.incidentId))).map((i) => [i.id, i]),
    );
    const lastSeen = await this.store.incidents.lastAlertSeen(matching.map((m) => m.incidentId));
    const window = r.withinHours * 3_600_000;
    const recent = matching.filter((m) => {
      const incident = incidents.get(m.incidentId);
      if (!incident || incident.status === 'closed') return false;
      const last = lastSeen.get(m.incidentId) ?? incident.createdAt;
      return Date.parse(alert.firstSeen) - Date.parse(last) <= window;
    });
    recent.sort(
      (a, b) =>
        b.reasons.length - a.reasons.length ||
        incidents.get(b.incidentId)!.seq - incidents.get(a.incidentId)!.seq,
    );
    return recent[0] ?? null;
  }

  /**
   * Opens an incident for the alert, audited as the system. When auto-attach by asset is on, it
   * takes in the attack's earlier alerts that were not severe enough to open one: those still new
   * on the same asset, seen since `withinHours` before it and in no open incident. (Not by source
   * address: events without one of their own carry the sender's, often a log collector's.)
   */
  async #open(alert: AlertRecord): Promise<void> {
    const r = this.settings.autoAttach;
    const from = new Date(Date.parse(alert.firstSeen) - r.withinHours * 3_600_000).toISOString();
    const earlier =
      r.sameAsset && alert.asset
        ? (
            await this.store.alerts.list({
              assetId: alert.asset.id,
              status: ['new'],
              from,
              limit: RELATED_MAX,
            })
          ).filter((a) => a.id !== alert.id)
        : [];
    const holders = await this.store.incidents.incidentsOfAlerts(earlier.map((a) => a.id));
    const free = earlier
      .map((a) => a.id)
      .filter((id) => !(holders.get(id) ?? []).some((h) => h.status !== 'closed'));
    const min = this.settings.autoOpen.minSeverity;
    await this.incidents.create(
      {
        alertIds: [alert.id, ...free],
        title: titleOfAlert(alert),
      },
      SYSTEM,
      {
        reason: `${alert.severity} alert ${alert.ruleTitle}, at or above incidents.autoOpen.minSeverity ${min}, that no open incident takes`,
      },
    );
  }
}

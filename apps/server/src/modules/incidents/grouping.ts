import { randomUUID } from 'node:crypto';
import { SYSTEM_PRINCIPAL, type Clock } from '@prahari/core';
import type { AlertRecord, ProposalReason, Store } from '@prahari/store';
import type { Actor } from '../audit/service.js';
import { alertObservables, normaliseObservable } from './observables.js';
import type { IncidentService, IncidentSettings } from './service.js';

/** Alerts waiting to be grouped at most; beyond, the oldest are let go (and counted in the log). */
const QUEUE_MAX = 10_000;
const BATCH = 100;
const SYSTEM: Actor = { principal: SYSTEM_PRINCIPAL, ip: null };

/**
 * Grouping: each new alert that shares an asset, its source address or another observable with
 * an open incident is proposed for it, for a person to accept or dismiss; when an auto-attach
 * rule of the configuration matches, it is attached at once (audited as the system). Alerts are
 * taken from the detection stream and handled one at a time, after detection has committed them.
 */
export class IncidentGrouping {
  #queue: AlertRecord[] = [];
  #draining: Promise<void> | null = null;
  #dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly incidents: IncidentService,
    private readonly rules: IncidentSettings['autoAttach'],
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
      const batch = this.#queue.splice(0, BATCH);
      // with no open incident there is nothing to group into: a busy detection costs one query
      if (!(await this.store.incidents.anyOpen())) continue;
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

  /** Proposes (and, by the rules, attaches) one alert. */
  async consider(alert: AlertRecord): Promise<void> {
    const holders = (await this.store.incidents.incidentsOfAlerts([alert.id])).get(alert.id) ?? [];
    if (holders.some((h) => h.status !== 'closed')) return;
    const observables = alertObservables(alert);
    const candidates = await this.store.incidents.openTouching({
      assetIds: alert.asset ? [alert.asset.id] : [],
      observables,
    });
    if (candidates.length === 0) return;
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
    const r = this.rules;
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
}

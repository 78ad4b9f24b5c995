/**
 * An incident's reports, built from what Prahari knows of it: its detail (alerts, assets,
 * timeline, clocks, cascade), the asset register, the rules' descriptions, the reporting settings,
 * the raw archive's lines for the period, and what people wrote for the reports (the DPDP
 * particulars, the review, how it was found). The renderers themselves are pure (see index.ts).
 */
import { ConflictError, type Clock } from '@prahari/core';
import type { Store } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import type { IncidentDetail, IncidentService } from '../incidents/service.js';
import type { SettingsService } from '../settings/service.js';
import { certInReport, renderCertInPdf } from './cert-in.js';
import {
  dpdpBoardIntimation,
  dpdpPrincipalNotice,
  renderDpdpBoardIntimationPdf,
  renderDpdpPrincipalNoticePdf,
} from './dpdp.js';
import type {
  AffectedService,
  AffectedSystem,
  AtRisk,
  PersonalDataBreachFacts,
  ReportFacts,
  ReviewFacts,
} from './facts.js';
import { gatherLogs, logCriteria, logPeriod, type ArchiveReader } from './logs.js';
import { renderPostIncidentPdf } from './post-incident.js';
import { reportBundle } from './bundle.js';

/** What people write for the reports; each part is replaced whole, null clears it. */
export interface ReportDetails {
  /** how it was found, beyond the alerts (e.g. "a citizen reported the defaced page") */
  detectionNote: string | null;
  personalData: PersonalDataBreachFacts | null;
  review: ReviewFacts | null;
}

export interface ReportDetailsView extends ReportDetails {
  updatedBy: string | null;
  updatedAt: string | null;
}

const NO_DETAILS: ReportDetails = { detectionNote: null, personalData: null, review: null };

export const REPORT_NAMES = [
  'cert-in.json',
  'cert-in.pdf',
  'cert-in.zip',
  'dpdp-board.json',
  'dpdp-board.pdf',
  'dpdp-principals.json',
  'dpdp-principals.pdf',
  'post-incident.pdf',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface RenderedReport {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export interface IncidentReportsDeps {
  incidents: IncidentService;
  store: Store;
  settings: SettingsService;
  audit: AuditService;
  /** the rules' descriptions, for the symptoms; a deleted rule has none */
  ruleDescription: (ruleId: string) => string | null;
  archive: ArchiveReader;
  clock: Clock;
}

const by = (actor: Actor) => actor.principal?.name ?? 'anonymous';

export class IncidentReports {
  constructor(private readonly deps: IncidentReportsDeps) {}

  async details(ref: string, actor: Actor): Promise<ReportDetailsView> {
    const { incident } = await this.deps.incidents.detail(ref, actor);
    const stored = await this.deps.store.incidentReportDetails.get(incident.id);
    return {
      ...NO_DETAILS,
      ...(stored?.value as Partial<ReportDetails> | undefined),
      updatedBy: stored?.updatedBy ?? null,
      updatedAt: stored?.updatedAt ?? null,
    };
  }

  /** Replaces the parts given; audited with the parts that changed. */
  async setDetails(
    ref: string,
    changes: Partial<ReportDetails>,
    actor: Actor,
  ): Promise<ReportDetailsView> {
    const { incident } = await this.deps.incidents.detail(ref, actor);
    const before = await this.details(incident.id, actor);
    const next: ReportDetails = {
      detectionNote: before.detectionNote,
      personalData: before.personalData,
      review: before.review,
      ...changes,
    };
    const changed = (Object.keys(changes) as (keyof ReportDetails)[]).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]),
    );
    if (changed.length === 0) return before;
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.incidentReportDetails.put({
      incidentId: incident.id,
      value: next,
      updatedBy: by(actor),
      updatedAt: at,
    });
    await this.deps.audit.record(actor, {
      action: 'incident.report_details',
      target: `incident:${incident.id}`,
      details: { number: incident.number, changed },
    });
    return { ...next, updatedBy: by(actor), updatedAt: at };
  }

  /** One report of the incident, as a file; generating it is recorded in the audit trail. */
  async render(ref: string, name: ReportName, actor: Actor): Promise<RenderedReport> {
    const detail = await this.deps.incidents.detail(ref, actor);
    const facts = await this.facts(detail, actor, name.startsWith('cert-in'));
    const number = detail.incident.number;
    if (name.startsWith('dpdp') && !facts.incident.personalDataBreach)
      throw new ConflictError(
        `${number} is not marked as a personal-data breach, so the DPDP notices do not apply. Set personalDataBreach on the incident first.`,
      );
    const report = await this.#render(name, facts);
    await this.deps.audit.record(actor, {
      action: 'incident.report',
      target: `incident:${detail.incident.id}`,
      details: { number, report: name, bytes: report.body.length },
    });
    return { ...report, fileName: report.fileName || `${number}-${name}` };
  }

  async #render(name: ReportName, facts: ReportFacts): Promise<RenderedReport> {
    const pdf = 'application/pdf';
    const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    switch (name) {
      case 'cert-in.json':
        return { fileName: '', contentType: 'application/json', body: json(certInReport(facts)) };
      case 'cert-in.pdf':
        return { fileName: '', contentType: pdf, body: await renderCertInPdf(facts) };
      case 'cert-in.zip': {
        const bundle = await reportBundle(facts);
        return { fileName: bundle.fileName, contentType: 'application/zip', body: bundle.zip };
      }
      case 'dpdp-board.json':
        return {
          fileName: '',
          contentType: 'application/json',
          body: json(dpdpBoardIntimation(facts)),
        };
      case 'dpdp-board.pdf':
        return { fileName: '', contentType: pdf, body: await renderDpdpBoardIntimationPdf(facts) };
      case 'dpdp-principals.json':
        return {
          fileName: '',
          contentType: 'application/json',
          body: json(dpdpPrincipalNotice(facts)),
        };
      case 'dpdp-principals.pdf':
        return { fileName: '', contentType: pdf, body: await renderDpdpPrincipalNoticePdf(facts) };
      case 'post-incident.pdf':
        return { fileName: '', contentType: pdf, body: await renderPostIncidentPdf(facts) };
    }
  }

  /** The facts the renderers word; `withLogs` reads the archive for the period's lines. */
  async facts(detail: IncidentDetail, actor: Actor, withLogs: boolean): Promise<ReportFacts> {
    const { store } = this.deps;
    const { incident } = detail;
    const details = await this.details(incident.id, actor);
    const organisation = (await this.deps.settings.reporting()).settings;

    const assets = await store.assets.getMany(detail.assets.map((a) => a.assetId));
    const affectedSystems: AffectedSystem[] = assets.map((a) => ({
      name: a.name,
      kind: a.kind,
      description: a.description,
      ipAddresses: a.ips,
      hostnames: a.hostnames,
      operatingSystem: a.osGuess,
      vendor: a.vendor,
      product: a.product,
      version: a.version,
      site: a.site,
      ward: a.ward,
      latitude: a.latitude,
      longitude: a.longitude,
      zone: a.zone,
      department: a.department,
      owner: a.ownerName,
      criticality: a.criticality,
      personalData: a.personalData,
      internetExposed: a.internetExposed,
    }));
    const services = await store.cityServices.getMany(detail.services.map((s) => s.serviceId));
    const affectedServices: AffectedService[] = services.map((s) => ({
      name: s.name,
      citizenImpact: s.citizenImpact,
      populationServed: s.populationServed,
      maxTolerableDowntimeMinutes: s.mtdMinutes,
      department: s.department,
      owner: s.ownerName,
    }));

    const atRisk = detail.cascade?.atRisk ?? [];
    const riskAssets = new Map(
      (await store.assets.getMany(atRisk.filter((n) => n.kind === 'asset').map((n) => n.id))).map(
        (a) => [a.id, a],
      ),
    );
    const riskServices = new Map(
      (
        await store.cityServices.getMany(
          atRisk.filter((n) => n.kind === 'service').map((n) => n.id),
        )
      ).map((s) => [s.id, s]),
    );
    const cascade: AtRisk[] = atRisk.map((n) => ({
      name: n.name,
      kind: n.kind,
      afterMinutes: n.minutesToImpact,
      via: n.via ? [n.via, n.name] : [n.name],
      maxTolerableDowntimeMinutes: riskServices.get(n.id)?.mtdMinutes ?? null,
      citizenImpact: riskServices.get(n.id)?.citizenImpact ?? null,
      criticality: riskAssets.get(n.id)?.criticality ?? null,
    }));

    const firstSeen = detail.alerts.map((a) => a.firstSeen).sort()[0] ?? null;
    const certInReported = detail.dutyReports.find((r) => r.duty === 'cert-in');
    const facts: ReportFacts = {
      generatedAt: this.deps.clock.now().toISOString(),
      generatedBy: by(actor),
      organisation,
      incident: {
        number: incident.number,
        title: incident.title,
        description: incident.description,
        severity: incident.severity,
        status: incident.status,
        resolution: incident.resolution,
        certInType: incident.certInType,
        personalDataBreach: incident.personalDataBreach,
        occurredAt: firstSeen,
        noticedAt: incident.noticedAt,
        reportedAt: certInReported?.reportedAt ?? null,
        createdAt: incident.createdAt,
        createdBy: incident.createdBy,
        acknowledgedAt: incident.acknowledgedAt,
        containedAt: incident.containedAt,
        closedAt: incident.closedAt,
        owner: incident.ownerName,
        assignees: detail.assignees.map((a) => a.displayName || a.username),
      },
      affectedSystems,
      affectedServices,
      cascade,
      symptoms: detail.alerts.map((a) => ({
        ruleTitle: a.ruleTitle,
        ruleId: a.ruleId,
        detectedBy: a.kind,
        level: a.level,
        count: a.count,
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        description: this.deps.ruleDescription(a.ruleId),
        sensor: a.sourceName,
        logSource:
          [a.logsource.product, a.logsource.service ?? a.logsource.category]
            .filter(Boolean)
            .join('/') || null,
        sourceIp: a.sourceIp,
        hostName: a.hostName,
        userName: a.userName,
      })),
      detectionNote: details.detectionNote,
      observables: detail.observables.map((o) => ({
        type: o.type,
        value: o.value,
        firstSeen: o.firstSeen,
        lastSeen: o.lastSeen,
      })),
      actions: detail.timeline
        .filter((e): e is typeof e & { by: string } => e.by !== null)
        .map((e) => ({ at: e.at, by: e.by, text: e.text })),
      tasks: detail.tasks.map((t) => ({
        title: t.title,
        assignee: t.assigneeName,
        dueAt: t.dueAt,
        status: t.status,
        doneAt: t.doneAt,
        doneBy: t.doneBy,
      })),
      clocks: detail.clocks,
      personalData: incident.personalDataBreach ? details.personalData : null,
      review: details.review,
      logs: null,
    };
    if (withLogs)
      facts.logs = await gatherLogs(this.deps.archive, {
        ...logPeriod(facts),
        ...logCriteria(facts),
      });
    return facts;
  }
}

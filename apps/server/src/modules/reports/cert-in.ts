/**
 * The incident report to CERT-In (Directions of 28 April 2022 under s.70B(6) of the IT Act), laid
 * out like CERT-In's incident reporting form: the reporting entity and its point of contact; the
 * type of incident (Annexure I); when it occurred, was detected and is reported; the affected
 * systems with IP, OS, location and criticality; symptoms; how it was detected; actions taken;
 * logs attached. As JSON (`certInReport`) and as PDF (`renderCertInPdf`).
 */
import { createHash } from 'node:crypto';
import type { ClockState } from '@prahari/core';
import { CRITICALITY_MEANING } from '../assets/validate.js';
import { missingReportingFields } from '../settings/service.js';
import type { ReportDocument } from './document.js';
import type { ReportFacts } from './facts.js';
import {
  bothTimes,
  criticalityText,
  istAndUtc,
  listText,
  locationText,
  productText,
  type BothTimes,
} from './format.js';
import { logsNdjson } from './logs.js';
import { renderPdf } from './pdf.js';
import {
  TIME_NOTE,
  generatedLine,
  actionsTable,
  affectedSystemsTable,
  cascadeBlocks,
  certInType,
  certInTypeText,
  clockOf,
  clockStatusText,
  clocksTable,
  detectionItems,
  logsBlocks,
  missingSettingsBlocks,
  observablesTable,
  organisationFields,
  servicesBlocks,
  suspectedSources,
  symptomsTable,
} from './sections.js';

/** The name of the log file in the bundle, which the report refers to. */
export const LOGS_FILE = 'logs.ndjson';

/** Systems rated 4 or 5 are critical to the city's functioning, as CERT-In's form asks. */
const CRITICAL_FROM = 4;

/** The JSON report. Times are ISO 8601 UTC; `timing` also gives each in IST. */
export interface CertInReport {
  format: 'prahari-cert-in-report/1';
  addressedTo: string;
  generatedAt: BothTimes;
  generatedBy: string;
  legalBasis: string;
  reportingEntity: {
    organisation: string | null;
    sector: string | null;
    address: string | null;
    city: string | null;
    state: string | null;
    pointOfContact: ReportFacts['organisation']['pointOfContact'];
    /** settings a complete report needs that are not set */
    missing: string[];
  };
  incident: {
    reference: string;
    title: string;
    description: string | null;
    severity: string;
    status: string;
    /** Annexure I; null while not classified */
    type: { code: string; number: string; title: string } | null;
    personalDataBreach: boolean;
  };
  timing: {
    occurredAt: BothTimes | null;
    detectedAt: BothTimes;
    reportedAt: BothTimes | null;
    /** 6 hours from detection; null when the type is not an Annexure I one */
    reportingDueAt: BothTimes | null;
    reportingClock: ClockState | null;
    /** how long after detection this report was generated, in minutes */
    minutesFromDetectionToThisReport: number;
  };
  affectedSystems: {
    name: string;
    kind: string;
    ipAddresses: string[];
    hostnames: string[];
    operatingSystem: string | null;
    product: string | null;
    location: string | null;
    zone: string | null;
    department: string | null;
    owner: string | null;
    criticality: { level: number | null; meaning: string | null };
    criticalToOperations: boolean;
    personalData: boolean;
    internetExposed: boolean;
  }[];
  hostsAffected: { count: number; band: '1 to 10' | '10 to 100' | 'more than 100' };
  affectedServices: ReportFacts['affectedServices'];
  servicesAtRisk: ReportFacts['cascade'];
  suspectedSourceAddresses: string[];
  symptoms: ReportFacts['symptoms'];
  detection: string[];
  observables: ReportFacts['observables'];
  actionsTaken: ReportFacts['actions'];
  legalClocks: ReportFacts['clocks'];
  logsAttached: {
    file: string;
    from: string;
    to: string;
    lines: number;
    omitted: number;
    complete: boolean;
    sha256: string;
  } | null;
}

function hostsBand(count: number): CertInReport['hostsAffected']['band'] {
  return count <= 10 ? '1 to 10' : count <= 100 ? '10 to 100' : 'more than 100';
}

/** The report as JSON, for CERT-In and for machines. */
export function certInReport(facts: ReportFacts): CertInReport {
  const o = facts.organisation;
  const i = facts.incident;
  const type = certInType(facts);
  const clock = clockOf(facts, 'cert-in');
  const logs = facts.logs;
  return {
    format: 'prahari-cert-in-report/1',
    addressedTo: o.certInEmail,
    generatedAt: bothTimes(facts.generatedAt),
    generatedBy: facts.generatedBy,
    legalBasis:
      'CERT-In Directions No. 20(3)/2022-CERT-In of 28 April 2022 under section 70B(6) of the Information Technology Act, 2000: report within 6 hours of noticing.',
    reportingEntity: {
      organisation: o.organisation,
      sector: o.sector,
      address: o.address,
      city: o.city,
      state: o.state,
      pointOfContact: o.pointOfContact,
      missing: missingReportingFields(o),
    },
    incident: {
      reference: i.number,
      title: i.title,
      description: i.description,
      severity: i.severity,
      status: i.status,
      type: type ? { code: type.code, number: type.number, title: type.title } : null,
      personalDataBreach: i.personalDataBreach,
    },
    timing: {
      occurredAt: i.occurredAt === null ? null : bothTimes(i.occurredAt),
      detectedAt: bothTimes(i.noticedAt),
      reportedAt: i.reportedAt === null ? null : bothTimes(i.reportedAt),
      reportingDueAt: clock ? bothTimes(clock.dueAt) : null,
      reportingClock: clock?.state ?? null,
      minutesFromDetectionToThisReport: Math.round(
        (Date.parse(facts.generatedAt) - Date.parse(i.noticedAt)) / 60_000,
      ),
    },
    affectedSystems: facts.affectedSystems.map((s) => ({
      name: s.name,
      kind: s.kind,
      ipAddresses: s.ipAddresses,
      hostnames: s.hostnames,
      operatingSystem: s.operatingSystem,
      product: productText(s),
      location: locationText(s),
      zone: s.zone,
      department: s.department,
      owner: s.owner,
      criticality: {
        level: s.criticality,
        meaning: s.criticality === null ? null : (CRITICALITY_MEANING[s.criticality] ?? null),
      },
      criticalToOperations: (s.criticality ?? 0) >= CRITICAL_FROM,
      personalData: s.personalData,
      internetExposed: s.internetExposed,
    })),
    hostsAffected: {
      count: facts.affectedSystems.length,
      band: hostsBand(facts.affectedSystems.length),
    },
    affectedServices: facts.affectedServices,
    servicesAtRisk: facts.cascade,
    suspectedSourceAddresses: suspectedSources(facts),
    symptoms: facts.symptoms,
    detection: detectionItems(facts),
    observables: facts.observables,
    actionsTaken: facts.actions,
    legalClocks: facts.clocks,
    logsAttached:
      logs === null
        ? null
        : {
            file: LOGS_FILE,
            from: logs.from,
            to: logs.to,
            lines: logs.lines.length,
            omitted: logs.omitted,
            complete: logs.complete,
            sha256: createHash('sha256').update(logsNdjson(logs)).digest('hex'),
          },
  };
}

/** The report as a document: what the PDF draws. */
export function certInDocument(facts: ReportFacts): ReportDocument {
  const i = facts.incident;
  const o = facts.organisation;
  const clock = clockOf(facts, 'cert-in');
  const critical = facts.affectedSystems.filter((s) => (s.criticality ?? 0) >= CRITICAL_FROM);
  const sources = suspectedSources(facts);
  return {
    title: 'Cyber security incident report to CERT-In',
    subtitle: `${i.number}: ${i.title}`,
    reference: i.number,
    footer: generatedLine(facts),
    author: o.organisation ?? 'Prahari',
    generatedAt: facts.generatedAt,
    blocks: [
      {
        kind: 'paragraph',
        text: `To CERT-In (${o.certInEmail}), under the CERT-In Directions of 28 April 2022 (section 70B(6) of the IT Act, 2000), which require this incident type to be reported within 6 hours of noticing it. ${TIME_NOTE}`,
      },
      ...missingSettingsBlocks(facts),
      { kind: 'heading', level: 1, text: '1. Reporting entity and point of contact' },
      organisationFields(facts),
      { kind: 'heading', level: 1, text: '2. Incident' },
      {
        kind: 'fields',
        rows: [
          ['Reference', i.number],
          ['Type (Annexure I)', certInTypeText(facts)],
          ['Title', i.title],
          ['Description', i.description ?? 'none given'],
          [
            'Severity / status',
            `${i.severity} / ${i.status}${i.resolution ? ` (${i.resolution})` : ''}`,
          ],
          [
            'Personal data breached',
            i.personalDataBreach ? 'yes: the DPDP Act duties apply' : 'no',
          ],
          ['Occurred (first evidence)', istAndUtc(i.occurredAt)],
          ['Detected / noticed', istAndUtc(i.noticedAt)],
          [
            'Reported to CERT-In',
            i.reportedAt === null
              ? `not yet (this report: ${istAndUtc(facts.generatedAt)})`
              : istAndUtc(i.reportedAt),
          ],
          [
            'Reporting deadline',
            clock
              ? `${istAndUtc(clock.dueAt)}: ${clockStatusText(clock)}`
              : 'none (not an Annexure I type)',
          ],
          ['Owner', i.owner ?? 'unassigned'],
        ],
      },
      { kind: 'heading', level: 1, text: '3. Affected systems' },
      {
        kind: 'fields',
        rows: [
          [
            'Hosts affected',
            `${facts.affectedSystems.length} (${hostsBand(facts.affectedSystems.length)})`,
          ],
          [
            'Critical to operations',
            critical.length > 0
              ? `yes: ${critical.map((s) => `${s.name} (${criticalityText(s.criticality)})`).join('; ')}`
              : 'no system rated 4 or 5',
          ],
          ['Suspected source addresses', listText(sources)],
        ],
      },
      affectedSystemsTable(facts),
      { kind: 'heading', level: 2, text: 'City services affected' },
      ...servicesBlocks(facts),
      { kind: 'heading', level: 2, text: 'What else is at risk' },
      ...cascadeBlocks(facts),
      { kind: 'heading', level: 1, text: '4. Symptoms observed' },
      symptomsTable(facts),
      { kind: 'heading', level: 1, text: '5. How it was detected' },
      { kind: 'bullets', items: detectionItems(facts) },
      { kind: 'heading', level: 2, text: 'Indicators (observables)' },
      observablesTable(facts),
      { kind: 'heading', level: 1, text: '6. Actions taken' },
      actionsTable(facts),
      { kind: 'heading', level: 1, text: '7. Reporting duties' },
      clocksTable(facts),
      { kind: 'heading', level: 1, text: '8. Logs attached' },
      ...logsBlocks(facts, LOGS_FILE),
    ],
  };
}

/** The report as an A4 PDF. */
export function renderCertInPdf(facts: ReportFacts): Promise<Buffer> {
  return renderPdf(certInDocument(facts));
}

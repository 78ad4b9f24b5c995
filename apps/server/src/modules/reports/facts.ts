/**
 * Everything the incident reports say, as one plain object. The renderers (`certInReport`,
 * `renderCertInPdf`, the DPDP notices, the post-incident report, the bundle) are pure functions of
 * it: the same facts give the same bytes. Whoever builds the facts (from an incident's detail, the
 * asset register, the settings and the raw archive) decides what is true; the renderers only
 * arrange and word it.
 *
 * Conventions: every time is an ISO 8601 UTC string (`2026-03-14T04:12:05.000Z`); the renderers
 * show it in IST and UTC. `null` means "not known / not set", and the reports say so rather than
 * leaving a gap. Names of people are as Prahari shows them (username or display name).
 */
import type {
  CertInIncidentType,
  IncidentResolution,
  IncidentSeverity,
  IncidentStatus,
  LegalClock,
} from '@prahari/core';
import type { ReportingSettings } from '../settings/service.js';

export interface ReportFacts {
  /** when the report is generated: printed on every page, and the "now" of every duration */
  generatedAt: string;
  /** who asked for it (a username), printed in the footer */
  generatedBy: string;
  /** the reporting entity and its point of contact: the `reporting` settings as they stand */
  organisation: ReportingSettings;
  incident: IncidentFacts;
  /** the systems involved, from the asset register (one per asset attached to the incident) */
  affectedSystems: AffectedSystem[];
  /** the city services those systems support directly */
  affectedServices: AffectedService[];
  /** what else depends on the affected systems, and how soon it would stop (the cascade analysis) */
  cascade: AtRisk[];
  /** what was seen: the alerts attached to the incident */
  symptoms: Symptom[];
  /** how it was found, beyond the alerts' own rules (e.g. "a citizen reported the defaced page") */
  detectionNote: string | null;
  /** indicators worth passing on: addresses, hashes, accounts, hosts */
  observables: Observable[];
  /** what people (and playbooks) did, oldest first */
  actions: ActionTaken[];
  tasks: TaskFacts[];
  /** the legal clocks as `legalClocks(incident, generatedAt)` gives them */
  clocks: LegalClock[];
  /** the details a DPDP notice needs; null unless the incident is a personal-data breach */
  personalData: PersonalDataBreachFacts | null;
  /** what the CISO's post-incident review concluded; null while there is none */
  review: ReviewFacts | null;
  /** raw log lines for the period, from the archive (see `gatherLogs`); null when not gathered */
  logs: LogExcerpt | null;
}

export interface IncidentFacts {
  /** the number people use, e.g. `INC-2026-0007` */
  number: string;
  title: string;
  description: string | null;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** set once closed */
  resolution: IncidentResolution | null;
  /** the CERT-In Directions' Annexure I type; null while not classified (then not reportable) */
  certInType: CertInIncidentType | null;
  /** personal data was breached: the DPDP duties apply */
  personalDataBreach: boolean;
  /** when it began: the earliest evidence (first alert or log line); null when unknown */
  occurredAt: string | null;
  /** when the city noticed or was told of it: the legal clocks start here */
  noticedAt: string;
  /** when it was reported to CERT-In; null while not yet reported */
  reportedAt: string | null;
  /** when it was opened in Prahari, and by whom */
  createdAt: string;
  createdBy: string;
  /** when someone first took it up (left `new`) */
  acknowledgedAt: string | null;
  /** when it was first marked contained */
  containedAt: string | null;
  closedAt: string | null;
  /** who is accountable for it */
  owner: string | null;
  assignees: string[];
}

export interface AffectedSystem {
  name: string;
  /** server, plc_rtu, camera, … */
  kind: string;
  description: string | null;
  ipAddresses: string[];
  hostnames: string[];
  /** operating system as known (from the register, or an nmap guess) */
  operatingSystem: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  /** where it stands: site (building), ward, coordinates */
  site: string | null;
  ward: string | null;
  latitude: number | null;
  longitude: number | null;
  /** it, ot, iot, dmz, … */
  zone: string | null;
  department: string | null;
  owner: string | null;
  /** 1 (test/lab) … 5 (life/safety or city-wide); null while not rated. See CRITICALITY_MEANING */
  criticality: number | null;
  /** holds citizens' personal data */
  personalData: boolean;
  internetExposed: boolean;
}

export interface AffectedService {
  name: string;
  /** 1 (negligible) … 5 (life/safety or the whole city). See CITIZEN_IMPACT_MEANING */
  citizenImpact: number;
  populationServed: number | null;
  /** how long the city can do without it; null when not set in the register */
  maxTolerableDowntimeMinutes: number | null;
  department: string | null;
  owner: string | null;
}

/** Something that would stop if the affected systems failed, and when. */
export interface AtRisk {
  name: string;
  kind: 'asset' | 'service';
  /** minutes after the affected systems fail that it stops (0: at once) */
  afterMinutes: number;
  /** the chain of names from an affected system to it, e.g. [iccc-app-01, iccc-core, Traffic control] */
  via: string[];
  /** for a service: how long the city can do without it */
  maxTolerableDowntimeMinutes: number | null;
  /** for a service: 1 … 5; for an asset: null */
  citizenImpact: number | null;
  /** for an asset: 1 … 5; for a service: null */
  criticality: number | null;
}

/** An alert attached to the incident. */
export interface Symptom {
  ruleTitle: string;
  ruleId: string;
  /** sigma: one rule matched; correlation: a pattern over many events; indicator: a known-bad value */
  detectedBy: 'sigma' | 'correlation' | 'indicator';
  /** informational | low | medium | high | critical */
  level: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** the rule's description: what it means */
  description: string | null;
  /** the sender or source the events came from (an ingest source name), when known */
  sensor: string | null;
  /** the log source the rule reads, e.g. `linux/sshd` */
  logSource: string | null;
  sourceIp: string | null;
  hostName: string | null;
  userName: string | null;
}

export interface Observable {
  /** ip, domain, url, hash, user, host, email */
  type: string;
  value: string;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface ActionTaken {
  at: string;
  /** who did it; for a playbook, `playbook:<id>` */
  by: string;
  /** what was done, as a sentence */
  text: string;
}

export interface TaskFacts {
  title: string;
  assignee: string | null;
  dueAt: string | null;
  status: 'open' | 'done';
  doneAt: string | null;
  doneBy: string | null;
}

/**
 * What an analyst writes down for the DPDP notices (DPDP Rules 2025, rule 7): the Board gets the
 * nature, extent, timing, location and likely impact; each Data Principal gets the same in plain
 * language with what the city is doing, what they can do and whom to contact.
 */
export interface PersonalDataBreachFacts {
  /** what happened to the data: e.g. "copied out of the certificates database by an attacker" */
  nature: string;
  /** how much: which records, which systems */
  extent: string;
  /** when, in words, if more than the incident's times say (e.g. "between 01:10 and 02:40 IST") */
  timing: string | null;
  /** where it happened (system, site) */
  location: string | null;
  /** the likely impact, for the Board */
  likelyImpact: string;
  /** the likely consequences for a citizen, in plain language */
  likelyConsequences: string;
  categoriesOfPersonalData: string[];
  categoriesOfDataPrincipals: string[];
  /** approximate number of people affected; null when not yet known */
  approximateNumberAffected: number | null;
  /** what the city has done and is doing to limit the harm */
  mitigation: string;
  /** what a citizen can do to protect themselves */
  whatPrincipalsCanDo: string[];
  /** who answers citizens' questions; null: the point of contact of the settings */
  contactForPrincipals: { name: string; email: string | null; phone: string | null } | null;
  /** the further particulars of rule 7(2)(b), due within 72 hours; null while not yet known */
  circumstances: string | null;
  causedBy: string | null;
  preventRecurrence: string | null;
  /** when and how the affected Data Principals were told; null while not yet */
  principalsInformed: { at: string; how: string } | null;
}

export interface ReviewFacts {
  rootCause: string | null;
  lessons: string[];
}

/** Raw lines received in a period, as `gatherLogs` reads them from the archive. */
export interface LogExcerpt {
  /** the period read, [from, to) by receive time */
  from: string;
  to: string;
  /** what a line had to match: its sender's address, or one of these words in its text */
  senders: string[];
  terms: string[];
  /** lines kept, in archive order */
  lines: LogLine[];
  /** lines that matched but were left out past the cap */
  omitted: number;
  /** records read from the archive */
  scanned: number;
  /** false when reading stopped at the scan limit: `omitted` is then a lower bound */
  complete: boolean;
}

export interface LogLine {
  receivedAt: string;
  /** the listener that received it, e.g. `syslog-udp:514` */
  listener: string;
  sourceIp: string | null;
  sourcePort: number | null;
  /** the message as received: text when it was UTF-8, else base64 (see `encoding`) */
  message: string;
  encoding: 'utf8' | 'base64';
  /** e.g. `truncated` when the listener cut an over-long message */
  flags: string[];
}

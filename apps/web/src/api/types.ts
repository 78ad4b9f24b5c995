// The shapes the dashboard reads from Prahari's API (see /api/docs/json on a running server).

export type Role = 'admin' | 'analyst' | 'owner' | 'auditor' | 'ingest';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'owner', 'auditor', 'ingest'];

export interface Me {
  kind: 'user' | 'apikey' | 'system';
  id: string;
  name: string;
  role: Role;
}

export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export type Resolution = 'true_positive' | 'false_positive';

/** The registered asset an alert concerns, as the register described it when the alert opened. */
export interface AlertAsset {
  id: string;
  name: string;
  criticality: number | null;
  zone: string | null;
  ownerId: string | null;
  ownerName: string | null;
}

export interface Alert {
  id: string;
  seq: number;
  revision: number;
  kind: 'sigma' | 'correlation' | 'indicator';
  ruleId: string;
  ruleTitle: string;
  level: string;
  /** the level weighed by the asset's criticality */
  severity: string;
  asset: AlertAsset | null;
  logsource: LogSource;
  tags: string[];
  groupFields: Record<string, unknown>;
  status: AlertStatus;
  resolution: Resolution | null;
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
  createdAt: string;
  updatedAt: string;
}

export interface StoredEvent {
  seq: number;
  receivedAt: string;
  eventTime: string;
  listener: string;
  parser: string;
  sourceIp: string | null;
  sourcePort: number | null;
  sourceName: string | null;
  logsource: LogSource;
  message: string;
  raw: string;
  fields: Record<string, unknown>;
  flags: string[];
  /** the registered asset the event concerns, as the register describes it now */
  asset?: {
    id: string;
    name: string;
    kind: string;
    criticality: number | null;
    zone: string | null;
    ownerName: string | null;
  } | null;
}

export interface AlertSummary {
  byStatus: Record<string, number>;
  byLevel: Record<string, number>;
  detection: {
    cursor: number;
    lastSeq: number;
    lagEvents: number;
    evaluated: number;
    alertsOpened: number;
    alertsUpdated: number;
    rules: number;
    running: boolean;
  };
}

export interface EventPage {
  events: StoredEvent[];
  nextCursor: string | null;
}

export interface TopValues {
  field: string;
  total: number;
  values: { value: string; count: number }[];
}

export interface DeadLetter {
  seq: number;
  receivedAt: string;
  listener: string;
  sourceIp: string | null;
  sourcePort: number | null;
  parserHint: string | null;
  reason: string;
  raw: string;
  status: 'pending' | 'reprocessed';
  retries: number;
  lastRetryAt: string | null;
}

export interface RetryResult {
  tried: number;
  reprocessed: number;
  stillFailing: { seq: number; reason: string }[];
}

export interface Source {
  id: string;
  name: string;
  matchIp: string | null;
  matchHostname: string | null;
  matchApiKeyId: string | null;
  defaultParser: string | null;
  timezone: string | null;
  description: string | null;
  discovered: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  eventCount: number;
  /** the newest event's time minus its arrival (ms); null before an event carried a time */
  clockOffsetMs: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface IngestStats {
  received: number;
  stored: number;
  deadLettered: number;
  udpDropped: number;
  queueDepth: number;
  byParser: Record<string, number>;
  deadLetters: Record<string, number>;
}

export interface Rule {
  id: string;
  kind: 'rule' | 'correlation' | 'filter';
  title: string;
  pack: string;
  file: string;
  line: number | null;
  level: string | null;
  status: string | null;
  description: string | null;
  logsource: LogSource;
  tags: string[];
  enabled: boolean;
  setting: { by: string; at: string; reason: string | null } | null;
  deletable: boolean;
  problems: { severity: string; message: string }[];
  matches?: number;
}

export interface RuleWithSource extends Rule {
  source: string;
}

export interface RuleReport {
  valid: boolean;
  rules: { id: string | null; kind: string; title: string; file: string }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: { file: string; line: number | null; message: string }[];
  saved?: string[];
}

export interface RuleFilter {
  id: string;
  title: string;
  ruleIds: string[];
  source: string;
  reason: string;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}

export interface RulePack {
  name: string;
  builtIn: boolean;
  rules: number;
  origin: { source: string; importedAt: string; licence: string | null } | null;
}

export type IndicatorType = 'ip' | 'cidr' | 'domain' | 'url' | 'hash';
export const INDICATOR_TYPES: readonly IndicatorType[] = ['ip', 'cidr', 'domain', 'url', 'hash'];
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export interface Indicator {
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

export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  lines: number;
  valid: number;
  added: number;
  updated: number;
  duplicates: number;
  byType: Record<string, number>;
  errors: { line: number; field: string; value: string | null; reason: string }[];
  errorCount: number;
  ignoredColumns: string[];
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  disabled: boolean;
  locked: boolean;
  lockedUntil: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  owner: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface CreatedApiKey extends ApiKey {
  secret: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerify {
  ok: boolean;
  rowsChecked: number;
  firstBreak: { seq: number; reason: string } | null;
  headHash: string | null;
}

/** The parsers a source can be told to use (POST /api/v1/ingest?parser=…). */
export const PARSERS = [
  'rfc5424',
  'rfc3164',
  'cef',
  'leef',
  'json',
  'suricata-eve',
  'zeek',
  'access-log',
  'linux-auth',
  'auditd',
  'cisco',
  'kv',
  'text',
] as const;

export const LEVELS = ['critical', 'high', 'medium', 'low', 'informational'] as const;

// ---- The asset register and cascading impact (/assets, /services, /asset-edges, /impact) ----

export const ASSET_KINDS = [
  'server',
  'workstation',
  'network_device',
  'firewall',
  'camera',
  'nvr_vms',
  'traffic_controller',
  'plc_rtu',
  'scada_server',
  'hmi',
  'sensor',
  'wifi_ap',
  'web_application',
  'database',
  'cloud_service',
  'payment_gateway',
  'power_feeder',
  'ups',
  'other',
] as const;
export const ASSET_ZONES = ['it', 'ot', 'iot', 'dmz', 'cloud'] as const;
export type AssetStatus = 'active' | 'discovered' | 'retired';
export type EdgeType = 'depends_on' | 'powered_by' | 'network_via' | 'data_from' | 'supports';
export const EDGE_TYPES: readonly EdgeType[] = [
  'depends_on',
  'powered_by',
  'network_via',
  'data_from',
  'supports',
];

/** What each criticality means: the server's words (apps/server assets/validate.ts). */
export const CRITICALITY_MEANING: Readonly<Record<number, string>> = {
  5: 'life/safety or a city-wide service (water SCADA, ICCC core, emergency dispatch)',
  4: 'an essential service for many citizens, or much personal data (payment gateway, citizen database)',
  3: 'an important departmental system with a workaround (property-tax portal, a camera)',
  2: 'limited impact: one office, one kiosk, one workstation',
  1: 'test or lab, no production role',
};

/** What each citizen-impact level of a city service means: the server's words. */
export const CITIZEN_IMPACT_MEANING: Readonly<Record<number, string>> = {
  5: 'life/safety or the whole city (water supply, emergency response)',
  4: 'an essential service to a large population (traffic control, street lighting, power)',
  3: 'an important service with workarounds (property tax, certificates, grievances)',
  2: 'a convenience (public Wi-Fi, information kiosks)',
  1: 'negligible or internal only',
};

export interface OpenService {
  protocol: string;
  port: number;
  state: string;
  service: string | null;
  product: string | null;
  version: string | null;
  extraInfo: string | null;
  cpe: string[];
  seenAt: string;
}

export interface Asset {
  id: string;
  name: string;
  kind: string;
  zone: string | null;
  department: string | null;
  ownerId: string | null;
  ownerName: string | null;
  criticality: number | null;
  description: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  cpe: string | null;
  ward: string | null;
  site: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  personalData: boolean;
  internetExposed: boolean;
  status: AssetStatus;
  source: string;
  osGuess: string | null;
  openServices: OpenService[];
  firstSeen: string | null;
  lastSeen: string | null;
  ips: string[];
  macs: string[];
  hostnames: string[];
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export interface CityService {
  id: string;
  name: string;
  description: string | null;
  citizenImpact: number;
  populationServed: number | null;
  mtdMinutes: number | null;
  department: string | null;
  ownerId: string | null;
  ownerName: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export interface AssetEdge {
  id: string;
  fromId: string;
  toId: string;
  type: EdgeType;
  fromName: string;
  toName: string;
  toKind: 'asset' | 'service';
  timeToImpactMinutes: number | null;
  redundancyGroup: string | null;
  redundancyK: number | null;
  note: string | null;
}

export interface AssetDetail {
  asset: Asset;
  addresses: { type: string; value: string; label: string | null }[];
  /** what this asset needs, and the services it supports */
  edgesOut: AssetEdge[];
  /** what needs this asset */
  edgesIn: AssetEdge[];
  services: CityService[];
}

export interface ServiceDetail {
  service: CityService;
  supportedBy: AssetEdge[];
}

export type NodeKind = 'asset' | 'service';

export interface OpenAlerts {
  count: number;
  maxLevel: string;
}

export interface RiskComponent {
  value: number;
  weight: number;
  points: number;
  detail: string;
}

export interface RiskEntry {
  rank: number;
  id: string;
  name: string;
  kind?: string;
  score: number;
  components: Record<
    'criticality' | 'exposure' | 'personalData' | 'alerts' | 'downstream',
    RiskComponent
  >;
  servicesDown: string[];
  openAlerts: OpenAlerts | null;
}

/** An edge as the impact engine holds it: `from` the dependent (or the supporting asset). */
export interface ImpactEdge {
  from: string;
  to: string;
  type: EdgeType;
  timeToImpactMinutes?: number | null;
  redundancy?: { group: string; k?: number | null } | null;
}

export interface ImpactStep {
  dependency: string;
  dependent: string;
  edge: ImpactEdge;
  dependencyFailedAt: number;
  at: number;
  redundancy?: { group: string; k: number; n: number; lost: string[] };
}

export interface AffectedNode {
  id: string;
  name: string;
  kind: NodeKind;
  /** minutes after the failure when it stops */
  at: number;
  root: boolean;
  cause: ImpactStep | null;
  depth: number;
  path?: ImpactStep[];
}

export interface RedundancyHold {
  id: string;
  name: string;
  kind: NodeKind;
  group: string;
  k: number;
  n: number;
  lost: string[];
  working: number;
}

export interface BlastRadius {
  roots: { id: string; at: number; reason?: string }[];
  horizonMinutes: number | null;
  affected: AffectedNode[];
  assetsAffected: number;
  servicesAffected: number;
  survived: RedundancyHold[];
}

export interface TimelineEvent {
  at: number;
  kind: 'root' | 'degraded' | 'down' | 'mtd_exceeded';
  id: string;
  name: string;
  nodeKind: NodeKind;
  text: string;
}

export interface ServiceOutcome {
  id: string;
  name: string;
  citizenImpact: number;
  populationServed: number | null;
  downAt: number;
  maxTolerableDowntimeMinutes: number | null;
  mtdExceededAt: number | null;
}

export interface WhatIfResult {
  blastRadius: BlastRadius;
  timeline: TimelineEvent[];
  timelineTotal: number;
  services: ServiceOutcome[];
  firstMtdExceededAt: number | null;
}

export interface SinglePointOfFailure {
  id: string;
  name: string;
  kind?: string;
  criticality: number;
  impact: number;
  populationServed: number;
  services: {
    id: string;
    name: string;
    citizenImpact: number;
    populationServed: number | null;
    downAt: number;
    mtdExceededAt: number | null;
  }[];
}

export interface GraphViewNode {
  id: string;
  name: string;
  kind: NodeKind;
  assetKind: string | null;
  zone: string | null;
  criticality: number | null;
  internetExposed: boolean;
  personalData: boolean;
  openAlerts: OpenAlerts | null;
  citizenImpact: number | null;
  maxTolerableDowntimeMinutes: number | null;
  hops: number;
}

export interface GraphViewEdge {
  from: string;
  to: string;
  type: EdgeType;
  timeToImpactMinutes: number | null;
  redundancy: { group: string; k: number } | null;
}

export interface GraphView {
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
  complete: boolean;
  total: { assets: number; services: number; edges: number };
}

// ---- Testing a rule against pasted events (POST /rules/test) ----

export interface RuleProblem {
  line: number | null;
  column: number | null;
  message: string;
}

export interface TestedEvent {
  index: number;
  line: number;
  parser: string | null;
  logsource: LogSource | null;
  summary: string;
  fields: Record<string, unknown> | null;
  error: string | null;
  matches: {
    kind: 'detection' | 'correlation';
    ruleId: string | null;
    title: string;
    level: string | null;
    fields: Record<string, unknown>;
  }[];
}

export interface RuleTestResult {
  valid: boolean;
  rules: { id: string | null; kind: 'rule' | 'correlation' | 'filter'; title: string }[];
  referenced: { id: string | null; title: string }[];
  errors: RuleProblem[];
  warnings: RuleProblem[];
  format: 'json' | 'lines';
  events: TestedEvent[];
  total: number;
  matched: number;
}

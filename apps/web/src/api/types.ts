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

export interface Alert {
  id: string;
  seq: number;
  revision: number;
  kind: 'sigma' | 'correlation' | 'indicator';
  ruleId: string;
  ruleTitle: string;
  level: string;
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

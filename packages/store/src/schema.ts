import type { Generated } from 'kysely';

/** Table types for Kysely. Times are ISO 8601 UTC strings; booleans are 0/1 for portability. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  dead_letters: DeadLettersTable;
  sources: SourcesTable;
  ingest_batches: IngestBatchesTable;
  alerts: AlertsTable;
  indicators: IndicatorsTable;
  rule_settings: RuleSettingsTable;
  rule_filters: RuleFiltersTable;
  detection_state: DetectionStateTable;
  assets: AssetsTable;
  asset_addresses: AssetAddressesTable;
  city_services: CityServicesTable;
  asset_edges: AssetEdgesTable;
  playbooks: PlaybooksTable;
  playbook_runs: PlaybookRunsTable;
  playbook_run_steps: PlaybookRunStepsTable;
  blocklist: BlocklistTable;
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
  incidents: IncidentsTable;
  incident_alerts: IncidentAlertsTable;
  incident_assets: IncidentAssetsTable;
  incident_services: IncidentServicesTable;
  incident_assignees: IncidentAssigneesTable;
  incident_tasks: IncidentTasksTable;
  incident_observables: IncidentObservablesTable;
  incident_observable_alerts: IncidentObservableAlertsTable;
  incident_notes: IncidentNotesTable;
  incident_evidence: IncidentEvidenceTable;
  incident_evidence_custody: IncidentEvidenceCustodyTable;
  incident_duty_reports: IncidentDutyReportsTable;
  incident_proposals: IncidentProposalsTable;
  incident_state: IncidentStateTable;
  settings: SettingsTable;
  incident_report_details: IncidentReportDetailsTable;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  department: string | null;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token; the token itself is never stored */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  owner_user_id: string | null;
  /** SHA-256 of the secret part; the secret is shown once at creation */
  secret_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface EventsTable {
  seq: Generated<number>;
  received_at: string;
  event_time: string;
  listener: string;
  parser: string;
  source_ip: string | null;
  source_port: number | null;
  source_name: string | null;
  product: string | null;
  category: string | null;
  service: string | null;
  host_name: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  dst_port: number | null;
  user_name: string | null;
  action: string | null;
  outcome: string | null;
  message: string;
  raw: string;
  /** JSON object of every parsed field */
  fields: string;
  /** comma-separated flags (truncated, invalid_utf8 …) */
  flags: string | null;
}

export interface DeadLettersTable {
  seq: Generated<number>;
  received_at: string;
  listener: string;
  source_ip: string | null;
  source_port: number | null;
  parser_hint: string | null;
  reason: string;
  raw: Buffer;
  status: Generated<string>;
  retries: Generated<number>;
  last_retry_at: string | null;
}

export interface SourcesTable {
  id: string;
  name: string;
  match_ip: string | null;
  match_hostname: string | null;
  match_api_key_id: string | null;
  default_parser: string | null;
  timezone: string | null;
  description: string | null;
  discovered: number;
  first_seen: string | null;
  last_seen: string | null;
  event_count: number;
  clock_offset_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface IngestBatchesTable {
  idempotency_key: string;
  principal_id: string;
  received_at: string;
  accepted: number;
  dead_lettered: number;
}

export interface AlertsTable {
  seq: Generated<number>;
  id: string;
  /** raised on every change; the live stream resumes from it */
  revision: number;
  kind: string;
  rule_id: string;
  rule_title: string;
  level: string;
  product: string | null;
  category: string | null;
  service: string | null;
  /** JSON array */
  tags: string;
  dedupe_key: string;
  /** JSON object: what the alert is grouped by (source, host, correlation group) */
  group_fields: string;
  status: string;
  resolution: string | null;
  status_by: string | null;
  status_at: string | null;
  status_note: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  source_ip: string | null;
  host_name: string | null;
  source_name: string | null;
  user_name: string | null;
  /** JSON array of event seqs (the first and the latest, bounded) */
  event_seqs: string;
  /** JSON object: the fields that matched, from the first event */
  matched: string;
  created_at: string;
  updated_at: string;
  asset_id: string | null;
  asset_name: string | null;
  asset_criticality: number | null;
  asset_zone: string | null;
  asset_owner_id: string | null;
  asset_owner_name: string | null;
  /** the level weighed by the asset's criticality */
  severity: string | null;
}

export interface IndicatorsTable {
  id: string;
  type: string;
  value: string;
  source: string;
  tlp: string;
  description: string | null;
  expires_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  hits: Generated<number>;
  last_hit_at: string | null;
}

export interface RuleSettingsTable {
  rule_id: string;
  enabled: number;
  updated_by: string;
  updated_at: string;
  reason: string | null;
}

export interface RuleFiltersTable {
  id: string;
  title: string;
  /** JSON array of rule ids the filter applies to */
  rule_ids: string;
  /** the Sigma filter document (YAML) */
  source: string;
  reason: string;
  enabled: number;
  created_by: string;
  created_at: string;
}

export interface DetectionStateTable {
  name: string;
  value: number;
  updated_at: string;
}

export interface AssetsTable {
  id: string;
  name: string;
  kind: string;
  zone: string | null;
  department: string | null;
  owner_user_id: string | null;
  /** 1 (test/lab) … 5 (life/safety or city-wide service); null: not rated yet */
  criticality: number | null;
  description: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  /** CPE 2.3 formatted string */
  cpe: string | null;
  ward: string | null;
  site: string | null;
  latitude: number | null;
  longitude: number | null;
  /** JSON array of strings */
  tags: string;
  personal_data: number;
  internet_exposed: number;
  /** active | discovered | retired */
  status: string;
  /** how it entered the register: manual, import, nmap, events */
  source: string;
  os_guess: string | null;
  /** JSON array of open ports/services (from nmap) */
  open_services: string;
  first_seen: string | null;
  last_seen: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface AssetAddressesTable {
  asset_id: string;
  /** ip | mac | hostname */
  type: string;
  /** canonical: compressed IPv6 / dotted IPv4, lower-case colon MAC, lower-case hostname */
  value: string;
  /** e.g. the MAC vendor nmap names */
  label: string | null;
}

export interface CityServicesTable {
  id: string;
  name: string;
  description: string | null;
  /** 1 (negligible) … 5 (life/safety or the whole city) */
  citizen_impact: number;
  population_served: number | null;
  /** maximum tolerable downtime */
  mtd_minutes: number | null;
  department: string | null;
  owner_user_id: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface AssetEdgesTable {
  id: string;
  from_id: string;
  to_id: string;
  /** depends_on | powered_by | network_via | data_from | supports */
  type: string;
  time_to_impact_minutes: number | null;
  redundancy_group: string | null;
  redundancy_k: number | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface IncidentsTable {
  id: string;
  /** creation order over all years (pages) */
  seq: number;
  year: number;
  /** the number within its year: INC-<year>-<year_seq> */
  year_seq: number;
  /** what people say: INC-2026-0007 */
  number: string;
  title: string;
  description: string | null;
  /** low | medium | high | critical */
  severity: string;
  /** new | triage | contained | eradicated | recovered | closed */
  status: string;
  resolution: string | null;
  owner_user_id: string | null;
  /** a CERT-In Annexure I type code */
  cert_in_type: string | null;
  personal_data_breach: number;
  /** when the city noticed it: the legal clocks start here */
  noticed_at: string;
  /** first left `new` (time to acknowledge) */
  acknowledged_at: string | null;
  /** first reached contained or later (time to contain) */
  contained_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  /** set when merged into another incident (closed as a duplicate of it) */
  merged_into_id: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface IncidentAlertsTable {
  incident_id: string;
  alert_id: string;
  attached_at: string;
  attached_by: string;
}

export interface IncidentAssetsTable {
  incident_id: string;
  asset_id: string;
  /** alert: it came with an attached alert; manual: a person added it */
  source: string;
  added_at: string;
  added_by: string;
}

export interface IncidentServicesTable {
  incident_id: string;
  service_id: string;
  source: string;
  added_at: string;
  added_by: string;
}

export interface IncidentAssigneesTable {
  incident_id: string;
  user_id: string;
  assigned_at: string;
  assigned_by: string;
}

export interface IncidentTasksTable {
  id: string;
  incident_id: string;
  title: string;
  assignee_user_id: string | null;
  due_at: string | null;
  /** open | done */
  status: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  done_at: string | null;
  done_by: string | null;
}

export interface IncidentObservablesTable {
  id: string;
  incident_id: string;
  /** ip | domain | url | hash | user | host | email */
  type: string;
  value: string;
  first_seen: string | null;
  last_seen: string | null;
  /** alert: extracted from an attached alert; manual: a person added it */
  source: string;
  added_at: string;
  added_by: string;
}

export interface IncidentObservableAlertsTable {
  observable_id: string;
  alert_id: string;
  /** JSON array of the seqs of the alert's events the observable was seen in */
  event_seqs: string;
}

export interface IncidentNotesTable {
  id: string;
  incident_id: string;
  author_id: string | null;
  author_name: string;
  text: string;
  created_at: string;
}

export interface IncidentEvidenceTable {
  id: string;
  incident_id: string;
  file_name: string;
  size: number;
  sha256: string;
  /** relative to the data directory */
  stored_path: string;
  media_type: string | null;
  uploaded_by: string;
  uploaded_at: string;
}

export interface IncidentEvidenceCustodyTable {
  seq: Generated<number>;
  evidence_id: string;
  /** uploaded | downloaded | verified | moved | refused */
  action: string;
  actor_id: string | null;
  actor_name: string;
  at: string;
  /** the SHA-256 the file had when this was done */
  sha256_seen: string | null;
  /** ok, or mismatch when the file no longer had its recorded hash */
  outcome: string;
  note: string | null;
}

export interface IncidentDutyReportsTable {
  incident_id: string;
  /** a legal duty name (cert-in, dpdp-board-intimation …) */
  duty: string;
  reported_at: string;
  reported_by: string;
  reference: string | null;
  recorded_at: string;
}

export interface IncidentProposalsTable {
  id: string;
  incident_id: string;
  alert_id: string;
  /** JSON array of {kind: asset | source_ip | observable, value} */
  reasons: string;
  /** open | accepted | dismissed | attached (automatically) */
  status: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface IncidentStateTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface PlaybooksTable {
  id: string;
  /** built-in (shipped in apps/server/playbooks: yaml is null) | uploaded */
  origin: string;
  yaml: string | null;
  enabled: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface PlaybookRunsTable {
  seq: Generated<number>;
  id: string;
  playbook_id: string;
  playbook_title: string;
  /** JSON: the validated playbook as it was when the run started */
  definition: string;
  /** alert | incident | manual */
  trigger: string;
  /** alert | incident */
  subject_kind: string;
  subject_id: string;
  /** JSON: what templates read (alert, incident, asset) */
  context: string;
  /** running | awaiting-approval | done | failed | rejected */
  status: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface PlaybookRunStepsTable {
  run_id: string;
  idx: number;
  action: string;
  name: string | null;
  needs_approval: number;
  /** JSON: the step's parameters with templates filled in */
  inputs: string | null;
  /** JSON: what the step did (ids made, HTTP attempts …) */
  outputs: string | null;
  /** pending | awaiting-approval | approved | rejected | running | done | failed */
  status: string;
  approved_by: string | null;
  approved_at: string | null;
  decision_note: string | null;
  error: string | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
}

export interface BlocklistTable {
  id: string;
  /** canonical IP address or CIDR network */
  value: string;
  reason: string;
  added_by: string;
  /** person | run */
  added_by_kind: string;
  run_id: string | null;
  created_at: string;
  expires_at: string | null;
  removed_at: string | null;
  removed_by: string | null;
}

export interface NotificationChannelsTable {
  id: string;
  name: string;
  /** set for a person's channel */
  owner_user_id: string | null;
  /** set for a role's channel */
  owner_role: string | null;
  /** email | webhook */
  kind: string;
  /** e-mail address or URL */
  address: string;
  /** webhook signing secret, as given */
  secret: string | null;
  /** JSON array of event names */
  events: string;
  enabled: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface NotificationDeliveriesTable {
  seq: Generated<number>;
  id: string;
  channel_id: string;
  channel_name: string;
  event: string;
  subject: string;
  /** JSON: the message (subject, text, data) */
  payload: string;
  /** pending | retrying | delivered | failed */
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

export interface SettingsTable {
  /** a settings section, e.g. `reporting` */
  key: string;
  /** JSON */
  value: string;
  updated_by: string;
  updated_at: string;
}

export interface IncidentReportDetailsTable {
  incident_id: string;
  /** JSON */
  value: string;
  updated_by: string;
  updated_at: string;
}

// What the CLI needs to work on a data directory without loading the HTTP server.
export * from './config/index.js';
export * from './datadir.js';
export * from './open-store.js';
export * from './services.js';
export type { Actor, ChainStatus } from './modules/audit/service.js';
export { DeadLetterService } from './modules/ingest/deadletters.js';
export { IngestPipeline, type RawMessage, type SubmitResult } from './modules/ingest/pipeline.js';
export { splitIngestBody } from './modules/ingest/http-body.js';
export { Metrics } from './http/metrics.js';
export { applyV8Flags } from './v8-flags.js';
export { RetentionService } from './modules/ingest/retention.js';
export {
  importRulePack,
  CITY_PRODUCTS,
  CITY_CATEGORIES,
  type RuleImportResult,
} from './modules/detection/rule-import.js';
export { createDetection, CITY_RULES_DIR, type Detection } from './modules/detection/index.js';
export { IndicatorService } from './modules/indicators/service.js';
export {
  AssetService,
  OWNER_EDITABLE_FIELDS,
  type AssetDetail,
  type AssetListQuery,
  type EdgeResult,
  type EdgeView,
  type ServiceDetail,
} from './modules/assets/service.js';
export {
  AssetDirectory,
  AssetDiscovery,
  type AssetLookup,
  type DiscoveryResult,
  type ObservedEvent,
} from './modules/assets/directory.js';
export type { AssetInput, EdgeInput, ServiceInput } from './modules/assets/fields.js';
export type { AssetImportRequest, AssetImportResult } from './modules/assets/import.js';
export { CITIZEN_IMPACT_MEANING, CRITICALITY_MEANING } from './modules/assets/validate.js';
export { ImpactService, type FailedInput } from './modules/impact/service.js';
export { parsePlaybook, type PlaybookProblem } from './modules/playbooks/definition.js';
export {
  IncidentService,
  incidentSettings,
  severityOfAlerts,
  titleOfAlerts,
  type ClockWarning,
  type IncidentChangeEvent,
  type IncidentCreateInput,
  type IncidentDetail,
  type IncidentListQuery,
  type IncidentMetrics,
  type IncidentSettings,
  type IncidentSummary,
  type IncidentUpdateInput,
  type StatusInput,
  type TaskInput,
  type TaskUpdateInput,
} from './modules/incidents/service.js';
export { AlertService } from './modules/detection/alerts.js';
export { AlertStream } from './modules/detection/stream.js';
export {
  SettingsService,
  type ReportingSettings,
  type ReportingSettingsInput,
  type SettingsView,
} from './modules/settings/service.js';
export * from './modules/demo/index.js';
export { IncidentReports, REPORT_NAMES, type ReportName } from './modules/reports/service.js';

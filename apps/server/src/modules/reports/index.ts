/**
 * Incident reports: the CERT-In report (JSON, PDF, and a zip bundle with the logs of the period),
 * the DPDP notices to the Data Protection Board and to citizens, and the CISO's post-incident
 * report. All are pure functions of a `ReportFacts` object (see facts.ts); `gatherLogs` reads the
 * raw archive for the facts' `logs`.
 */
export type * from './facts.js';
export { certInReport, renderCertInPdf, LOGS_FILE, type CertInReport } from './cert-in.js';
export {
  dpdpBoardIntimation,
  dpdpPrincipalNotice,
  renderDpdpBoardIntimationPdf,
  renderDpdpPrincipalNoticePdf,
  type DpdpBoardIntimation,
  type DpdpPrincipalNotice,
} from './dpdp.js';
export { renderPostIncidentPdf, responseMetrics, type ResponseMetric } from './post-incident.js';
export {
  gatherLogs,
  logCriteria,
  logPeriod,
  logsNdjson,
  DEFAULT_LOG_SCAN_LIMIT,
  DEFAULT_MAX_LOG_LINES,
  type ArchiveReader,
  type LogQuery,
} from './logs.js';
export {
  reportBundle,
  MANIFEST_FILE,
  SUMS_FILE,
  type BundleManifest,
  type ReportBundle,
} from './bundle.js';

// The shapes of incidents, reports, playbooks, the block list, notifications and reporting
// settings as the API answers them (see /api/docs on a running server), and the two requests
// the JSON client does not make: a raw file upload and a download.
import { ApiError, SESSION_LOST } from './client';
import type { AlertAsset } from './types';

export const INCIDENT_STATUSES = [
  'new',
  'triage',
  'contained',
  'eradicated',
  'recovered',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export const INCIDENT_RESOLUTIONS = [
  'resolved',
  'false_positive',
  'duplicate',
  'risk_accepted',
] as const;
export type ClockState = 'running' | 'warning' | 'overdue' | 'met' | 'met-late';

export interface LegalClock {
  duty: string;
  title: string;
  authority: string;
  startedAt: string;
  dueAt: string;
  /** when it turns to warning: the server's first incidents.warnBeforeMinutes before dueAt */
  warningAt: string;
  statutoryDeadline: boolean;
  state: ClockState;
  remainingMs: number | null;
  reportedAt: string | null;
  reportedBy: string | null;
  reference: string | null;
}

export interface Incident {
  id: string;
  seq: number;
  number: string;
  title: string;
  description: string | null;
  severity: IncidentSeverity;
  status: IncidentStatus;
  resolution: string | null;
  ownerId: string | null;
  ownerName: string | null;
  certInType: string | null;
  personalDataBreach: boolean;
  noticedAt: string;
  acknowledgedAt: string | null;
  containedAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  mergedIntoId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface IncidentSummary extends Incident {
  clocks: LegalClock[];
  /** the affected assets, most critical first */
  assets: { id: string; name: string; criticality: number | null }[];
}

export interface IncidentList {
  incidents: IncidentSummary[];
  nextBefore: number | null;
}

export interface IncidentAlert {
  id: string;
  ruleId: string;
  ruleTitle: string;
  kind: string;
  level: string;
  severity: string;
  status: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  sourceIp: string | null;
  hostName: string | null;
  userName: string | null;
  eventSeqs: number[];
  asset: AlertAsset | null;
  attachedAt: string;
  attachedBy: string;
}

export interface Observable {
  id: string;
  type: string;
  value: string;
  firstSeen: string | null;
  lastSeen: string | null;
  source: string;
  addedAt: string;
  addedBy: string;
  alertIds: string[];
  eventSeqs: number[];
}

export interface Task {
  id: string;
  incidentId: string;
  title: string;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: string | null;
  status: 'open' | 'done';
  createdAt: string;
  createdBy: string;
  doneAt: string | null;
  doneBy: string | null;
}

export interface Note {
  id: string;
  authorName: string;
  text: string;
  createdAt: string;
}

export interface Evidence {
  id: string;
  incidentId: string;
  fileName: string;
  size: number;
  sha256: string;
  mediaType: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

export interface Custody {
  seq: number;
  evidenceId: string;
  action: string;
  actorName: string;
  at: string;
  sha256Seen: string | null;
  outcome: string;
  note: string | null;
}

export interface Proposal {
  id: string;
  incidentId: string;
  incidentNumber: string;
  incidentTitle: string;
  alertId: string;
  alert: { id: string; ruleTitle: string; severity: string; lastSeen: string } | null;
  reasons: { kind: string; value: string; label: string }[];
  status: string;
  createdAt: string;
}

export type TimelineKind =
  'alert' | 'event' | 'action' | 'note' | 'task' | 'task-done' | 'evidence' | 'duty-report';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  by: string | null;
  text: string;
  ref: string | null;
}

export interface Cascade {
  roots: { id: string; name: string }[];
  atRisk: {
    id: string;
    name: string;
    kind: 'asset' | 'service';
    minutesToImpact: number;
    via: string | null;
  }[];
  assetsAtRisk: number;
  servicesAtRisk: number;
  survived: { id: string; name: string; group: string; k: number; n: number; working: number }[];
}

export interface IncidentDetail {
  incident: Incident;
  clocks: LegalClock[];
  alerts: IncidentAlert[];
  assets: {
    assetId: string;
    name: string | null;
    ownerId: string | null;
    source: string;
    addedAt: string;
  }[];
  services: { serviceId: string; name: string | null; source: string; addedAt: string }[];
  assignees: {
    userId: string;
    username: string;
    displayName: string;
    role: string;
    department: string | null;
  }[];
  observables: Observable[];
  tasks: Task[];
  notes: Note[];
  evidence: Evidence[];
  timeline: TimelineEntry[];
  cascade: Cascade | null;
  similar: {
    id: string;
    number: string;
    title: string;
    severity: string;
    resolution: string | null;
    closedAt: string | null;
    score: number;
    shared: string[];
  }[];
  proposals: Proposal[];
  mergedFrom: { id: string; number: string }[];
}

export interface Classification {
  certInTypes: { code: string; number: string; title: string }[];
  duties: { duty: string; title: string; authority: string; hours: number | null }[];
  severities: string[];
  statuses: string[];
  resolutions: string[];
  observableTypes: string[];
}

export interface AlertIncidents {
  alertId: string;
  incidents: { id: string; number: string; status: string }[];
  proposals: Proposal[];
}

export interface PersonalDataParticulars {
  nature: string;
  extent: string;
  timing: string | null;
  location: string | null;
  likelyImpact: string;
  likelyConsequences: string;
  categoriesOfPersonalData: string[];
  categoriesOfDataPrincipals: string[];
  approximateNumberAffected: number | null;
  mitigation: string;
  whatPrincipalsCanDo: string[];
  contactForPrincipals: { name: string; email: string | null; phone: string | null } | null;
  circumstances: string | null;
  causedBy: string | null;
  preventRecurrence: string | null;
  principalsInformed: { at: string; how: string } | null;
}

export interface ReportDetails {
  detectionNote: string | null;
  personalData: PersonalDataParticulars | null;
  review: { rootCause: string | null; lessons: string[] } | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface Playbook {
  id: string;
  title: string;
  description: string | null;
  origin: 'built-in' | 'uploaded';
  enabled: boolean;
  trigger: Record<string, unknown>;
  steps: { action: string; name: string | null; needsApproval: boolean }[];
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface PlaybookProblem {
  line: number;
  column: number;
  path: string;
  message: string;
}

export interface PlaybookStep {
  step: number;
  action: string;
  name: string | null;
  needsApproval: boolean;
  status: string;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  approvedBy: string | null;
  approvedAt: string | null;
  decisionNote: string | null;
  error: string | null;
}

export interface PlaybookRun {
  id: string;
  seq: number;
  playbookId: string;
  playbookTitle: string;
  trigger: string;
  subject: { kind: 'alert' | 'incident'; id: string; title: string };
  status: string;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  steps: PlaybookStep[];
}

export interface BlockEntry {
  id: string;
  value: string;
  reason: string;
  addedBy: string;
  addedByKind: string;
  runId: string | null;
  createdAt: string;
  expiresAt: string | null;
  removedAt: string | null;
}

export interface Channel {
  id: string;
  name: string;
  owner: { user: string | null; role: string | null };
  kind: 'email' | 'webhook';
  address: string;
  hasSecret: boolean;
  events: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** a webhook's generated secret, in the answer that created the channel only */
  secret?: string;
}

export interface NotificationEventInfo {
  event: string;
  meaning: string;
}

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  seq: number;
  channelId: string;
  channelName: string;
  event: string;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

/** The answer of a channel's Test button. */
export interface ChannelTestResult {
  channel: { id: string; name: string; kind: string };
  deliveryId: string;
  delivered: boolean;
  error: string | null;
}

export interface ReportingSettings {
  settings: {
    organisation: string | null;
    sector: string | null;
    address: string | null;
    city: string | null;
    state: string | null;
    pointOfContact: {
      name: string | null;
      designation: string | null;
      email: string | null;
      phone: string | null;
      mobile: string | null;
    };
    certInEmail: string;
  };
  missing: string[];
  updatedBy: string | null;
  updatedAt: string | null;
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  type ErrorBody = { error?: string; message?: string; details?: unknown } | null;
  let body: ErrorBody = null;
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    body = null;
  }
  if (res.status === 401)
    window.dispatchEvent(new CustomEvent(SESSION_LOST, { detail: body?.message }));
  return new ApiError(
    res.status,
    body?.error ?? 'error',
    body?.message || `The server answered ${res.status} ${res.statusText}.`,
    body?.details,
  );
}

/** Sends a file as the raw body (the evidence route reads a stream, never JSON). */
export async function uploadFile<T>(path: string, file: Blob, query: Record<string, string>) {
  const res = await fetch(`/api/v1${path}?${new URLSearchParams(query).toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/**
 * Fetches a file and hands it to the browser as a download under the server's name, so an error
 * (a report that cannot be built, evidence whose hash changed) is shown instead of saved.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  const disposition = res.headers.get('content-disposition') ?? '';
  const named =
    /filename\*=UTF-8''([^;]+)/.exec(disposition) ?? /filename="?([^";]+)/.exec(disposition);
  const name = named ? decodeURIComponent(named[1]!) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

import { Type, type TSchema } from 'typebox';
import {
  CERT_IN_INCIDENT_TYPES,
  INCIDENT_RESOLUTIONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  LEGAL_DUTY_NAMES,
} from '@prahari/core';
import { OBSERVABLE_TYPES } from '@prahari/store';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();
const NullStr = Nullable(Type.String());
const Time = Type.String({ description: 'ISO 8601 UTC' });
const NullTime = Nullable(Time);

const SEVERITIES = INCIDENT_SEVERITIES.join(', ');
const STATUSES = INCIDENT_STATUSES.join(', ');
const CERT_IN_TYPES = CERT_IN_INCIDENT_TYPES.map((t) => t.code).join(', ');

export const IncidentSchema = Type.Object({
  id: Str,
  seq: Type.Integer({ description: 'creation order; page with before=' }),
  number: Type.String({ description: 'what people say: INC-2026-0007' }),
  title: Str,
  description: NullStr,
  severity: Type.String({ description: SEVERITIES }),
  status: Type.String({ description: STATUSES }),
  resolution: Nullable(Type.String({ description: INCIDENT_RESOLUTIONS.join(', ') })),
  ownerId: NullStr,
  ownerName: NullStr,
  certInType: Nullable(Type.String({ description: `CERT-In Annexure I type: ${CERT_IN_TYPES}` })),
  personalDataBreach: Type.Boolean({ description: 'personal data was breached (DPDP duties)' }),
  noticedAt: Type.String({ description: 'when the city noticed it: the legal clocks start here' }),
  acknowledgedAt: Nullable(Type.String({ description: 'when it first left new' })),
  containedAt: Nullable(Type.String({ description: 'when it first reached contained or later' })),
  closedAt: NullTime,
  closedBy: NullStr,
  mergedIntoId: Nullable(Type.String({ description: 'closed as a duplicate of this incident' })),
  createdAt: Time,
  createdBy: Str,
  updatedAt: Time,
  updatedBy: Str,
});

export const LegalClockSchema = Type.Object({
  duty: Type.String({ description: LEGAL_DUTY_NAMES.join(', ') }),
  title: Str,
  authority: Str,
  startedAt: Time,
  dueAt: Time,
  warningAt: Type.String({
    description:
      'ISO 8601 UTC: when the clock turns to warning (incidents.warnBeforeMinutes, the first threshold, before dueAt)',
  }),
  statutoryDeadline: Type.Boolean({
    description: "false: the city's own target for a duty the law says to meet without delay",
  }),
  state: Type.String({ description: 'running, warning, overdue, met, met-late' }),
  remainingMs: Nullable(Type.Number({ description: 'negative once overdue; null once reported' })),
  reportedAt: NullTime,
  reportedBy: NullStr,
  reference: NullStr,
});

export const IncidentSummarySchema = Type.Object({
  ...IncidentSchema.properties,
  clocks: Type.Array(LegalClockSchema),
  assets: Type.Array(Type.Object({ id: Str, name: Str, criticality: Nullable(Type.Integer()) }), {
    description: 'the affected assets, most critical first',
  }),
});

export const IncidentListSchema = Type.Object({
  incidents: Type.Array(IncidentSummarySchema),
  nextBefore: Nullable(Type.Integer({ description: 'pass as before= for the next page' })),
});

const AlertSummarySchema = Type.Object({
  id: Str,
  ruleId: Str,
  ruleTitle: Str,
  kind: Str,
  level: Str,
  severity: Str,
  status: Str,
  firstSeen: Time,
  lastSeen: Time,
  count: Type.Integer(),
  sourceIp: NullStr,
  hostName: NullStr,
  userName: NullStr,
  eventSeqs: Type.Array(Type.Integer()),
  asset: Nullable(
    Type.Object({
      id: Str,
      name: Str,
      criticality: Nullable(Type.Integer()),
      zone: NullStr,
      ownerId: NullStr,
      ownerName: NullStr,
    }),
  ),
  attachedAt: Time,
  attachedBy: Str,
});

export const ObservableSchema = Type.Object({
  id: Str,
  type: Type.String({ description: OBSERVABLE_TYPES.join(', ') }),
  value: Str,
  firstSeen: NullTime,
  lastSeen: NullTime,
  source: Type.String({ description: 'alert: extracted from an attached alert; manual' }),
  addedAt: Time,
  addedBy: Str,
  alertIds: Type.Array(Str, { description: 'the attached alerts it was seen in' }),
  eventSeqs: Type.Array(Type.Integer(), { description: 'the events it was seen in' }),
});

export const TaskSchema = Type.Object({
  id: Str,
  incidentId: Str,
  title: Str,
  assigneeId: NullStr,
  assigneeName: NullStr,
  dueAt: NullTime,
  status: Type.String({ description: 'open or done' }),
  createdAt: Time,
  createdBy: Str,
  updatedAt: Time,
  updatedBy: Str,
  doneAt: NullTime,
  doneBy: NullStr,
});

export const NoteSchema = Type.Object({
  id: Str,
  incidentId: Str,
  authorId: NullStr,
  authorName: Str,
  text: Str,
  createdAt: Time,
});

export const EvidenceSchema = Type.Object({
  id: Str,
  incidentId: Str,
  fileName: Str,
  size: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the file at upload, hex' }),
  mediaType: NullStr,
  uploadedBy: Str,
  uploadedAt: Time,
});

export const CustodySchema = Type.Object({
  seq: Type.Integer(),
  evidenceId: Str,
  action: Type.String({ description: 'uploaded, downloaded, verified, refused, moved' }),
  actorName: Str,
  at: Time,
  sha256Seen: Nullable(Type.String({ description: 'the SHA-256 the file had then' })),
  outcome: Type.String({ description: 'ok, or mismatch: the file no longer had its hash' }),
  note: NullStr,
});

const DutyReportSchema = Type.Object({
  duty: Str,
  reportedAt: Time,
  reportedBy: Str,
  reference: NullStr,
  recordedAt: Time,
});

export const ProposalSchema = Type.Object({
  id: Str,
  incidentId: Str,
  incidentNumber: Str,
  incidentTitle: Str,
  alertId: Str,
  alert: Nullable(Type.Object({ id: Str, ruleTitle: Str, severity: Str, lastSeen: Time })),
  reasons: Type.Array(
    Type.Object({
      kind: Type.String({ description: 'asset, source_ip or observable' }),
      value: Str,
      label: Str,
    }),
  ),
  status: Type.String({ description: 'open, accepted, dismissed, attached (automatically)' }),
  createdAt: Time,
  decidedAt: NullTime,
  decidedBy: NullStr,
});

export const IncidentDetailSchema = Type.Object({
  incident: IncidentSchema,
  clocks: Type.Array(LegalClockSchema),
  alerts: Type.Array(AlertSummarySchema),
  assets: Type.Array(
    Type.Object({
      assetId: Str,
      name: Nullable(Type.String({ description: 'null when the register no longer has it' })),
      ownerId: NullStr,
      source: Str,
      addedAt: Time,
      addedBy: Str,
    }),
  ),
  services: Type.Array(
    Type.Object({ serviceId: Str, name: NullStr, source: Str, addedAt: Time, addedBy: Str }),
  ),
  assignees: Type.Array(
    Type.Object({
      userId: Str,
      username: Str,
      displayName: Str,
      role: Str,
      department: NullStr,
      assignedAt: Time,
      assignedBy: Str,
    }),
  ),
  observables: Type.Array(ObservableSchema),
  tasks: Type.Array(TaskSchema),
  notes: Type.Array(NoteSchema),
  evidence: Type.Array(EvidenceSchema),
  dutyReports: Type.Array(DutyReportSchema),
  timeline: Type.Array(
    Type.Object({
      at: Time,
      kind: Type.String({
        description: 'alert, event, action, note, task, task-done, evidence, duty-report',
      }),
      by: NullStr,
      text: Str,
      ref: NullStr,
    }),
    { description: 'what happened and what was done, oldest first' },
  ),
  cascade: Nullable(
    Type.Object(
      {
        roots: Type.Array(Type.Object({ id: Str, name: Str })),
        atRisk: Type.Array(
          Type.Object({
            id: Str,
            name: Str,
            kind: Type.String({ description: 'asset or service' }),
            minutesToImpact: Type.Number(),
            via: NullStr,
          }),
        ),
        assetsAtRisk: Type.Integer(),
        servicesAtRisk: Type.Integer(),
        survived: Type.Array(
          Type.Object({
            id: Str,
            name: Str,
            group: Str,
            k: Type.Integer(),
            n: Type.Integer(),
            working: Type.Integer(),
          }),
        ),
      },
      { description: 'what else fails if the affected assets do, and how soon' },
    ),
  ),
  similar: Type.Array(
    Type.Object({
      id: Str,
      number: Str,
      title: Str,
      severity: Str,
      resolution: NullStr,
      closedAt: NullTime,
      score: Type.Integer(),
      shared: Type.Array(Str),
    }),
    { description: 'closed incidents sharing rules, assets, observables or type, best first' },
  ),
  proposals: Type.Array(ProposalSchema),
  mergedFrom: Type.Array(Type.Object({ id: Str, number: Str })),
});

const GroupTimesSchema = Type.Object({
  name: Str,
  incidents: Type.Integer(),
  medianMinutesToAcknowledge: Nullable(Type.Number()),
  medianMinutesToContain: Nullable(Type.Number()),
  medianMinutesToClose: Nullable(Type.Number()),
});

export const MetricsSchema = Type.Object({
  from: Time,
  to: Time,
  incidents: Type.Array(
    Type.Object({
      id: Str,
      number: Str,
      title: Str,
      severity: Str,
      status: Str,
      ownerName: NullStr,
      noticedAt: Time,
      createdAt: Time,
      minutesToAcknowledge: Nullable(Type.Integer()),
      minutesToContain: Nullable(Type.Integer()),
      minutesToClose: Nullable(Type.Integer()),
    }),
  ),
  overall: GroupTimesSchema,
  byDepartment: Type.Array(GroupTimesSchema, {
    description: 'by the department of the owner and assignees',
  }),
  byPerson: Type.Array(GroupTimesSchema, { description: 'by owner and assignee' }),
});

const People = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: 50,
  description: 'usernames or user ids',
});

export const CreateBodySchema = Type.Object(
  {
    alertIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 }),
    ),
    title: Type.Optional(
      Type.String({ maxLength: 200, description: "default: the alerts' rule titles" }),
    ),
    description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
    severity: Type.Optional(
      Type.String({ description: `${SEVERITIES}; default: the highest alert severity` }),
    ),
    owner: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    assignees: Type.Optional(People),
    assets: Type.Optional(
      Type.Array(Type.String({ maxLength: 200 }), {
        maxItems: 200,
        description: "asset ids or names, besides the alerts' own",
      }),
    ),
    certInType: Type.Optional(Nullable(Type.String({ description: CERT_IN_TYPES }))),
    personalDataBreach: Type.Optional(Type.Boolean()),
    noticedAt: Type.Optional(
      Type.String({ description: 'default: when the first alert was raised, or now' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateBodySchema = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
    severity: Type.Optional(Type.String({ description: SEVERITIES })),
    owner: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    assignees: Type.Optional(People),
    certInType: Type.Optional(Nullable(Type.String({ description: CERT_IN_TYPES }))),
    personalDataBreach: Type.Optional(Type.Boolean()),
    noticedAt: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Only the fields given change; assignees replaces the list.',
  },
);

export const StatusBodySchema = Type.Object(
  {
    status: Type.String({ description: STATUSES }),
    resolution: Type.Optional(
      Nullable(
        Type.String({ description: `only when closing: ${INCIDENT_RESOLUTIONS.join(', ')}` }),
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const AlertIdsBodySchema = Type.Object(
  { alertIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 }) },
  { additionalProperties: false },
);

export const SplitBodySchema = Type.Object(
  {
    alertIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 500,
    }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    severity: Type.Optional(Type.String({ description: SEVERITIES })),
  },
  { additionalProperties: false },
);

export const MergeBodySchema = Type.Object(
  {
    from: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'the incident (id or number) that joins this one and closes as a duplicate',
    }),
  },
  { additionalProperties: false },
);

export const TaskBodySchema = Type.Object(
  {
    title: Type.String({ maxLength: 200 }),
    assignee: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    dueAt: Type.Optional(Nullable(Type.String({ description: 'ISO 8601' }))),
  },
  { additionalProperties: false },
);

export const TaskPatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    assignee: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    dueAt: Type.Optional(Nullable(Type.String())),
    status: Type.Optional(Type.String({ description: 'open or done' })),
  },
  {
    additionalProperties: false,
    description: 'A system owner may only set the status of a task assigned to them.',
  },
);

export const ObservableBodySchema = Type.Object(
  {
    type: Type.String({ description: OBSERVABLE_TYPES.join(', ') }),
    value: Type.String({ maxLength: 2048 }),
  },
  { additionalProperties: false },
);

export const NoteBodySchema = Type.Object(
  { text: Type.String({ maxLength: 20_000 }) },
  { additionalProperties: false },
);

export const DutyReportBodySchema = Type.Object(
  {
    reportedAt: Type.Optional(Type.String({ description: 'when it was sent; default now' })),
    reference: Type.Optional(
      Nullable(Type.String({ maxLength: 200, description: "the authority's reference" })),
    ),
  },
  { additionalProperties: false },
);

export const ListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.String({ description: `comma-separated: ${STATUSES}` })),
    state: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('closed')], {
        description: 'open: every status but closed',
      }),
    ),
    severity: Type.Optional(Type.String({ description: `comma-separated: ${SEVERITIES}` })),
    owner: Type.Optional(Type.String({ maxLength: 100, description: 'username or id' })),
    assignee: Type.Optional(Type.String({ maxLength: 100, description: 'username or id' })),
    asset: Type.Optional(Type.String({ maxLength: 200, description: 'asset id or name' })),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'part of the number, title or description' }),
    ),
    clock: Type.Optional(
      Type.String({
        description: 'with a legal clock in this state: running, warning, overdue, met, met-late',
      }),
    ),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextBefore of the last page' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const MetricsQuerySchema = Type.Object(
  {
    from: Type.Optional(
      Type.String({ description: 'opened at or after; default 90 days before to' }),
    ),
    to: Type.Optional(Type.String({ description: 'opened before; default now' })),
  },
  { additionalProperties: false },
);

export const RefParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'incident id or number' }),
});

export const ClassificationSchema = Type.Object({
  certInTypes: Type.Array(Type.Object({ code: Str, number: Str, title: Str })),
  duties: Type.Array(
    Type.Object({
      duty: Str,
      title: Str,
      authority: Str,
      hours: Nullable(Type.Integer({ description: "null: without delay (the city's target)" })),
    }),
  ),
  severities: Type.Array(Str),
  statuses: Type.Array(Str),
  resolutions: Type.Array(Str),
  observableTypes: Type.Array(Str),
});

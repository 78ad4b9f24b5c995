import { Type } from 'typebox';
import { ACTIONS } from './definition.js';

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);

const RUN_STATUSES = ['running', 'awaiting-approval', 'done', 'failed', 'rejected'] as const;
const STEP_STATUSES = [
  'pending',
  'awaiting-approval',
  'approved',
  'rejected',
  'running',
  'done',
  'failed',
] as const;

export const ProblemSchema = Type.Object({
  line: Type.Integer(),
  column: Type.Integer(),
  path: Type.String({ description: 'where in the playbook, e.g. steps.2.value' }),
  message: Str,
});

const TriggerSchema = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'on: alert (rule, minSeverity, kind), on: incident (when: created|classified|status, certInType, minSeverity, status) or on: manual',
});

export const PlaybookSchema = Type.Object({
  id: Str,
  title: Str,
  description: NullStr,
  origin: Type.String({
    description: "built-in (Prahari's own, in apps/server/playbooks) or uploaded",
  }),
  enabled: Type.Boolean({ description: 'triggers start runs only when enabled' }),
  trigger: TriggerSchema,
  steps: Type.Array(
    Type.Object({
      action: Type.String({ description: ACTIONS.join(', ') }),
      name: NullStr,
      needsApproval: Type.Boolean(),
    }),
  ),
  createdBy: NullStr,
  createdAt: NullStr,
  updatedBy: NullStr,
  updatedAt: NullStr,
});

export const PlaybookDetailSchema = Type.Intersect([
  PlaybookSchema,
  Type.Object({ yaml: Type.String({ description: 'the playbook file, its secret hidden' }) }),
]);

export const YamlBody = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 200_000, description: 'the playbook (YAML)' }),
  },
  { additionalProperties: false },
);

export const UploadBody = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 200_000, description: 'the playbook (YAML)' }),
    replace: Type.Optional(
      Type.Boolean({ description: 'replace the uploaded playbook with the same id' }),
    ),
    enabled: Type.Optional(
      Type.Boolean({ description: 'default: true, or as it was for a replaced playbook' }),
    ),
  },
  { additionalProperties: false },
);

export const ValidationReportSchema = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(ProblemSchema),
  playbook: Type.Union([
    Type.Object({ id: Str, title: Str, trigger: TriggerSchema, steps: Type.Integer() }),
    Type.Null(),
  ]),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const RunBody = Type.Object(
  {
    alertId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    incidentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const StepSchema = Type.Object({
  step: Type.Integer({ description: 'position in the playbook, from 1' }),
  action: Str,
  name: NullStr,
  needsApproval: Type.Boolean(),
  status: Type.String({ description: STEP_STATUSES.join(', ') }),
  inputs: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'the parameters with templates filled in (set when the step is reached)',
  }),
  outputs: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'what the step did: ids made, each HTTP attempt',
  }),
  approvedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'who approved or rejected it',
  }),
  approvedAt: NullStr,
  decisionNote: NullStr,
  error: NullStr,
  attempts: Type.Integer(),
  startedAt: NullStr,
  finishedAt: NullStr,
});

export const RunSchema = Type.Object({
  id: Str,
  seq: Type.Integer(),
  playbookId: Str,
  playbookTitle: Str,
  trigger: Type.String({ description: 'alert, incident or manual' }),
  subject: Type.Object({
    kind: Type.String({ description: 'alert or incident' }),
    id: Str,
    title: Type.String({ description: 'what the run works on, in words' }),
  }),
  status: Type.String({ description: RUN_STATUSES.join(', ') }),
  startedBy: Str,
  startedAt: Str,
  finishedAt: NullStr,
  error: NullStr,
  steps: Type.Array(StepSchema),
});

export const RunListQuery = Type.Object(
  {
    playbook: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(
      Type.String({ maxLength: 200, description: `comma-separated: ${RUN_STATUSES.join(', ')}` }),
    ),
    alertId: Type.Optional(Type.String({ maxLength: 200 })),
    incidentId: Type.Optional(Type.String({ maxLength: 200 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'runs older than this seq' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const StepParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  step: Type.Integer({ minimum: 1, maximum: 50, description: 'the step, from 1' }),
});

export const DecisionBody = Type.Object(
  {
    note: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'why (kept with the decision)' }),
    ),
  },
  { additionalProperties: false },
);

export { RUN_STATUSES };

import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import {
  CERT_IN_INCIDENT_TYPES,
  INCIDENT_RESOLUTIONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  LEGAL_DUTIES,
  LEGAL_DUTY_NAMES,
} from '@prahari/core';
import { OBSERVABLE_TYPES } from '@prahari/store';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import {
  AlertIdsBodySchema,
  ClassificationSchema,
  CreateBodySchema,
  CustodySchema,
  DutyReportBodySchema,
  EvidenceSchema,
  IncidentDetailSchema,
  IncidentListSchema,
  ListQuerySchema,
  MergeBodySchema,
  MetricsQuerySchema,
  MetricsSchema,
  NoteBodySchema,
  NoteSchema,
  ObservableBodySchema,
  ObservableSchema,
  ProposalSchema,
  RefParams,
  SplitBodySchema,
  StatusBodySchema,
  TaskBodySchema,
  TaskPatchSchema,
  TaskSchema,
  UpdateBodySchema,
} from './schema.js';
import type { IncidentService } from './service.js';

/** Everyone who reads incidents; a system owner sees only those of their assets or naming them. */
const READ = ACCESS.people;
/** What a system owner may do on their incidents besides reading: notes, evidence, their tasks. */
const CONTRIBUTE = ['admin', 'analyst', 'owner'] as const;
const STAFF = ACCESS.staff;
const OWNER_NOTE =
  'A user with role owner sees only the incidents that touch their assets or name them as owner or assignee.';

const csv = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const AlertParams = Type.Object({
  id: RefParams.properties.id,
  alertId: Type.String({ minLength: 1, maxLength: 200 }),
});
const ObservableParams = Type.Object({
  id: RefParams.properties.id,
  observableId: Type.String({ minLength: 1, maxLength: 200 }),
});
const DutyParams = Type.Object({
  id: RefParams.properties.id,
  duty: Type.String({ minLength: 1, maxLength: 50, description: LEGAL_DUTY_NAMES.join(', ') }),
});
const TaskParams = Type.Object({
  id: RefParams.properties.id,
  taskId: Type.String({ minLength: 1, maxLength: 200 }),
});
const EvidenceParams = Type.Object({
  id: RefParams.properties.id,
  evidenceId: Type.String({ minLength: 1, maxLength: 200 }),
});
const ProposalParams = Type.Object({
  id: RefParams.properties.id,
  proposalId: Type.String({ minLength: 1, maxLength: 200 }),
});

/** A POST without a body is one with `{}`. */
function emptyBody(request: FastifyRequest, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

/** `/incidents` and `/alerts/:id/incident-proposals`: incidents and the work on them. */
export function incidentRoutes(incidents: IncidentService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['incidents'];

    // Evidence arrives as the raw request body, read as a stream (never held in memory whole).
    app.addContentTypeParser('application/octet-stream', (_request, payload, next) =>
      next(null, payload),
    );

    app.get(
      '/incidents',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Incidents, newest first, each with its legal clocks; page with before',
          description: `Filters combine. ${OWNER_NOTE}`,
          querystring: ListQuerySchema,
          response: { 200: IncidentListSchema, ...errorResponses },
        },
      },
      (request) => {
        const q = request.query;
        return incidents.list(
          {
            limit: q.limit,
            ...(q.status && { status: csv(q.status) }),
            ...(q.state && { state: q.state }),
            ...(q.severity && { severity: csv(q.severity) }),
            ...(q.owner && { owner: q.owner }),
            ...(q.assignee && { assignee: q.assignee }),
            ...(q.asset && { asset: q.asset }),
            ...(q.q && { q: q.q }),
            ...(q.clock && { clock: q.clock }),
            ...(q.before !== undefined && { before: q.before }),
          },
          actorOf(request),
        );
      },
    );

    app.post(
      '/incidents',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Open an incident from alerts (or by hand, with a title)',
          description:
            'From alerts: the title follows their rules, the severity the highest of theirs, the affected assets and services their assets, the observables their fields and events; alerts still new become acknowledged. An alert already in an open incident is a 409.',
          body: CreateBodySchema,
          response: { 201: IncidentDetailSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await incidents.create(request.body, actorOf(request))),
    );

    app.get(
      '/incidents/metrics',
      {
        config: { access: ['admin', 'analyst', 'auditor'] },
        schema: {
          tags,
          summary:
            'Response times of the incidents opened in a period: to acknowledge, contain and close, per incident and as medians per department and person',
          querystring: MetricsQuerySchema,
          response: { 200: MetricsSchema, ...errorResponses },
        },
      },
      (request) => incidents.metrics(request.query, actorOf(request)),
    );

    app.get(
      '/incidents/classification',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'The CERT-In Annexure I types, the legal duties and their clocks, severities, statuses, resolutions and observable types',
          response: { 200: ClassificationSchema, ...errorResponses },
        },
      },
      () => ({
        certInTypes: CERT_IN_INCIDENT_TYPES.map((t) => ({ ...t })),
        duties: LEGAL_DUTY_NAMES.map((duty) => ({
          duty,
          title: LEGAL_DUTIES[duty].title,
          authority: LEGAL_DUTIES[duty].authority,
          hours: LEGAL_DUTIES[duty].hours,
        })),
        severities: [...INCIDENT_SEVERITIES],
        statuses: [...INCIDENT_STATUSES],
        resolutions: [...INCIDENT_RESOLUTIONS],
        observableTypes: [...OBSERVABLE_TYPES],
      }),
    );

    app.get(
      '/incidents/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'One incident (id or number) with its alerts, assets, observables, tasks, notes, evidence, legal clocks, timeline, cascade and similar past incidents',
          description: OWNER_NOTE,
          params: RefParams,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) => incidents.detail(request.params.id, actorOf(request)),
    );

    app.patch(
      '/incidents/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Change title, description, severity, owner, assignees, or the classification (CERT-In type, personal-data breach, noticed time)',
          params: RefParams,
          body: UpdateBodySchema,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) => incidents.update(request.params.id, request.body, actorOf(request)),
    );

    app.post(
      '/incidents/:id/status',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: `Move the incident on (${INCIDENT_STATUSES.join(' → ')}); closing needs a resolution`,
          params: RefParams,
          body: StatusBodySchema,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) => incidents.setStatus(request.params.id, request.body, actorOf(request)),
    );

    app.post(
      '/incidents/:id/alerts',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Attach alerts (with their assets and observables)',
          params: RefParams,
          body: AlertIdsBodySchema,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) =>
        incidents.attachAlerts(request.params.id, request.body.alertIds, actorOf(request)),
    );

    app.delete(
      '/incidents/:id/alerts/:alertId',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Detach an alert, with what only it brought',
          params: AlertParams,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) =>
        incidents.detachAlert(request.params.id, request.params.alertId, actorOf(request)),
    );

    app.post(
      '/incidents/:id/merge',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Merge another incident into this one: everything moves, the other closes as a duplicate pointing here',
          params: RefParams,
          body: MergeBodySchema,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) => incidents.merge(request.params.id, request.body.from, actorOf(request)),
    );

    app.post(
      '/incidents/:id/split',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Move chosen alerts out into a new incident (answers with the new one)',
          params: RefParams,
          body: SplitBodySchema,
          response: { 201: IncidentDetailSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await incidents.split(request.params.id, request.body, actorOf(request))),
    );

    app.post(
      '/incidents/:id/assign-asset-owners',
      {
        config: { access: STAFF },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: "Make the owners of the incident's affected assets its assignees",
          params: RefParams,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      async (request) => {
        await incidents.assignOwnersOfAffectedAssets(request.params.id, actorOf(request));
        return incidents.detail(request.params.id, actorOf(request));
      },
    );

    app.post(
      '/incidents/:id/tasks',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Add a task, with an assignee (username or id) and a due time',
          params: RefParams,
          body: TaskBodySchema,
          response: { 201: TaskSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        return reply.status(201).send(
          await incidents.addTask(
            request.params.id,
            {
              title: b.title,
              ...(b.assignee !== undefined && { assigneeId: b.assignee }),
              ...(b.dueAt !== undefined && { dueAt: b.dueAt }),
            },
            actorOf(request),
          ),
        );
      },
    );

    app.patch(
      '/incidents/:id/tasks/:taskId',
      {
        config: { access: CONTRIBUTE },
        schema: {
          tags,
          summary: 'Change a task or mark it done (a system owner: only the status of their own)',
          params: TaskParams,
          body: TaskPatchSchema,
          response: { 200: TaskSchema, ...errorResponses },
        },
      },
      (request) => {
        const b = request.body;
        return incidents.updateTask(
          request.params.id,
          request.params.taskId,
          {
            ...(b.title !== undefined && { title: b.title }),
            ...(b.assignee !== undefined && { assigneeId: b.assignee }),
            ...(b.dueAt !== undefined && { dueAt: b.dueAt }),
            ...(b.status !== undefined && { status: b.status }),
          },
          actorOf(request),
        );
      },
    );

    app.delete(
      '/incidents/:id/tasks/:taskId',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Delete a task',
          params: TaskParams,
          response: { 200: TaskSchema, ...errorResponses },
        },
      },
      (request) => incidents.deleteTask(request.params.id, request.params.taskId, actorOf(request)),
    );

    app.post(
      '/incidents/:id/observables',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Add an observable by hand (ip, domain, url, hash, user, host, email)',
          params: RefParams,
          body: ObservableBodySchema,
          response: { 201: ObservableSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await incidents.addObservable(request.params.id, request.body, actorOf(request))),
    );

    app.delete(
      '/incidents/:id/observables/:observableId',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Remove an observable',
          params: ObservableParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await incidents.removeObservable(
          request.params.id,
          request.params.observableId,
          actorOf(request),
        );
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/incidents/:id/notes',
      {
        config: { access: CONTRIBUTE },
        schema: {
          tags,
          summary: 'Add a note',
          params: RefParams,
          body: NoteBodySchema,
          response: { 201: NoteSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await incidents.addNote(request.params.id, request.body.text, actorOf(request))),
    );

    app.post(
      '/incidents/:id/evidence',
      {
        config: { access: CONTRIBUTE },
        schema: {
          tags,
          summary:
            'Upload an evidence file: the raw request body (Content-Type: application/octet-stream), named by ?name=',
          description:
            'Kept under its SHA-256 in the data directory with a chain of custody; larger than incidents.evidenceMaxBytes is a 413.',
          params: RefParams,
          querystring: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 255, description: 'the file name' }),
              type: Type.Optional(
                Type.String({ maxLength: 100, description: 'its media type, e.g. text/plain' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: EvidenceSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const declared = Number(request.headers['content-length'] ?? NaN);
        if (declared > incidents.settings.evidenceMaxBytes) {
          // refuse before reading what would be thrown away
          request.raw.resume();
          return reply.status(413).send({
            error: 'payload_too_large',
            message: `The evidence file is larger than this server accepts (${incidents.settings.evidenceMaxBytes} bytes, incidents.evidenceMaxBytes).`,
            details: { maxBytes: incidents.settings.evidenceMaxBytes },
          });
        }
        const body = request.body as NodeJS.ReadableStream | undefined;
        if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function')
          return reply.status(415).send({
            error: 'unsupported_media_type',
            message: 'Send the file as the raw body with Content-Type: application/octet-stream.',
          });
        const record = await incidents.addEvidence(
          request.params.id,
          {
            name: request.query.name,
            mediaType: request.query.type ?? null,
            body: body as unknown as Readable,
          },
          actorOf(request),
        );
        return reply.status(201).send(record);
      },
    );

    app.get(
      '/incidents/:id/evidence/:evidenceId',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'Download an evidence file; it is re-hashed first, and one whose SHA-256 changed is refused (409)',
          params: EvidenceParams,
        },
      },
      async (request, reply) => {
        const { evidence, stream } = await incidents.openEvidence(
          request.params.id,
          request.params.evidenceId,
          actorOf(request),
        );
        return reply
          .header('content-type', evidence.mediaType ?? 'application/octet-stream')
          .header(
            'content-disposition',
            `attachment; filename*=UTF-8''${encodeURIComponent(evidence.fileName)}`,
          )
          .header('x-content-sha256', evidence.sha256)
          .header('x-content-type-options', 'nosniff')
          .send(stream);
      },
    );

    app.post(
      '/incidents/:id/evidence/:evidenceId/verify',
      {
        config: { access: READ },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Re-hash an evidence file and record the check in its chain of custody',
          params: EvidenceParams,
          response: {
            200: Type.Object({
              evidence: EvidenceSchema,
              ok: Type.Boolean(),
              sha256Found: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errorResponses,
          },
        },
      },
      (request) =>
        incidents.verifyEvidence(request.params.id, request.params.evidenceId, actorOf(request)),
    );

    app.get(
      '/incidents/:id/evidence/:evidenceId/custody',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'The chain of custody: who uploaded, downloaded or verified it, when, with the hash seen',
          params: EvidenceParams,
          response: {
            200: Type.Object({ evidence: EvidenceSchema, custody: Type.Array(CustodySchema) }),
            ...errorResponses,
          },
        },
      },
      (request) =>
        incidents.custody(request.params.id, request.params.evidenceId, actorOf(request)),
    );

    app.post(
      '/incidents/:id/duties/:duty/report',
      {
        config: { access: STAFF },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: `Record a legal duty as reported (${LEGAL_DUTY_NAMES.join(', ')}): its clock stops`,
          params: DutyParams,
          body: DutyReportBodySchema,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) =>
        incidents.reportDuty(
          request.params.id,
          request.params.duty,
          request.body,
          actorOf(request),
        ),
    );

    app.get(
      '/incidents/:id/proposals',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'New alerts proposed for this incident (they share an asset, address or observable)',
          params: RefParams,
          response: { 200: Type.Array(ProposalSchema), ...errorResponses },
        },
      },
      (request) => incidents.proposals(request.params.id, actorOf(request)),
    );

    app.post(
      '/incidents/:id/proposals/:proposalId/accept',
      {
        config: { access: STAFF },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Attach the proposed alert',
          params: ProposalParams,
          response: { 200: IncidentDetailSchema, ...errorResponses },
        },
      },
      (request) =>
        incidents.acceptProposal(request.params.id, request.params.proposalId, actorOf(request)),
    );

    app.post(
      '/incidents/:id/proposals/:proposalId/dismiss',
      {
        config: { access: STAFF },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Dismiss the proposal',
          params: ProposalParams,
          response: { 200: ProposalSchema, ...errorResponses },
        },
      },
      (request) =>
        incidents.dismissProposal(request.params.id, request.params.proposalId, actorOf(request)),
    );

    app.get(
      '/alerts/:id/incident-proposals',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'For the alert view: the incidents an alert belongs to, and the open incidents it is proposed for',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: {
            200: Type.Object({
              alertId: Type.String(),
              incidents: Type.Array(
                Type.Object({ id: Type.String(), number: Type.String(), status: Type.String() }),
              ),
              proposals: Type.Array(ProposalSchema),
            }),
            ...errorResponses,
          },
        },
      },
      (request) => incidents.proposalsForAlert(request.params.id, actorOf(request)),
    );
    done();
  };
}

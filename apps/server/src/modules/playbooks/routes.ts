import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError } from '@prahari/core';
import type { PlaybookRunRecord, RunStatus } from '@prahari/store';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import {
  DecisionBody,
  IdParams,
  PlaybookDetailSchema,
  PlaybookSchema,
  RUN_STATUSES,
  RunBody,
  RunListQuery,
  RunSchema,
  StepParams,
  UploadBody,
  ValidationReportSchema,
  YamlBody,
} from './schema.js';
import { subjectLine, type PlaybookService } from './service.js';

/** Who may read playbooks and their runs; changing them and deciding steps is for staff. */
const READ = ['admin', 'analyst', 'auditor'] as const;

/** A POST without a body is one with `{}`: approving needs nothing more. */
function emptyBody(request: FastifyRequest, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

function runView(run: PlaybookRunRecord) {
  return {
    id: run.id,
    seq: run.seq,
    playbookId: run.playbookId,
    playbookTitle: run.playbookTitle,
    trigger: run.trigger,
    subject: { kind: run.subjectKind, id: run.subjectId, title: subjectLine(run) },
    status: run.status,
    startedBy: run.startedBy,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    steps: run.steps.map(({ index, ...step }) => ({ step: index + 1, ...step })),
  };
}

function statuses(text: string | undefined): RunStatus[] | undefined {
  if (text === undefined) return undefined;
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((s) => !(RUN_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new ValidationError(
      `Unknown run status ${unknown.join(', ')}: use ${RUN_STATUSES.join(', ')}.`,
      { field: 'status' },
    );
  return list as RunStatus[];
}

/** `/playbooks` and `/playbook-runs`: response playbooks, their runs and the approval of steps. */
export function playbookRoutes(playbooks: PlaybookService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['playbooks'];

    app.get(
      '/playbooks',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: "Prahari's own playbooks and uploaded ones, with their trigger and steps",
          response: { 200: Type.Array(PlaybookSchema), ...errorResponses },
        },
      },
      () => playbooks.list(),
    );

    app.get(
      '/playbooks/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One playbook with its YAML (its secret hidden)',
          params: IdParams,
          response: { 200: PlaybookDetailSchema, ...errorResponses },
        },
      },
      (request) => playbooks.get(request.params.id),
    );

    app.post(
      '/playbooks/validate',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Check a playbook without saving it: every problem with its line and column',
          body: YamlBody,
          response: { 200: ValidationReportSchema, ...errorResponses },
        },
      },
      (request) => playbooks.validate(request.body.yaml),
    );

    app.post(
      '/playbooks',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Upload a playbook (YAML); saved only if valid',
          description:
            'A playbook has id, title, trigger and steps. A 400 lists every problem in details.errors with line, column and path. An id in use is a 409 unless replace is true.',
          body: UploadBody,
          response: { 201: PlaybookDetailSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await playbooks.upload(actorOf(request), request.body)),
    );

    for (const [verb, enabled] of [
      ['enable', true],
      ['disable', false],
    ] as const) {
      app.post(
        `/playbooks/:id/${verb}`,
        {
          config: { access: ACCESS.staff },
          preValidation: emptyBody,
          schema: {
            tags,
            summary: enabled
              ? 'Enable a playbook: its trigger starts runs from now on'
              : 'Disable a playbook: its trigger starts no more runs (runs under way go on)',
            params: IdParams,
            body: Type.Object({}, { additionalProperties: false }),
            response: { 200: PlaybookSchema, ...errorResponses },
          },
        },
        (request) => playbooks.setEnabled(actorOf(request), request.params.id, enabled),
      );
    }

    app.delete(
      '/playbooks/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: "Delete an uploaded playbook (Prahari's own can only be disabled)",
          params: IdParams,
          response: { 200: PlaybookSchema, ...errorResponses },
        },
      },
      (request) => playbooks.delete(actorOf(request), request.params.id),
    );

    app.post(
      '/playbooks/:id/run',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Run a playbook now against an alert or an incident (enabled or not)',
          params: IdParams,
          body: RunBody,
          response: { 201: RunSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            runView(await playbooks.runManually(actorOf(request), request.params.id, request.body)),
          ),
    );

    app.get(
      '/playbook-runs',
      {
        config: { access: READ },
        schema: {
          tags,
          summary:
            'Playbook runs, newest first, each with its steps, inputs, outputs and decisions',
          description:
            'status=awaiting-approval lists what waits for an analyst. Page with before = the last seq.',
          querystring: RunListQuery,
          response: { 200: Type.Array(RunSchema), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const status = statuses(q.status);
        const runs = await playbooks.runs({
          limit: q.limit,
          ...(q.playbook !== undefined && { playbookId: q.playbook }),
          ...(status !== undefined && { status }),
          ...(q.alertId !== undefined && { subjectKind: 'alert' as const, subjectId: q.alertId }),
          ...(q.incidentId !== undefined && {
            subjectKind: 'incident' as const,
            subjectId: q.incidentId,
          }),
          ...(q.before !== undefined && { beforeSeq: q.before }),
        });
        return runs.map(runView);
      },
    );

    app.get(
      '/playbook-runs/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One playbook run with its steps',
          params: IdParams,
          response: { 200: RunSchema, ...errorResponses },
        },
      },
      async (request) => runView(await playbooks.run(request.params.id)),
    );

    app.post(
      '/playbook-runs/:id/steps/:step/approve',
      {
        config: { access: ACCESS.staff },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Approve a step waiting for approval: the run goes on, acting as you',
          description:
            'Answers at once with the step approved; the step and those after it then run (watch the run for done or failed).',
          params: StepParams,
          body: DecisionBody,
          response: { 200: RunSchema, ...errorResponses },
        },
      },
      async (request) =>
        runView(
          await playbooks.approve(
            actorOf(request),
            request.params.id,
            request.params.step,
            request.body.note,
          ),
        ),
    );

    app.post(
      '/playbook-runs/:id/steps/:step/reject',
      {
        config: { access: ACCESS.staff },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Reject a step waiting for approval: the run stops there',
          params: StepParams,
          body: DecisionBody,
          response: { 200: RunSchema, ...errorResponses },
        },
      },
      async (request) =>
        runView(
          await playbooks.reject(
            actorOf(request),
            request.params.id,
            request.params.step,
            request.body.note,
          ),
        ),
    );

    done();
  };
}

import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { NotFoundError, ValidationError } from '@prahari/core';
import { parserNames } from '@prahari/ingest';
import type { AlertRecord } from '@prahari/store';
import { actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import { ownerScope } from '../assets/service.js';
import type { AlertService } from './alerts.js';
import type { DetectionMetrics } from './metrics.js';
import type { RuleService } from './rules.js';
import { MAX_TEST_EVENTS } from './rule-test.js';
import { PROFILE_EVERY } from './rule-library.js';
import type { DetectionService } from './service.js';
import type { AlertStream } from './stream.js';

/**
 * Whether the request may see an alert: an `owner` (a person or their API key) sees the alerts on
 * the assets they own, everyone else all of them.
 */
function alertVisibility(request: FastifyRequest): (alert: AlertRecord) => boolean {
  const owner = ownerScope(actorOf(request));
  return owner === undefined ? () => true : (a) => owner !== null && a.asset?.ownerId === owner;
}

export interface DetectionRouteDeps {
  alerts: AlertService;
  rules: RuleService;
  detection: DetectionService;
  stream: AlertStream;
  metrics: DetectionMetrics;
}

const READ = ['admin', 'analyst', 'auditor'] as const;
/** Owners see the alerts of the assets they own, and nothing else of detection. */
const READ_ALERTS = ['admin', 'analyst', 'auditor', 'owner'] as const;
const WORK = ['admin', 'analyst'] as const;

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const LogSourceSchema = Type.Object({
  product: Type.Optional(Str),
  category: Type.Optional(Str),
  service: Type.Optional(Str),
});
const AlertStatusSchema = Type.Union([
  Type.Literal('new'),
  Type.Literal('acknowledged'),
  Type.Literal('closed'),
]);
const ResolutionSchema = Type.Union([
  Type.Literal('true_positive'),
  Type.Literal('false_positive'),
]);

/** What a change of an alert's status says: the status, the verdict when closing, a note. */
const StatusBody = {
  status: AlertStatusSchema,
  resolution: Type.Optional(ResolutionSchema),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
};

const AlertSchema = Type.Object({
  id: Str,
  seq: Type.Integer(),
  revision: Type.Integer({ description: 'raised on every change; the live stream’s event id' }),
  kind: Type.Union([Type.Literal('sigma'), Type.Literal('correlation'), Type.Literal('indicator')]),
  ruleId: Str,
  ruleTitle: Str,
  level: Str,
  logsource: LogSourceSchema,
  tags: Type.Array(Str),
  groupFields: Type.Record(Type.String(), Type.Unknown()),
  status: AlertStatusSchema,
  resolution: Type.Union([ResolutionSchema, Type.Null()]),
  statusBy: NullStr,
  statusAt: NullStr,
  statusNote: NullStr,
  firstSeen: Str,
  lastSeen: Str,
  count: Type.Integer({ description: 'hits folded into this alert' }),
  sourceIp: NullStr,
  hostName: NullStr,
  sourceName: NullStr,
  userName: NullStr,
  eventSeqs: Type.Array(Type.Integer(), { description: 'the first and the latest events' }),
  asset: Type.Union([
    Type.Object({
      id: Str,
      name: Str,
      criticality: Type.Union([Type.Integer(), Type.Null()]),
      zone: NullStr,
      ownerId: NullStr,
      ownerName: NullStr,
    }),
    Type.Null(),
  ]),
  severity: Type.String({
    description: 'the level weighed by the asset’s criticality (one up on 5, one down on 1–2)',
  }),
  matched: Type.Record(Type.String(), Type.Unknown(), {
    description: 'the fields that matched (rules), the window and value (correlations)',
  }),
  createdAt: Str,
  updatedAt: Str,
});

const RuleSchema = Type.Object({
  id: Str,
  kind: Type.Union([Type.Literal('rule'), Type.Literal('correlation'), Type.Literal('filter')]),
  title: Str,
  pack: Str,
  file: Str,
  line: Type.Union([Type.Integer(), Type.Null()]),
  level: NullStr,
  status: NullStr,
  description: NullStr,
  logsource: LogSourceSchema,
  tags: Type.Array(Str),
  enabled: Type.Boolean(),
  setting: Type.Union([Type.Object({ by: Str, at: Str, reason: NullStr }), Type.Null()]),
  deletable: Type.Boolean(),
  problems: Type.Array(Type.Object({ severity: Str, message: Str })),
  matches: Type.Optional(Type.Integer({ description: 'hits recorded in alerts' })),
});

const ReportSchema = Type.Object({
  valid: Type.Boolean(),
  rules: Type.Array(Type.Object({ id: NullStr, kind: Str, title: Str, file: Str })),
  errors: Type.Array(
    Type.Object({
      file: Str,
      line: Type.Union([Type.Integer(), Type.Null()]),
      column: Type.Union([Type.Integer(), Type.Null()]),
      message: Str,
    }),
  ),
  warnings: Type.Array(
    Type.Object({ file: Str, line: Type.Union([Type.Integer(), Type.Null()]), message: Str }),
  ),
  saved: Type.Optional(Type.Array(Str)),
});

const UploadBody = Type.Object(
  {
    yaml: Type.Optional(
      Type.String({ minLength: 1, description: 'rule YAML (one or more documents)' }),
    ),
    zipBase64: Type.Optional(
      Type.String({ minLength: 1, description: 'a zip of rule files, base64' }),
    ),
    name: Type.Optional(Type.String({ maxLength: 200, description: 'file name for yaml' })),
  },
  { additionalProperties: false },
);

const NullInt = Type.Union([Type.Integer(), Type.Null()]);
const RuleProblemSchema = Type.Object({ line: NullInt, column: NullInt, message: Str });

const RuleTestBody = Type.Object(
  {
    yaml: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256 * 1024,
        description: 'the rule to test (YAML; a correlation may come with its base rules)',
      }),
    ),
    ruleId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'or a loaded rule, by id' }),
    ),
    events: Type.String({
      minLength: 1,
      maxLength: 1024 * 1024,
      description: `JSON objects (JSON lines, an array, or objects one after another) or log lines; at most ${MAX_TEST_EVENTS}`,
    }),
    format: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('lines')], {
        description:
          'json: each object is tested as it is (a Prahari event with fields and logsource, a Windows evtx event, or any object); lines: each line is parsed by the ingest parsers, as if received; auto (default): json when the text starts with { or [',
      }),
    ),
    parser: Type.Optional(
      Type.Union(
        parserNames.map((p) => Type.Literal(p)),
        { description: 'force this ingest parser for log lines' },
      ),
    ),
    logsource: Type.Optional(
      Type.Object(
        {
          product: Type.Optional(Type.String({ maxLength: 100 })),
          category: Type.Optional(Type.String({ maxLength: 100 })),
          service: Type.Optional(Type.String({ maxLength: 100 })),
        },
        {
          additionalProperties: false,
          description: 'the logsource of plain JSON objects (else they meet every rule)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const RuleTestResultSchema = Type.Object({
  valid: Type.Boolean({ description: 'every rule loaded and compiled; events were tested' }),
  rules: Type.Array(
    Type.Object({
      id: NullStr,
      kind: Type.Union([Type.Literal('rule'), Type.Literal('correlation'), Type.Literal('filter')]),
      title: Str,
    }),
  ),
  referenced: Type.Array(Type.Object({ id: NullStr, title: Str }), {
    description: 'loaded rules added because a tested correlation names them',
  }),
  errors: Type.Array(RuleProblemSchema),
  warnings: Type.Array(RuleProblemSchema),
  format: Type.Union([Type.Literal('json'), Type.Literal('lines')]),
  events: Type.Array(
    Type.Object({
      index: Type.Integer(),
      line: Type.Integer({ description: 'line of the pasted text the event starts on' }),
      parser: Type.Union([Type.String(), Type.Null()], {
        description: 'the ingest parser of a log line; null for JSON tested as it is',
      }),
      logsource: Type.Union([LogSourceSchema, Type.Null()]),
      summary: Str,
      fields: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
        description: 'what a log line was parsed into: the field names a rule can use',
      }),
      error: Type.Union([Type.String(), Type.Null()], { description: 'why it was not tested' }),
      matches: Type.Array(
        Type.Object({
          kind: Type.Union([Type.Literal('detection'), Type.Literal('correlation')]),
          ruleId: NullStr,
          title: Str,
          level: NullStr,
          fields: Type.Record(Type.String(), Type.Unknown(), {
            description: "the fields the rule's detection names, with this event's values",
          }),
        }),
      ),
    }),
  ),
  total: Type.Integer(),
  matched: Type.Integer({ description: 'events at least one rule matched' }),
});

const FilterSchema = Type.Object({
  id: Str,
  title: Str,
  ruleIds: Type.Array(Str),
  source: Str,
  reason: Str,
  enabled: Type.Boolean(),
  createdBy: Str,
  createdAt: Str,
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const csv = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function detectionRoutes(deps: DetectionRouteDeps): FastifyPluginCallbackTypebox {
  const { alerts, rules, detection, stream, metrics } = deps;
  return (app, _options, done) => {
    // Open stream responses, so closing the server can end them rather than wait forever.
    const streams = new Set<ServerResponse>();
    app.addHook('preClose', (hookDone) => {
      for (const res of streams) res.end();
      hookDone();
    });

    app.get(
      '/alerts',
      {
        config: { access: READ_ALERTS },
        schema: {
          tags: ['detection'],
          summary: 'Alerts, newest first, with filters; page with `before` (the last seq seen)',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.String({ description: 'comma-separated: new,acknowledged,closed' }),
              ),
              level: Type.Optional(Type.String({ description: 'comma-separated levels' })),
              severity: Type.Optional(
                Type.String({ description: 'comma-separated severities (level weighed by asset)' }),
              ),
              asset: Type.Optional(Type.String({ maxLength: 64, description: 'asset id' })),
              kind: Type.Optional(
                Type.Union([
                  Type.Literal('sigma'),
                  Type.Literal('correlation'),
                  Type.Literal('indicator'),
                ]),
              ),
              rule: Type.Optional(Type.String({ maxLength: 200 })),
              sourceIp: Type.Optional(Type.String({ maxLength: 64 })),
              host: Type.Optional(Type.String({ maxLength: 255 })),
              from: Type.Optional(Type.String({ format: 'date-time' })),
              to: Type.Optional(Type.String({ format: 'date-time' })),
              q: Type.Optional(
                Type.String({ maxLength: 200, description: 'words in the rule title' }),
              ),
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(AlertSchema), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const owner = ownerScope(actorOf(request));
        // An owner's key that belongs to no user owns nothing.
        if (owner === null) return [];
        const statuses = csv(q.status);
        for (const s of statuses ?? [])
          if (!['new', 'acknowledged', 'closed'].includes(s))
            throw new ValidationError(
              `status '${s}' is unknown; use new, acknowledged or closed.`,
              {
                field: 'status',
              },
            );
        return alerts.list({
          ...(statuses && { status: statuses as AlertRecord['status'][] }),
          ...(q.level && { level: csv(q.level)! }),
          ...(q.severity && { severity: csv(q.severity)! }),
          ...(q.asset && { assetId: q.asset }),
          ...(owner !== undefined && { assetOwnerId: owner }),
          ...(q.kind && { kind: q.kind }),
          ...(q.rule && { ruleId: q.rule }),
          ...(q.sourceIp && { sourceIp: q.sourceIp }),
          ...(q.host && { hostName: q.host }),
          ...(q.from && { from: new Date(q.from).toISOString() }),
          ...(q.to && { to: new Date(q.to).toISOString() }),
          ...(q.q && { text: q.q }),
          ...(q.before && { beforeSeq: q.before }),
          limit: q.limit,
        });
      },
    );

    app.get(
      '/alerts/summary',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary:
            'Alert counts by status, and open ones by level and by severity; detection progress',
          response: {
            200: Type.Object({
              byStatus: Type.Record(Type.String(), Type.Integer()),
              byLevel: Type.Record(Type.String(), Type.Integer()),
              bySeverity: Type.Record(Type.String(), Type.Integer()),
              detection: Type.Object({
                cursor: Type.Integer(),
                lastSeq: Type.Integer(),
                lagEvents: Type.Integer(),
                evaluated: Type.Integer(),
                alertsOpened: Type.Integer(),
                alertsUpdated: Type.Integer(),
                rules: Type.Integer(),
                running: Type.Boolean(),
              }),
            }),
            ...errorResponses,
          },
        },
      },
      async () => {
        const { byStatus, byLevel, bySeverity } = await alerts.summary();
        return { byStatus, byLevel, bySeverity, detection: detection.stats() };
      },
    );

    app.get(
      '/alerts/stream',
      {
        config: { access: READ_ALERTS },
        schema: {
          tags: ['detection'],
          summary:
            'Live alerts as Server-Sent Events (event `alert`, id = revision). Resume with the Last-Event-ID header (or ?since=) to get every change missed',
          querystring: Type.Object(
            { since: Type.Optional(Type.Integer({ minimum: 0 })) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const header = request.headers['last-event-id'];
        const resumeFrom =
          typeof header === 'string' && /^\d+$/.test(header.trim())
            ? Number(header.trim())
            : request.query.since;
        let last = resumeFrom ?? (await deps.alerts.currentRevision());
        const visible = alertVisibility(request);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        let replaying = true;
        const held: AlertRecord[] = [];
        const send = (list: readonly AlertRecord[]) => {
          for (const a of list) {
            if (a.revision <= last) continue;
            if (!visible(a)) {
              last = a.revision;
              continue;
            }
            res.write(`id: ${a.revision}\nevent: alert\ndata: ${JSON.stringify(a)}\n\n`);
            last = a.revision;
          }
          // A client that stopped reading is let go; it resumes from its last id when it returns.
          if (res.writableLength > 4 * 1024 * 1024) res.destroy();
        };
        const unsubscribe = stream.subscribe((list) => {
          if (replaying) held.push(...list);
          else send(list);
        });
        streams.add(res);
        metrics.streamClients.set(stream.clients);
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        const cleanup = () => {
          clearInterval(heartbeat);
          unsubscribe();
          streams.delete(res);
          metrics.streamClients.set(stream.clients);
        };
        res.on('close', cleanup);
        try {
          if (resumeFrom !== undefined) {
            for (;;) {
              const page = await deps.alerts.changedAfter(last, 500);
              send(page);
              if (page.length < 500 || res.destroyed) break;
            }
          }
        } catch (err) {
          request.log.error({ err }, 'alert stream replay failed');
          res.destroy();
          return;
        }
        replaying = false;
        send(held.sort((a, b) => a.revision - b.revision));
      },
    );

    app.get(
      '/alerts/:id',
      {
        config: { access: READ_ALERTS },
        schema: {
          tags: ['detection'],
          summary: 'One alert with the events it kept',
          params: IdParams,
          response: {
            200: Type.Object({ alert: AlertSchema, events: Type.Array(Type.Unknown()) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const found = await alerts.withEvents(request.params.id);
        if (!alertVisibility(request)(found.alert))
          throw new NotFoundError(`No alert has id '${request.params.id}'.`);
        return found;
      },
    );

    app.post(
      '/alerts/status',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Acknowledge, reopen or close (true/false positive) many alerts at once',
          description:
            'Each alert is changed and audited as POST /alerts/:id/status would; ids that name no alert come back in missing.',
          body: Type.Object(
            {
              ids: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
                minItems: 1,
                maxItems: 500,
              }),
              ...StatusBody,
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              updated: Type.Array(AlertSchema),
              missing: Type.Array(Type.String()),
            }),
            ...errorResponses,
          },
        },
      },
      (request) => {
        const { ids, ...input } = request.body;
        return alerts.setStatusMany(actorOf(request), ids, input);
      },
    );

    app.post(
      '/alerts/:id/status',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Acknowledge, reopen or close (true/false positive) an alert',
          params: IdParams,
          body: Type.Object(StatusBody, { additionalProperties: false }),
          response: { 200: AlertSchema, ...errorResponses },
        },
      },
      (request) => alerts.setStatus(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/detect/backfill',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary:
            'Run the current rules over events received since a time (e.g. after adding a rule)',
          body: Type.Object(
            { since: Type.String({ format: 'date-time', description: 'ISO 8601' }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              fromSeq: Type.Integer(),
              toSeq: Type.Integer(),
              events: Type.Integer(),
              opened: Type.Integer(),
              updated: Type.Integer(),
            }),
            ...errorResponses,
          },
        },
      },
      (request) => detection.backfill(actorOf(request), new Date(request.body.since).toISOString()),
    );

    app.get(
      '/rules',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary: 'Loaded rules with their pack, state, problems and match counts',
          querystring: Type.Object(
            {
              pack: Type.Optional(Type.String({ maxLength: 100 })),
              kind: Type.Optional(
                Type.Union([
                  Type.Literal('rule'),
                  Type.Literal('correlation'),
                  Type.Literal('filter'),
                ]),
              ),
              level: Type.Optional(Type.String({ maxLength: 20 })),
              status: Type.Optional(Type.String({ maxLength: 20 })),
              enabled: Type.Optional(Type.Boolean()),
              product: Type.Optional(Type.String({ maxLength: 100 })),
              category: Type.Optional(Type.String({ maxLength: 100 })),
              service: Type.Optional(Type.String({ maxLength: 100 })),
              q: Type.Optional(Type.String({ maxLength: 200 })),
              offset: Type.Integer({ minimum: 0, default: 0 }),
              limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ total: Type.Integer(), rules: Type.Array(RuleSchema) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const { offset, limit, ...filters } = request.query;
        const all = await rules.list(filters);
        return { total: all.length, rules: all.slice(offset, offset + limit) };
      },
    );

    app.get(
      '/rules/cost',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary:
            'The slowest rules since the rules were last loaded: one event in 64 is timed rule by rule',
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: 5000, default: 20 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              sampleEvery: Type.Integer(),
              rules: Type.Array(
                Type.Object({
                  ruleId: Type.Optional(Str),
                  title: Str,
                  sampled: Type.Integer({ description: 'evaluations timed' }),
                  sampledMs: Type.Number(),
                  meanMicros: Type.Number({ description: 'mean time per evaluation, µs' }),
                  estimatedMs: Type.Number({ description: 'estimated time on every event' }),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({
        sampleEvery: PROFILE_EVERY,
        rules: (await rules.costs())
          .slice(0, request.query.limit)
          .map((c) => ({ ...c, estimatedMs: c.sampledMs * PROFILE_EVERY })),
      }),
    );

    app.get(
      '/rules/packs',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary: 'Rule packs: built-in, imported (with source and licence) and uploaded',
          response: {
            200: Type.Array(
              Type.Object({
                name: Str,
                builtIn: Type.Boolean(),
                rules: Type.Integer(),
                origin: Type.Union([
                  Type.Object({ source: Str, importedAt: Str, licence: NullStr }),
                  Type.Null(),
                ]),
              }),
            ),
            ...errorResponses,
          },
        },
      },
      () =>
        rules.packs().map(({ name, builtIn, rules: count, origin }) => ({
          name,
          builtIn,
          rules: count,
          origin,
        })),
    );

    app.post(
      '/rules/validate',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Check a rule or a zip of rules without saving',
          body: UploadBody,
          response: { 200: ReportSchema, ...errorResponses },
        },
      },
      (request) => rules.validate(request.body),
    );

    app.post(
      '/rules/test',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary:
            'Test a rule on pasted events: which match, with the fields that matched, or the rule’s errors by line and column. Nothing is stored and no alert is raised',
          body: RuleTestBody,
          response: { 200: RuleTestResultSchema, ...errorResponses },
        },
      },
      (request) => rules.test(request.body),
    );

    app.post(
      '/rules',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Upload a rule (YAML) or a zip of rules; saved only if every rule is valid',
          body: UploadBody,
          response: { 201: ReportSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await rules.upload(actorOf(request), request.body)),
    );

    app.get(
      '/rules/filters',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary: 'False-positive filters people added, with who and why',
          response: { 200: Type.Array(FilterSchema), ...errorResponses },
        },
      },
      () => rules.filters(),
    );

    app.post(
      '/rules/filters',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Add a false-positive filter (a Sigma filter document) to the rules it names',
          body: Type.Object(
            {
              yaml: Type.String({ minLength: 1, maxLength: 100_000 }),
              reason: Type.String({
                minLength: 3,
                maxLength: 2000,
                description: 'why this is not an attack',
              }),
            },
            { additionalProperties: false },
          ),
          response: { 201: FilterSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await rules.addFilter(actorOf(request), request.body)),
    );

    app.delete(
      '/rules/filters/:id',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Remove a false-positive filter',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await rules.deleteFilter(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/rules/:id',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary: 'One rule with its YAML source',
          params: IdParams,
          response: {
            200: Type.Intersect([RuleSchema, Type.Object({ source: Str })]),
            ...errorResponses,
          },
        },
      },
      (request) => rules.get(request.params.id),
    );

    app.patch(
      '/rules/:id',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Switch a rule on or off',
          params: IdParams,
          body: Type.Object(
            { enabled: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
          response: { 200: RuleSchema, ...errorResponses },
        },
      },
      (request) =>
        rules.setEnabled(
          actorOf(request),
          request.params.id,
          request.body.enabled,
          request.body.reason,
        ),
    );

    app.delete(
      '/rules/:id',
      {
        config: { access: WORK },
        schema: {
          tags: ['detection'],
          summary: 'Delete an imported or uploaded rule (built-in ones can only be switched off)',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await rules.delete(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    done();
  };
}

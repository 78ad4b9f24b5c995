import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../common-schema.js';
import type { ImpactService } from './service.js';

const READ = ['admin', 'analyst', 'auditor'] as const;

const Failed = Type.Object(
  {
    asset: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'asset or service name or id',
    }),
    at: Type.Optional(
      Type.Number({ minimum: 0, description: 'minutes after the start when it fails (default 0)' }),
    ),
    reason: Type.Optional(
      Type.String({ maxLength: 200, description: 'e.g. compromised, power cut' }),
    ),
  },
  { additionalProperties: false },
);

const Result = Type.Unknown({
  description:
    'see the README "Assets and city services" section: affected nodes with the earliest time and the chain of dependencies that explains it',
});

export function impactRoutes(impact: ImpactService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/impact/blast-radius',
      {
        config: { access: READ },
        schema: {
          tags: ['assets'],
          summary:
            'Everything affected if these assets fail or are compromised: each asset and service with the earliest time of impact and why (the dependency path), and what redundancy kept up',
          querystring: Type.Object(
            {
              asset: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
                minItems: 1,
                maxItems: 100,
                description: 'asset or service name or id; repeat for several',
              }),
              horizon: Type.Optional(
                Type.Number({
                  minimum: 0,
                  description: 'only what fails within this many minutes',
                }),
              ),
              paths: Type.Boolean({
                default: true,
                description:
                  "false: leave out each affected node's whole chain (path); its cause, the last link, still explains it and leads back step by step (much smaller when thousands are affected)",
              }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...errorResponses },
        },
      },
      (request) =>
        impact.blastRadius(
          request.query.asset.map((ref) => ({ ref })),
          request.query.horizon,
          request.query.paths,
        ),
    );

    app.post(
      '/impact/what-if',
      {
        config: { access: READ },
        schema: {
          tags: ['assets'],
          summary:
            'A drill: fail a set of assets (at chosen times) and get the timeline of impact, and when each city service passes its maximum tolerable downtime',
          body: Type.Object(
            {
              failed: Type.Array(Failed, { minItems: 1, maxItems: 100 }),
              horizonMinutes: Type.Optional(Type.Number({ minimum: 0 })),
              timelineLimit: Type.Integer({
                minimum: 1,
                maximum: 100_000,
                default: 1000,
                description: 'timeline events returned at most (the total is given)',
              }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...errorResponses },
        },
      },
      async (request) => {
        const { failed, horizonMinutes, timelineLimit } = request.body;
        const result = await impact.whatIf(
          failed.map((f) => ({
            ref: f.asset,
            ...(f.at !== undefined && { at: f.at }),
            ...(f.reason && { reason: f.reason }),
          })),
          horizonMinutes,
        );
        return {
          ...result,
          timeline: result.timeline.slice(0, timelineLimit),
          timelineTotal: result.timeline.length,
        };
      },
    );

    app.get(
      '/impact/spof',
      {
        config: { access: READ },
        schema: {
          tags: ['assets'],
          summary:
            'Single points of failure: assets whose loss alone takes down a city service, ranked by citizen impact',
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 50 }) },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...errorResponses },
        },
      },
      (request) => impact.singlePointsOfFailure(request.query.limit),
    );

    app.get(
      '/impact/graph',
      {
        config: { access: READ },
        schema: {
          tags: ['assets'],
          summary:
            'The dependency graph to draw: the whole register when it has at most limit nodes, or the neighbourhood of some assets or services (everything within hops steps either way, nearest first)',
          description:
            'Without around, a register larger than limit gives no nodes and complete: false (draw a neighbourhood instead). Edges read as the register holds them: from is the dependent (or, for supports, the asset supporting the service to).',
          querystring: Type.Object(
            {
              around: Type.Optional(
                Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
                  maxItems: 100,
                  description: 'asset or service name or id; repeat for several',
                }),
              ),
              hops: Type.Integer({ minimum: 0, maximum: 10, default: 2 }),
              limit: Type.Integer({ minimum: 1, maximum: 5000, default: 2000 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...errorResponses },
        },
      },
      (request) => impact.view(request.query.around ?? [], request.query.hops, request.query.limit),
    );

    app.get(
      '/impact/risk',
      {
        config: { access: READ },
        schema: {
          tags: ['assets'],
          summary:
            'Riskiest assets: criticality, internet exposure, personal data, open alerts and what their loss would take down, with each part of the score; openAlerts gives the count and highest level',
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 50 }) },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...errorResponses },
        },
      },
      (request) => impact.risk(request.query.limit),
    );
    done();
  };
}

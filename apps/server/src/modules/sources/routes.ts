import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import type { SourceService } from './service.js';

const Nullable = (schema: ReturnType<typeof Type.String>) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

const SourceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  matchIp: Type.Union([Type.String(), Type.Null()]),
  matchHostname: Type.Union([Type.String(), Type.Null()]),
  matchApiKeyId: Type.Union([Type.String(), Type.Null()]),
  defaultParser: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  discovered: Type.Boolean({ description: 'seen sending but not yet named by anyone' }),
  firstSeen: Type.Union([Type.String(), Type.Null()]),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
  eventCount: Type.Integer(),
  clockOffsetMs: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "the newest event's time minus its arrival, in ms: about zero (or a little below, the time in transit) for a good clock; 19800000 is India's local time written without a zone and read as UTC; null before an event carried a time",
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const fields = {
  matchIp: Nullable(Type.String({ maxLength: 64, description: 'sender address' })),
  matchHostname: Nullable(Type.String({ maxLength: 255 })),
  matchApiKeyId: Nullable(
    Type.String({ maxLength: 64, description: 'API key id, for HTTP senders' }),
  ),
  defaultParser: Nullable(
    Type.String({ maxLength: 40, description: 'force this parser for the source' }),
  ),
  timezone: Nullable(
    Type.String({
      maxLength: 64,
      description: 'zone for times written without one, e.g. Asia/Kolkata',
    }),
  ),
  description: Nullable(Type.String({ maxLength: 1000 })),
};

export function sourceRoutes(sources: SourceService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/sources',
      {
        config: { access: ['admin', 'analyst', 'auditor'] },
        schema: {
          tags: ['ingest'],
          summary: 'Log sources, named and discovered, with last-seen and counts',
          response: { 200: Type.Array(SourceSchema), ...errorResponses },
        },
      },
      () => sources.list(),
    );

    app.post(
      '/sources',
      {
        config: { access: ['admin', 'analyst'] },
        schema: {
          tags: ['ingest'],
          summary: 'Name a source (adopting a discovered one with the same address)',
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }), ...fields },
            { additionalProperties: false },
          ),
          response: { 201: SourceSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await sources.create(actorOf(request), request.body)),
    );

    app.patch(
      '/sources/:id',
      {
        config: { access: ['admin', 'analyst'] },
        schema: {
          tags: ['ingest'],
          summary: 'Change how a source is recognised or read',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
          body: Type.Object(
            { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...fields },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: SourceSchema, ...errorResponses },
        },
      },
      (request) => sources.update(actorOf(request), request.params.id, request.body),
    );
    done();
  };
}

import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import type { AuditService } from './service.js';

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorKind: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

const ChainStatusSchema = Type.Object({
  ok: Type.Boolean(),
  rowsChecked: Type.Integer(),
  firstBreak: Type.Union([
    Type.Object({ seq: Type.Integer(), reason: Type.String() }),
    Type.Null(),
  ]),
  headHash: Type.Union([Type.String(), Type.Null()]),
});

export function auditRoutes(audit: AuditService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/audit',
      {
        config: { access: ACCESS.auditTrail },
        schema: {
          tags: ['audit'],
          summary: 'The audit trail, newest first; page with `before` = the last seq you saw',
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              action: Type.Optional(Type.String({ maxLength: 100 })),
              actor: Type.Optional(Type.String({ maxLength: 200 })),
              target: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 300,
                  description:
                    'only entries about this target, exactly as entries name it, e.g. `incident:<id>`, `user:<name>`, `channel:<id>`',
                }),
              ),
              from: Type.Optional(Type.String({ format: 'date-time' })),
              to: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              entries: Type.Array(AuditEntrySchema),
              nextBefore: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const entries = await audit.list({
          limit: q.limit,
          ...(q.before !== undefined && { beforeSeq: q.before }),
          ...(q.action !== undefined && { action: q.action }),
          ...(q.actor !== undefined && { actor: q.actor }),
          ...(q.target !== undefined && { target: q.target }),
          ...(q.from !== undefined && { from: new Date(q.from).toISOString() }),
          ...(q.to !== undefined && { to: new Date(q.to).toISOString() }),
        });
        const last = entries.at(-1);
        return { entries, nextBefore: entries.length === q.limit && last ? last.seq : null };
      },
    );

    app.get(
      '/audit/verify',
      {
        config: { access: ACCESS.auditTrail },
        schema: {
          tags: ['audit'],
          summary: 'Check the hash chain and name the first broken row',
          response: { 200: ChainStatusSchema, ...errorResponses },
        },
      },
      () => audit.verify(),
    );
    done();
  };
}

import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { RoleSchema, errorResponses } from '../common-schema.js';
import type { ApiKeyService } from './service.js';

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  owner: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});

const CreatedApiKeySchema = Type.Intersect([
  ApiKeySchema,
  Type.Object({
    secret: Type.String({ description: 'shown only in this response; store it now' }),
  }),
]);

export function apiKeyRoutes(keys: ApiKeyService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/apikeys',
      {
        config: { access: ['admin', 'auditor'] },
        schema: {
          tags: ['apikeys'],
          summary: 'List API keys (never their secrets)',
          response: { 200: Type.Array(ApiKeySchema), ...errorResponses },
        },
      },
      () => keys.list(),
    );

    app.post(
      '/apikeys',
      {
        config: { access: ACCESS.admin },
        schema: {
          tags: ['apikeys'],
          summary: 'Create an API key; the secret is returned once',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              role: Type.String({ description: 'admin, analyst, owner, auditor or ingest' }),
              expiresAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
              forUser: Type.Optional(
                Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
                  description:
                    'for an owner key: the username of the asset owner it acts for (default: whoever creates it)',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: CreatedApiKeySchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await keys.create(actorOf(request), request.body)),
    );

    app.delete(
      '/apikeys/:id',
      {
        config: { access: ACCESS.admin },
        schema: {
          tags: ['apikeys'],
          summary:
            'Revoke an API key (it stops working at once; the record stays for the audit trail)',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: ApiKeySchema, ...errorResponses },
        },
      },
      (request) => keys.revoke(actorOf(request), request.params.id),
    );
    done();
  };
}

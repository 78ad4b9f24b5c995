import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import {
  CreateUserBody,
  PasswordBody,
  UpdateUserBody,
  UserSchema,
  UsernameParams,
} from './schema.js';
import type { UserService } from './service.js';

export function userRoutes(users: UserService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/users',
      {
        config: { access: ['admin', 'analyst', 'auditor'] },
        schema: {
          tags: ['users'],
          summary: 'List users',
          response: { 200: Type.Array(UserSchema), ...errorResponses },
        },
      },
      () => users.list(),
    );

    app.post(
      '/users',
      {
        config: { access: ACCESS.admin },
        schema: {
          tags: ['users'],
          summary: 'Create a user',
          body: CreateUserBody,
          response: { 201: UserSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await users.create(actorOf(request), request.body)),
    );

    app.get(
      '/users/:username',
      {
        config: { access: ['admin', 'analyst', 'auditor'] },
        schema: {
          tags: ['users'],
          summary: 'Show a user',
          params: UsernameParams,
          response: { 200: UserSchema, ...errorResponses },
        },
      },
      async (request) => users.view(await users.get(request.params.username)),
    );

    app.patch(
      '/users/:username',
      {
        config: { access: ACCESS.admin },
        schema: {
          tags: ['users'],
          summary: 'Change, disable or enable a user (enabling also lifts a lockout)',
          params: UsernameParams,
          body: UpdateUserBody,
          response: { 200: UserSchema, ...errorResponses },
        },
      },
      (request) => users.update(actorOf(request), request.params.username, request.body),
    );

    app.put(
      '/users/:username/password',
      {
        // Anyone may change their own password; the service allows only admins to set others'.
        config: { access: 'authenticated' },
        schema: {
          tags: ['users'],
          summary: "Set a password (your own with currentPassword, or anyone's as admin)",
          params: UsernameParams,
          body: PasswordBody,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await users.setPassword(
          actorOf(request),
          request.params.username,
          request.body.password,
          request.body.currentPassword,
        );
        return reply.status(204).send(null);
      },
    );
    done();
  };
}

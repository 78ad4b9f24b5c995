import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { SESSION_COOKIE, actorOf, requirePrincipal } from '../../http/auth.js';
import { RoleSchema, errorResponses } from '../common-schema.js';
import type { AuthService } from './service.js';

const MeSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('apikey'), Type.Literal('system')]),
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
});

export interface AuthRouteOptions {
  loginRateLimitPerMinute: number;
  secureCookie: 'auto' | 'always' | 'never';
}

export function authRoutes(
  auth: AuthService,
  options: AuthRouteOptions,
): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.post(
      '/auth/login',
      {
        config: {
          access: 'public',
          rateLimit: { max: options.loginRateLimitPerMinute, timeWindow: 60_000 },
        },
        schema: {
          tags: ['auth'],
          summary: 'Log in with username and password; sets the session cookie',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 200 }),
              password: Type.String({ minLength: 1, maxLength: 1024 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ user: MeSchema, expiresAt: Type.String() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { token, expiresAt, principal } = await auth.login(
          actorOf(request),
          request.body.username,
          request.body.password,
          request.headers['user-agent'] ?? null,
        );
        const secure =
          options.secureCookie === 'always' ||
          (options.secureCookie === 'auto' && request.protocol === 'https');
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure,
          path: '/',
          expires: new Date(expiresAt),
        });
        return { user: principal, expiresAt };
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'End this session',
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await auth.logout(actorOf(request), token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Who the caller is (user or API key) and its role',
          response: { 200: MeSchema, ...errorResponses },
        },
      },
      (request) => requirePrincipal(request),
    );
    done();
  };
}

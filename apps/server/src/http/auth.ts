import { ForbiddenError, UnauthenticatedError, type Principal, type Role } from '@prahari/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../modules/audit/service.js';
import type { ApiKeyService } from '../modules/apikeys/service.js';
import type { AuthService } from '../modules/auth/service.js';

export const SESSION_COOKIE = 'prahari_session';

/** Who may call a route: nobody unauthenticated unless `public`. */
export type Access = 'public' | 'authenticated' | readonly Role[];

/** Role sets named by what they mean, so routes read as policy. */
export const ACCESS = {
  admin: ['admin'],
  people: ['admin', 'analyst', 'owner', 'auditor'],
  auditTrail: ['admin', 'auditor'],
  staff: ['admin', 'analyst'],
} as const satisfies Record<string, readonly Role[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * Also accept HTTP Basic auth whose password is an API key (the user name is ignored): for
     * devices such as firewalls that can send only a user and password with a URL they pull.
     */
    basicAuth?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function actorOf(request: FastifyRequest): Actor {
  return { principal: request.principal, ip: request.ip };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

function bearerToken(header: string): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
}

/** The password of an HTTP Basic `Authorization` header. */
function basicPassword(header: string): string | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/**
 * Resolves the caller (session cookie, `Authorization: Bearer` API key, or on routes that allow it
 * Basic with an API key as the password) and enforces each route's `access`. Every `/api/v1` route
 * must declare its access: a route without one fails at start-up, so no route is ever open by
 * accident.
 */
export function registerAuth(
  app: FastifyInstance,
  services: { auth: AuthService; apiKeys: ApiKeyService },
): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access policy`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const basicAuth = request.routeOptions.config.basicAuth === true;
    // A refused client of a Basic route is told it may use Basic (firewalls wait for this).
    const refuse = (error: UnauthenticatedError) => {
      if (basicAuth) reply.header('www-authenticate', 'Basic realm="Prahari", charset="UTF-8"');
      return error;
    };
    if (header) {
      const key = basicAuth ? (basicPassword(header) ?? bearerToken(header)) : bearerToken(header);
      request.principal = key ? await services.apiKeys.authenticate(key) : null;
      if (!request.principal)
        throw refuse(new UnauthenticatedError('The API key is unknown, revoked or expired.'));
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (token) request.principal = await services.auth.authenticateSession(token);
    }

    const isApi = request.url.startsWith('/api/v1');
    if (!isApi) return;
    const access: Access = request.routeOptions.config.access ?? 'authenticated';
    if (access === 'public') return;
    if (!request.principal) {
      throw refuse(
        new UnauthenticatedError(
          request.cookies[SESSION_COOKIE] ? 'Your session has expired; log in again.' : undefined,
        ),
      );
    }
    if (access !== 'authenticated' && !access.includes(request.principal.role)) {
      throw new ForbiddenError(
        `Your role '${request.principal.role}' may not do this; it needs one of: ${access.join(', ')}.`,
        {
          role: request.principal.role,
          allowed: access,
        },
      );
    }
  });
}

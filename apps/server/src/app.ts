import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { AjvCompiler } from '@fastify/ajv-compiler';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Store } from '@prahari/store';
import type { Config } from './config/index.js';
import { registerAuth } from './http/auth.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import type { Metrics } from './http/metrics.js';
import { apiKeyRoutes } from './modules/apikeys/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { userRoutes } from './modules/users/routes.js';
import { ingestRoutes, type IngestRouteDeps } from './modules/ingest/routes.js';
import { sourceRoutes } from './modules/sources/routes.js';
import { detectionRoutes } from './modules/detection/routes.js';
import type { Detection } from './modules/detection/index.js';
import { indicatorRoutes } from './modules/indicators/routes.js';
import type { IndicatorService } from './modules/indicators/service.js';
import { assetRoutes } from './modules/assets/routes.js';
import { impactRoutes } from './modules/impact/routes.js';
import type { ImpactService } from './modules/impact/service.js';
import type { AssetService } from './modules/assets/service.js';
import { incidentRoutes } from './modules/incidents/routes.js';
import type { IncidentService } from './modules/incidents/service.js';
import { blocklistRoutes } from './modules/blocklist/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { playbookRoutes } from './modules/playbooks/routes.js';
import type { ResponseServices } from './modules/response/index.js';
import { settingsRoutes } from './modules/settings/routes.js';
import type { SettingsService } from './modules/settings/service.js';
import { reportRoutes } from './modules/reports/routes.js';
import type { IncidentReports } from './modules/reports/service.js';
import type { Services } from './services.js';

export interface AppDeps {
  config: Config;
  store: Store;
  services: Services;
  metrics: Metrics;
  ingest: IngestRouteDeps;
  detection: Detection;
  indicators: IndicatorService;
  assets: AssetService;
  impact: ImpactService;
  incidents: IncidentService;
  /** playbooks, the block list and notifications */
  response: ResponseServices;
  settings: SettingsService;
  reports: IncidentReports;
  /** pino options; tests pass `false` */
  logger?: boolean | object;
  /** the dashboard's built files (default: apps/web/dist beside this package); null serves none */
  webRoot?: string | null;
}

/** The dashboard's build, `apps/web/dist`, seen from `apps/server/dist/app.js` (or `src/app.ts`). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the API and monitoring: never answered with the dashboard's page. */
function isServerPath(path: string): boolean {
  return /^\/(api|metrics|healthz|readyz)(\/|$)/.test(path);
}

/**
 * The dashboard is a single-page app: a browser opening /alerts or /events?q=… directly gets
 * index.html and the app routes itself. Only GET/HEAD of extension-less, non-API paths qualify,
 * so a missing /assets/x.js or an unknown /api route still answers the JSON 404.
 */
function dashboardFallback(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '/';
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !isServerPath(path) &&
    !last.includes('.')
  )
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  return notFoundHandler(request, reply);
}

const DASHBOARD_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

export const VERSION = '0.1.0';

const ajvPool = AjvCompiler();

/**
 * Query strings and paths are text, so they are coerced to the types their schemas say (and a
 * single value to a list). A JSON body already has its types: coercing it would turn a `null`
 * that clears a field into `""` (the string branch of a nullable field is tried first) and let
 * `"5"` pass for 5, so bodies are validated as sent.
 */
function validatorsByPart(
  externalSchemas: Parameters<typeof ajvPool>[0],
  options: { customOptions?: object; plugins?: unknown[] } = {},
): ReturnType<typeof ajvPool> {
  // Fastify hands over its `ajv` options (plain Ajv, never JTD) as they were configured above.
  const given = options as Parameters<typeof ajvPool>[1] & { mode?: never };
  const body = ajvPool(externalSchemas, {
    ...given,
    customOptions: { ...given.customOptions, coerceTypes: false },
  });
  const other = ajvPool(externalSchemas, given);
  return (route) => (route.httpPart === 'body' ? body : other)(route);
}

/** The HTTP application, without listening: tests and `serve` build it the same way. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, services } = deps;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.server.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    // Per-request lines would drown the log at ingest rates; /metrics counts requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    // Unknown body fields are refused with a 400 that names them, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: validatorsByPart } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const webRoot = deps.webRoot === undefined ? DEFAULT_WEB_ROOT : deps.webRoot;
  const dashboardRoot =
    webRoot !== null && existsSync(join(webRoot, 'index.html')) ? webRoot : null;

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(dashboardRoot ? dashboardFallback : notFoundHandler);

  const { metrics } = deps;
  metrics.register(app);

  await app.register(cookie);
  await app.register(rateLimit, {
    global: true,
    max: config.auth.apiRateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (request) => !request.url.startsWith('/api/v1'),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'too_many_requests',
      message: `Too many requests: the limit is ${context.max} per ${context.after}. Try again in ${context.after}.`,
    }),
  });
  registerAuth(app, services);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Prahari API',
        version: VERSION,
        description:
          'Security operations for a city. Every /api/v1 route needs a session cookie (POST /api/v1/auth/login) or an API key (Authorization: Bearer prk_…). Errors are {error, message, details}.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'an API key from POST /api/v1/apikeys',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'prahari_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  healthRoutes(app, { store: deps.store, metrics });
  await app.register(
    async (api) => {
      await api.register(
        authRoutes(services.auth, {
          loginRateLimitPerMinute: config.auth.loginRateLimitPerMinute,
          secureCookie: config.auth.secureCookie,
        }),
      );
      await api.register(userRoutes(services.users));
      await api.register(apiKeyRoutes(services.apiKeys));
      await api.register(auditRoutes(services.audit));
      await api.register(ingestRoutes(deps.ingest));
      await api.register(sourceRoutes(deps.ingest.sources));
      await api.register(detectionRoutes(deps.detection));
      await api.register(indicatorRoutes(deps.indicators));
      await api.register(assetRoutes(deps.assets));
      await api.register(impactRoutes(deps.impact));
      await api.register(incidentRoutes(deps.incidents));
      await api.register(playbookRoutes(deps.response.playbooks));
      await api.register(blocklistRoutes(deps.response.blocklist));
      await api.register(notificationRoutes(deps.response.notifications));
      await api.register(settingsRoutes(deps.settings));
      await api.register(reportRoutes(deps.reports));
    },
    { prefix: '/api/v1' },
  );

  // The dashboard (apps/web, built by `npm run build`) at /. Hashed assets are cached for good;
  // index.html is revalidated so a rebuilt dashboard is picked up on the next load.
  if (dashboardRoot) {
    await app.register(fastifyStatic, {
      root: dashboardRoot,
      prefix: '/',
      cacheControl: false,
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) {
          res.setHeader('cache-control', 'no-cache');
          for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) res.setHeader(name, value);
        } else if (path.includes(`${sep}assets${sep}`)) {
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        } else {
          res.setHeader('cache-control', 'no-cache');
        }
      },
    });
  } else {
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(
          `Prahari is running, but its dashboard has not been built (${webRoot ?? 'no web root'} has no index.html).\n` +
            'Run `npm run build` in the Prahari folder, then restart the server.\n' +
            'The API works meanwhile: its documentation is at /api/docs.\n',
        ),
    );
  }
  return app;
}

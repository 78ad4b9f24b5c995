import type { FastifyInstance } from 'fastify';
import type { Store } from '@prahari/store';
import type { Metrics } from '../../http/metrics.js';

/**
 * Liveness, readiness and metrics for load balancers and Prometheus. They sit outside `/api/v1`,
 * carry no data about the city, and answer without a login.
 */
export function healthRoutes(app: FastifyInstance, deps: { store: Store; metrics: Metrics }): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) => {
      const reachable = await deps.store.ping();
      const pending = reachable ? (await deps.store.migrationStatus()).pending : [];
      const ready = reachable && pending.length === 0;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not ready',
        store: reachable ? 'reachable' : 'unreachable',
        pendingMigrations: pending,
      });
    },
  );

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/** One Prometheus registry per server, so tests starting several servers do not collide. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly eventsReceived: Counter<'listener'>;
  readonly eventsStored: Counter<'listener' | 'parser'>;
  readonly eventsDeadLettered: Counter<'listener'>;
  readonly udpDropped: Counter;
  readonly ingestQueueDepth: Gauge;
  readonly writeBatchSeconds: Histogram;
  readonly bytesReceived: Counter<'listener'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'prahari_' });
    this.httpRequests = new Counter({
      name: 'prahari_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'prahari_http_request_duration_seconds',
      help: 'HTTP request duration by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.eventsReceived = new Counter({
      name: 'prahari_events_received_total',
      help: 'messages received, by listener',
      labelNames: ['listener'],
      registers: [this.registry],
    });
    this.eventsStored = new Counter({
      name: 'prahari_events_stored_total',
      help: 'events durably stored, by listener and parser',
      labelNames: ['listener', 'parser'],
      registers: [this.registry],
    });
    this.eventsDeadLettered = new Counter({
      name: 'prahari_events_dead_lettered_total',
      help: 'messages kept in the dead-letter store because they could not be parsed',
      labelNames: ['listener'],
      registers: [this.registry],
    });
    this.udpDropped = new Counter({
      name: 'prahari_udp_dropped_total',
      help: 'UDP datagrams dropped because the writer was full (UDP cannot push back)',
      registers: [this.registry],
    });
    this.ingestQueueDepth = new Gauge({
      name: 'prahari_ingest_queue_events',
      help: 'events waiting to be written',
      registers: [this.registry],
    });
    this.writeBatchSeconds = new Histogram({
      name: 'prahari_ingest_write_batch_seconds',
      help: 'time to write one batch durably (archive and store)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.bytesReceived = new Counter({
      name: 'prahari_bytes_received_total',
      help: 'raw bytes received, by listener',
      labelNames: ['listener'],
      registers: [this.registry],
    });
  }

  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
      this.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Detection's figures on /metrics: how far behind it is, what fires, and how fast. */
export class DetectionMetrics {
  readonly eventsEvaluated: Counter;
  readonly lagEvents: Gauge;
  readonly batchSeconds: Histogram;
  readonly alertsOpened: Counter<'kind' | 'level'>;
  readonly ruleMatches: Counter<'rule'>;
  readonly alertLatency: Histogram;
  readonly streamClients: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsEvaluated = new Counter({
      name: 'prahari_detection_events_total',
      help: 'events evaluated against the rules, correlations and indicators',
      registers,
    });
    this.lagEvents = new Gauge({
      name: 'prahari_detection_lag_events',
      help: 'events stored but not yet evaluated',
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'prahari_detection_batch_seconds',
      help: 'time to evaluate one step of events and record its alerts',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.alertsOpened = new Counter({
      name: 'prahari_alerts_opened_total',
      help: 'alerts opened (a repeat of an open alert raises its count instead), by kind and level',
      labelNames: ['kind', 'level'],
      registers,
    });
    this.ruleMatches = new Counter({
      name: 'prahari_rule_matches_total',
      help: 'matches by rule id (indicator:<id> for indicators)',
      labelNames: ['rule'],
      registers,
    });
    this.alertLatency = new Histogram({
      name: 'prahari_alert_latency_seconds',
      help: 'from receiving the event to its alert being recorded',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.streamClients = new Gauge({
      name: 'prahari_alert_stream_clients',
      help: 'clients connected to the live alert stream',
      registers,
    });
  }
}

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
  /** what the correlation engine in use reports; set once rules are loaded */
  correlationStats: () => Record<string, number> | undefined = () => undefined;

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
    const stats = () => this.correlationStats();
    new Gauge({
      name: 'prahari_correlation_state',
      help: 'correlation engine figures since the rules were last loaded: groups and events held, and events left out (too_late: behind the latest event time by more than the allowed lateness, e.g. a device whose clock is behind; future: ahead of the clock)',
      labelNames: ['figure'],
      registers,
      collect() {
        const s = stats();
        if (!s) return;
        this.set({ figure: 'groups' }, s['groups'] ?? 0);
        this.set({ figure: 'held_events' }, s['heldEvents'] ?? 0);
        this.set({ figure: 'too_late' }, s['tooLate'] ?? 0);
        this.set({ figure: 'future' }, s['future'] ?? 0);
        this.set({ figure: 'evicted' }, s['evictions'] ?? 0);
        this.set({ figure: 'expired' }, s['expired'] ?? 0);
        this.set({ figure: 'missing_field' }, s['missingField'] ?? 0);
      },
    });
    this.streamClients = new Gauge({
      name: 'prahari_alert_stream_clients',
      help: 'clients connected to the live alert stream',
      registers,
    });
  }
}

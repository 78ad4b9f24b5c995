import { fileURLToPath } from 'node:url';
import type { Clock } from '@prahari/core';
import type { Store } from '@prahari/store';
import { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import { databaseFile } from '../../open-store.js';
import type { Services } from '../../services.js';
import { AlertService } from './alerts.js';
import { DetectionMetrics } from './metrics.js';
import { RuleLibrary } from './rule-library.js';
import { RuleService } from './rules.js';
import { DetectionService, type AssetFeed, type IndicatorFeed } from './service.js';
import { AlertStream } from './stream.js';

/** Prahari's own city rules, shipped with the server. */
export const CITY_RULES_DIR = fileURLToPath(new URL('../../../rules/city', import.meta.url));

export interface Detection {
  library: RuleLibrary;
  detection: DetectionService;
  alerts: AlertService;
  rules: RuleService;
  stream: AlertStream;
  metrics: DetectionMetrics;
}

/**
 * Detection's parts wired together over one store, for the server and for the CLI working on a
 * data directory directly. Rules are loaded; the live loop is not started.
 */
export async function createDetection(deps: {
  store: Store;
  services: Services;
  config: Config;
  dataDir: string;
  clock: Clock;
  /** where detection's metrics go (a private one when omitted) */
  registry?: Registry;
  indicators: IndicatorFeed | null;
  /** the asset register, for enrichment and passive discovery */
  assets?: AssetFeed | null;
  log: { error(obj: object, msg: string): void };
}): Promise<Detection> {
  const { store, services, config, clock } = deps;
  const library = new RuleLibrary({
    builtIn: [{ name: 'city', dir: CITY_RULES_DIR }],
    dataDir: deps.dataDir,
    settings: store.ruleSettings,
    placeholders: config.detection.placeholders,
    correlationLatenessMs: config.detection.correlationLatenessSeconds * 1000,
  });
  await library.reload();
  const metrics = new DetectionMetrics(deps.registry ?? new Registry());
  const stream = new AlertStream();
  const detection = new DetectionService(
    store,
    library,
    deps.indicators,
    stream,
    services.audit,
    clock,
    metrics,
    {
      batchEvents: config.detection.batchEvents,
      dedupeWindowMs: config.detection.dedupeWindowSeconds * 1000,
      pollMs: 1000,
      thread: { database: databaseFile(deps.dataDir), busyTimeoutMs: config.store.busyTimeoutMs },
    },
    deps.log,
    deps.assets ?? null,
  );
  metrics.correlationStats = () => detection.correlationStats();
  return {
    library,
    detection,
    alerts: new AlertService(store, stream, services.audit, clock),
    rules: new RuleService(
      store,
      library,
      services.audit,
      clock,
      () => detection.notify(),
      () => detection.ruleCosts(),
    ),
    stream,
    metrics,
  };
}

/**
 * Demo mode: a server that shows a living city on first start. The Demo City is loaded into the
 * register (once), and its background traffic runs in this process into the ingest pipeline,
 * under the listener name `demo`, at a modest rate. On the first start the traffic also carries
 * one attack, so the first look shows an incident as well as alerts.
 */
import { SYSTEM_PRINCIPAL, type Clock } from '@prahari/core';
import { TelemetryGenerator, demoCity, sshBruteForce, type DemoCity } from '@prahari/demo-city';
import type { Store } from '@prahari/store';
import type { Config } from '../../config/index.js';
import type { AssetService } from '../assets/service.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { UserService } from '../users/service.js';
import { loadDemoCity, type DemoLoadResult } from './load.js';
import { PipelineSink } from './sink.js';
import { simulate, type SimulationSummary } from './simulate.js';

export interface DemoOptions {
  seed: number;
  /** background events per second */
  rate: number;
  clock: Clock;
}

/** How much faster than its own pace the first start's attack runs: its incident within a minute. */
const FIRST_ATTACK_SPEED = 5;

export interface RunningDemo {
  city: DemoCity;
  load: DemoLoadResult;
  /** the attack woven into the first start's traffic (null on later starts) */
  attack: { name: string; title: string } | null;
  /** stops the traffic; resolves once what was sent is stored (null if it had failed) */
  stop(): Promise<SimulationSummary | null>;
}

/**
 * The configuration as demo mode runs it, where the operator left these settings alone:
 * - the rules' placeholders get the Demo City's values (its SCADA masters and camera networks),
 *   so the city rules judge its traffic correctly;
 * - high and critical alerts open incidents by themselves (`incidents.autoOpen.minSeverity`
 *   high), and the rest of an attack joins them (every `incidents.autoAttach` rule on), so a
 *   drill's attack shows up as one incident with its clocks.
 */
export function demoConfig(config: Config, city: DemoCity): Config {
  const placeholders: Record<string, string[]> = { ...config.detection.placeholders };
  for (const [name, values] of Object.entries(city.placeholders))
    if (!placeholders[name]?.length) placeholders[name] = [...values];
  const { autoOpen, autoAttach } = config.incidents;
  return {
    ...config,
    detection: { ...config.detection, placeholders },
    incidents: {
      ...config.incidents,
      autoOpen: autoOpen.minSeverity === 'off' ? { minSeverity: 'high' } : autoOpen,
      autoAttach: { ...autoAttach, sameAsset: true, sameSourceIp: true, sameObservable: true },
    },
  };
}

/**
 * Loads the city (when the register does not hold it yet) and starts its background traffic;
 * when the city was loaded now, the SSH brute force on an ICCC server runs within it at five
 * times its pace.
 */
export async function startDemo(
  deps: {
    store: Pick<Store, 'assets'>;
    users: UserService;
    assets: AssetService;
    pipeline: Pick<IngestPipeline, 'submit'>;
    log: { error(obj: object, msg: string): void };
  },
  options: DemoOptions,
): Promise<RunningDemo> {
  const city = demoCity(options.seed);
  const load = await loadDemoCity(deps, { principal: SYSTEM_PRINCIPAL, ip: null }, city);
  const attack = load.imported ? sshBruteForce.build(city, options.seed) : null;
  const controller = new AbortController();
  const traffic = simulate(
    new TelemetryGenerator(city),
    new PipelineSink(deps.pipeline, options.clock, 'demo'),
    {
      rate: options.rate,
      durationSeconds: null,
      clock: options.clock,
      signal: controller.signal,
      ...(attack && { scenario: attack, speed: FIRST_ATTACK_SPEED }),
    },
  ).catch((err: unknown) => {
    deps.log.error({ err }, 'demo traffic stopped');
    return null;
  });
  return {
    city,
    load,
    attack: attack && { name: attack.name, title: attack.title },
    stop: () => {
      controller.abort();
      return traffic;
    },
  };
}

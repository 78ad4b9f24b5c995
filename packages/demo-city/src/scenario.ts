/**
 * Attack scenarios against the Demo City, each with its ground truth: the lines the attack
 * leaves in the city's logs, paced as it unfolds, and the alerts (and incidents) a working
 * Prahari must raise from them — which rule, on which asset, how many — and nothing else of
 * high or critical severity.
 */
import type { AlertLevel, CertInIncidentType } from '@prahari/core';
import type { TelemetryLine } from './formats.js';
import type { DemoCity } from './model.js';
import type { RuleRef } from './rules.js';

export interface ScenarioStep {
  /** when the line is sent, after the scenario starts, at the attack's own pace */
  offsetMs: number;
  /** the line, stamped with the time it is sent */
  line(at: Date): TelemetryLine;
}

/** Threat intelligence the city holds before the attack reaches it (a CERT-In or vendor advisory). */
export interface ScenarioIndicator {
  value: string;
  type: 'ip' | 'domain';
  source: string;
  description: string;
}

/** What an alert must be: raised by this rule, or by this indicator. */
export type AlertMatch =
  { kind: 'rule'; rule: RuleRef } | { kind: 'indicator'; value: string; level: AlertLevel };

export interface ExpectedAlert {
  /** names the expectation in reports and in incident expectations */
  key: string;
  match: AlertMatch;
  /** the assets the alerts concern (by name) */
  assets: string[];
  /**
   * `each`: one alert on every asset listed (per-device alerts); `one`: a single alert, on any of
   * them (a correlation across devices names the one whose event completed it)
   */
  per: 'each' | 'one';
}

/**
 * An incident the alerts must end up in, once the server groups alerts into incidents
 * (`/api/v1/incidents`); a drill against a server without incidents leaves it unchecked.
 */
export interface ExpectedIncident {
  key: string;
  summary: string;
  /** the expectations (by key) whose alerts it groups */
  alerts: string[];
  certInType?: CertInIncidentType;
  /** personal data was breached: the DPDP Act's duties apply */
  personalDataBreach?: boolean;
}

export interface ScenarioRun {
  name: string;
  title: string;
  steps: ScenarioStep[];
  /** added to the server before the first line (never removed by the drill) */
  indicators: ScenarioIndicator[];
  expected: ExpectedAlert[];
  expectedIncidents?: ExpectedIncident[];
}

export interface Scenario {
  name: string;
  title: string;
  /** what happens, in a sentence or two, for the drill's report */
  story: string;
  /**
   * The attack as it would hit this city. The seed picks the attacker's addresses (a fresh one
   * per drill keeps alerts of earlier drills from absorbing the new ones); the targets and the
   * ground truth follow from the city.
   */
  build(city: DemoCity, seed: number): ScenarioRun;
}

/** The expected alert's title, for people. */
export function expectationTitle(e: ExpectedAlert): string {
  return e.match.kind === 'rule' ? e.match.rule.title : `Known-bad ${e.match.value}`;
}

/** How many alerts the expectation asks for. */
export function expectedCount(e: ExpectedAlert): number {
  return e.per === 'each' ? e.assets.length : 1;
}

/** The time the scenario takes at its own pace. */
export function scenarioDurationMs(run: ScenarioRun): number {
  return run.steps.reduce((max, s) => Math.max(max, s.offsetMs), 0);
}

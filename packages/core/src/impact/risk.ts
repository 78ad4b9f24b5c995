import { ValidationError } from '../errors.js';
import type { ImpactGraph } from './graph.js';
import { singleFailureAnalysis } from './spof.js';
import type {
  AlertLevel,
  OpenAlerts,
  RiskComponent,
  RiskEntry,
  RiskOptions,
  RiskWeights,
} from './types.js';

/**
 * Default weights of the risk score. Impact (criticality, personal data, downstream) and
 * likelihood (internet exposure, open alerts) each carry half.
 */
export const DEFAULT_RISK_WEIGHTS: Readonly<RiskWeights> = Object.freeze({
  criticality: 0.25,
  exposure: 0.15,
  personalData: 0.1,
  alerts: 0.25,
  downstream: 0.25,
});

/** How much one open alert of each level weighs (the highest level counts). */
export const ALERT_LEVEL_WEIGHT: Readonly<Record<AlertLevel, number>> = Object.freeze({
  informational: 0.1,
  low: 0.3,
  medium: 0.55,
  high: 0.8,
  critical: 1,
});

/**
 * Alerts component: the highest open level's weight, scaled by how many are open — one alert
 * counts 60%, each further one 10% more, full from five: weight × min(1, 0.5 + 0.1 × count).
 */
export function alertValue(alerts: OpenAlerts | null | undefined): number {
  if (!alerts || !(alerts.count > 0)) return 0;
  const w = ALERT_LEVEL_WEIGHT[alerts.maxLevel] ?? 0;
  return w * Math.min(1, 0.5 + 0.1 * alerts.count);
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Assets ranked by risk, highest first. The score (0…100) is a weighted sum of five values in
 * 0…1, each returned with its weight, points and a sentence, so the UI can show why:
 *
 * - criticality: (criticality - 1) / 4 (missing criticality counts 3);
 * - exposure: 1 if the asset is reachable from the internet;
 * - personalData: 1 if it holds citizens' personal data (a breach is a DPDP Act notification);
 * - alerts: `alertValue` of its open alerts (`options.alerts`, else the asset's `openAlerts`);
 * - downstream: what its compromise or loss alone would take down, as the citizen impact summed
 *   over those services (`singlePointsOfFailure`'s impact), on a log scale relative to the
 *   worst asset of the city: log(1 + impact) / log(1 + max impact); 0 when nothing depends on it.
 *
 * Weights default to DEFAULT_RISK_WEIGHTS and are normalised to sum to 1. Ties go to the higher
 * downstream impact, then id.
 */
export function riskRanking(graph: ImpactGraph, options: RiskOptions = {}): RiskEntry[] {
  const weights = { ...DEFAULT_RISK_WEIGHTS, ...options.weights };
  let total = 0;
  for (const [name, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw new ValidationError(`risk weight '${name}' is a number ≥ 0`);
    total += w;
  }
  if (total <= 0) throw new ValidationError('at least one risk weight must be above 0');
  for (const k of Object.keys(weights) as (keyof RiskWeights)[]) weights[k] /= total;

  const alertsOf = (() => {
    const given = options.alerts;
    if (given === undefined) return (i: number) => graph.assets[i]!.openAlerts ?? null;
    if (given instanceof Map) {
      const map = given as ReadonlyMap<string, OpenAlerts>;
      return (i: number) => map.get(graph.ids[i]!) ?? null;
    }
    const record = given as Readonly<Record<string, OpenAlerts>>;
    return (i: number) =>
      Object.prototype.hasOwnProperty.call(record, graph.ids[i]!) ? record[graph.ids[i]!]! : null;
  })();

  // Downstream impact per asset.
  const analysis = singleFailureAnalysis(graph);
  const impact = new Float64Array(graph.assetCount);
  const candidateOf = new Int32Array(graph.assetCount).fill(-1);
  let maxImpact = 0;
  for (let c = 0; c < analysis.candidates.length; c++) {
    const a = analysis.candidates[c]!;
    candidateOf[a] = c;
    let sum = 0;
    for (let i = analysis.killedStart[c]!; i < analysis.killedStart[c + 1]!; i++)
      sum += graph.citizenImpact(analysis.killedServices[i]!);
    impact[a] = sum;
    if (sum > maxImpact) maxImpact = sum;
  }
  const logMax = Math.log1p(maxImpact);
  const downValue = (i: number) => (impact[i]! > 0 ? Math.log1p(impact[i]!) / logMax : 0);

  // Scores first; the explained entries only for those returned.
  const score = new Float64Array(graph.assetCount);
  for (let i = 0; i < graph.assetCount; i++) {
    const asset = graph.assets[i]!;
    score[i] =
      ((graph.criticality(i) - 1) / 4) * weights.criticality +
      (asset.internetExposed ? weights.exposure : 0) +
      (asset.personalData ? weights.personalData : 0) +
      alertValue(alertsOf(i)) * weights.alerts +
      downValue(i) * weights.downstream;
  }
  const order = Array.from({ length: graph.assetCount }, (_, i) => i).sort(
    (x, y) =>
      score[y]! - score[x]! || impact[y]! - impact[x]! || (graph.ids[x]! < graph.ids[y]! ? -1 : 1),
  );
  const limit = options.limit !== undefined ? Math.max(0, options.limit) : order.length;

  const component = (value: number, weight: number, detail: string): RiskComponent => ({
    value: round(value, 4),
    weight: round(weight, 4),
    points: round(value * weight * 100, 2),
    detail,
  });
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  return order.slice(0, limit).map((i, rank): RiskEntry => {
    const asset = graph.assets[i]!;
    const crit = graph.criticality(i);
    const alerts = alertsOf(i);
    const c = candidateOf[i]!;
    const services =
      c < 0
        ? []
        : Array.from(
            analysis.killedServices.subarray(analysis.killedStart[c], analysis.killedStart[c + 1]),
          );
    return {
      rank: rank + 1,
      id: asset.id,
      name: graph.names[i]!,
      ...(asset.kind != null ? { kind: asset.kind } : {}),
      score: round(score[i]! * 100, 2),
      components: {
        criticality: component(
          (crit - 1) / 4,
          weights.criticality,
          `criticality ${crit} of 5${asset.criticality == null ? ' (not set, taken as 3)' : ''}`,
        ),
        exposure: component(
          asset.internetExposed ? 1 : 0,
          weights.exposure,
          asset.internetExposed ? 'reachable from the internet' : 'not exposed to the internet',
        ),
        personalData: component(
          asset.personalData ? 1 : 0,
          weights.personalData,
          asset.personalData ? "holds citizens' personal data" : "holds no citizens' personal data",
        ),
        alerts: component(
          alertValue(alerts),
          weights.alerts,
          alerts && alerts.count > 0
            ? `${plural(alerts.count, 'open alert')}, highest ${alerts.maxLevel}`
            : 'no open alerts',
        ),
        downstream: component(
          downValue(i),
          weights.downstream,
          services.length > 0
            ? `its loss alone takes down ${plural(services.length, 'service')} (citizen impact ${impact[i]}): ${services
                .slice(0, 3)
                .map((s) => graph.names[s])
                .join(', ')}${services.length > 3 ? ', …' : ''}`
            : 'its loss alone takes down no service',
        ),
      },
      servicesDown: services.map((s) => graph.ids[s]!),
    };
  });
}

/**
 * Scoring a drill: the alerts (and incidents) a server raised while a scenario ran, held
 * against the scenario's ground truth. Pure: the drill runner gathers what the server said and
 * calls `scoreScenario`.
 */
import type { RulePack } from './rules.js';
import {
  expectationTitle,
  expectedCount,
  type ExpectedAlert,
  type ExpectedIncident,
  type ScenarioRun,
} from './scenario.js';

/** An alert as the drill saw it on the server's live stream. */
export interface ObservedAlert {
  id: string;
  kind: 'sigma' | 'correlation' | 'indicator';
  ruleId: string;
  ruleTitle: string;
  level: string;
  /** the level weighed by the asset's criticality */
  severity: string;
  /** the name of the asset it concerns */
  asset: string | null;
  /** the indicator's value, for indicator alerts */
  indicator: string | null;
  /** when the drill first saw it (epoch ms) */
  seenAtMs: number;
  /** when the server raised it, by the server's clock (epoch ms) */
  createdAtMs: number;
}

export interface ObservedIncident {
  id: string;
  number: string;
  title: string;
  certInType: string | null;
  personalDataBreach: boolean;
  alertIds: string[];
  /** when the server opened it, by the server's clock (epoch ms) */
  createdAtMs: number;
}

/**
 * detected: every alert it asks for is there; partial: some; missed: none; not-loaded: its rule
 * is not loaded on the server (import the pack, or set the placeholder it needs).
 */
export type ExpectationStatus = 'detected' | 'partial' | 'missed' | 'not-loaded';

export interface ExpectationScore {
  key: string;
  title: string;
  level: string;
  /** where the rule comes from; indicators are added by the drill itself */
  pack: RulePack | 'indicator';
  status: ExpectationStatus;
  expected: number;
  found: number;
  /** for per-asset expectations, the assets still without their alert */
  missingAssets: string[];
  /** from the scenario's first line to the first matching alert */
  timeToAlertMs: number | null;
  alertIds: string[];
}

/**
 * detected: one incident holds every alert the expectation names; split: they are spread over
 * several; merged: the incident holding them is one an earlier attack of the drill is in too
 * (one incident per attack, not one for everything); missed: no incident holds any; not-checked:
 * the server has no incidents, or the alerts themselves were missed.
 */
export type IncidentStatus = 'detected' | 'split' | 'merged' | 'missed' | 'not-checked';

export interface IncidentScore {
  key: string;
  summary: string;
  status: IncidentStatus;
  /** the incidents (numbers) the scenario's alerts ended up in */
  incidents: string[];
  /**
   * from the scenario's first line until its alerts were in an incident: when the drill saw the
   * first of them, plus how long after it the server opened the incident (server times compared
   * with server times, so the two clocks need not agree)
   */
  timeToIncidentMs: number | null;
  /** what the incident says that the ground truth does not (CERT-In type, DPDP) */
  problems: string[];
}

export type Verdict = 'detected' | 'partly-detected' | 'missed' | 'not-scored';

export interface ScenarioScore {
  name: string;
  title: string;
  verdict: Verdict;
  expectations: ExpectationScore[];
  /** alerts of high or critical severity the ground truth does not name */
  unexpectedHigh: ObservedAlert[];
  /** alerts of lower severity the ground truth does not name */
  unexpectedOther: ObservedAlert[];
  incidents: IncidentScore[];
}

const HIGH = new Set(['high', 'critical']);

function matches(e: ExpectedAlert, a: ObservedAlert): boolean {
  if (e.match.kind === 'indicator') return a.kind === 'indicator' && a.indicator === e.match.value;
  return a.kind !== 'indicator' && a.ruleId === e.match.rule.id;
}

/**
 * Scores one scenario run. `alerts` are those opened or updated while it ran (and until the
 * server caught up); `loadedRules` the ids of the rules the server has in use (null: unknown, so
 * every rule counts as loaded); `incidents` null when the server has no incidents API.
 */
export function scoreScenario(
  run: ScenarioRun,
  observed: {
    startMs: number;
    alerts: readonly ObservedAlert[];
    loadedRules: ReadonlySet<string> | null;
    incidents: readonly ObservedIncident[] | null;
    /** incidents earlier scenarios of the same drill were found in, by number, with the scenario */
    earlierIncidents?: ReadonlyMap<string, string>;
  },
): ScenarioScore {
  const claimed = new Set<string>();
  const byKey = new Map<string, ObservedAlert[]>();
  const expectations = run.expected.map((e): ExpectationScore => {
    const hits = observed.alerts.filter(
      (a) => matches(e, a) && a.asset !== null && e.assets.includes(a.asset),
    );
    for (const h of hits) claimed.add(h.id);
    byKey.set(e.key, hits);
    const loaded =
      e.match.kind === 'indicator' ||
      observed.loadedRules === null ||
      observed.loadedRules.has(e.match.rule.id);
    const covered = new Set(hits.map((h) => h.asset));
    const missingAssets = e.per === 'each' ? e.assets.filter((a) => !covered.has(a)) : [];
    const complete = e.per === 'each' ? missingAssets.length === 0 : hits.length > 0;
    const first = hits.reduce<number | null>(
      (min, h) => (min === null || h.seenAtMs < min ? h.seenAtMs : min),
      null,
    );
    return {
      key: e.key,
      title: expectationTitle(e),
      level: e.match.kind === 'indicator' ? e.match.level : e.match.rule.level,
      pack: e.match.kind === 'indicator' ? 'indicator' : e.match.rule.pack,
      status: !loaded
        ? 'not-loaded'
        : complete
          ? 'detected'
          : hits.length > 0
            ? 'partial'
            : 'missed',
      expected: expectedCount(e),
      found: hits.length,
      missingAssets,
      timeToAlertMs: first === null ? null : Math.max(0, first - observed.startMs),
      alertIds: hits.map((h) => h.id),
    };
  });
  const unexpected = observed.alerts.filter((a) => !claimed.has(a.id));
  const scored = expectations.filter((e) => e.status !== 'not-loaded');
  const detected = scored.filter((e) => e.status === 'detected').length;
  const verdict: Verdict =
    scored.length === 0
      ? 'not-scored'
      : detected === scored.length
        ? 'detected'
        : scored.some((e) => e.status !== 'missed')
          ? 'partly-detected'
          : 'missed';
  return {
    name: run.name,
    title: run.title,
    verdict,
    expectations,
    unexpectedHigh: unexpected.filter((a) => HIGH.has(a.severity)),
    unexpectedOther: unexpected.filter((a) => !HIGH.has(a.severity)),
    incidents: (run.expectedIncidents ?? []).map((i) =>
      scoreIncident(
        i,
        byKey,
        observed.incidents,
        observed.startMs,
        observed.earlierIncidents ?? new Map(),
      ),
    ),
  };
}

/** Whether the scenario's incident expectations are settled: each one detected or not checked. */
export function incidentsSettled(score: ScenarioScore): boolean {
  return score.incidents.every((i) => i.status === 'detected' || i.status === 'not-checked');
}

function scoreIncident(
  expected: ExpectedIncident,
  byKey: ReadonlyMap<string, ObservedAlert[]>,
  incidents: readonly ObservedIncident[] | null,
  startMs: number,
  earlier: ReadonlyMap<string, string>,
): IncidentScore {
  const base = { key: expected.key, summary: expected.summary };
  const alerts = expected.alerts.flatMap((k) => byKey.get(k) ?? []);
  const alertIds = alerts.map((a) => a.id);
  const none = { incidents: [], timeToIncidentMs: null, problems: [] };
  if (incidents === null || alertIds.length === 0)
    return { ...base, status: 'not-checked', ...none };
  const holding = incidents.filter((i) => i.alertIds.some((id) => alertIds.includes(id)));
  if (holding.length === 0) return { ...base, status: 'missed', ...none };
  const whole = holding.find((i) => alertIds.every((id) => i.alertIds.includes(id)));
  const problems: string[] = [];
  const judged = whole ?? holding[0]!;
  const mergedWith = earlier.get(judged.number);
  if (mergedWith !== undefined)
    problems.push(`${judged.number} holds the ${mergedWith} attack too: one incident per attack`);
  if (expected.certInType !== undefined && judged.certInType !== expected.certInType)
    problems.push(
      judged.certInType === null
        ? `${judged.number} is not classified for CERT-In yet; the ground truth says ${expected.certInType}`
        : `${judged.number} is classified ${judged.certInType} for CERT-In; the ground truth says ${expected.certInType}`,
    );
  if (expected.personalDataBreach === true && !judged.personalDataBreach)
    problems.push(`${judged.number} is not marked as a personal data breach (DPDP)`);
  const first = alerts
    .filter((a) => judged.alertIds.includes(a.id))
    .reduce((a, b) => (b.seenAtMs < a.seenAtMs ? b : a));
  return {
    ...base,
    status: mergedWith !== undefined ? 'merged' : whole ? 'detected' : 'split',
    incidents: holding.map((i) => i.number),
    timeToIncidentMs: Math.max(
      0,
      first.seenAtMs + Math.max(0, judged.createdAtMs - first.createdAtMs) - startMs,
    ),
    problems,
  };
}

/**
 * Plain-data inputs and results of the cascading-impact engine. Nothing here does I/O: the
 * server and the CLI read the asset register and the dependency graph from the store, call
 * `buildGraph` once, and ask it questions (`blastRadius`, `whatIf`, `singlePointsOfFailure`,
 * `riskRanking`).
 *
 * Times are minutes after the drill's t=0.
 */

/** Sigma's alert levels, lowest first. */
export type AlertLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Open (unresolved) alerts on an asset. */
export interface OpenAlerts {
  count: number;
  /** the highest level among them */
  maxLevel: AlertLevel;
}

/** An asset of the register, as much of it as the analysis reads. Other fields are kept as given. */
export interface ImpactAsset {
  id: string;
  name: string;
  /** server, plc, camera, … (shown, not interpreted) */
  kind?: string | null;
  /** 1 (minor) … 5 (vital); missing means 3 */
  criticality?: number | null;
  zone?: string | null;
  internetExposed?: boolean | null;
  /** holds personal data of citizens (DPDP Act) */
  personalData?: boolean | null;
  openAlerts?: OpenAlerts | null;
  [field: string]: unknown;
}

/** A city service: what citizens get (water supply to ward 12, CCTV surveillance, property tax). */
export interface ImpactService {
  id: string;
  name: string;
  /** 1 (minor) … 5 (life and safety); missing means 3 */
  citizenImpact?: number | null;
  /** people served, when known; breaks ties between services of equal citizen impact */
  populationServed?: number | null;
  /** how long the city can do without it; a what-if reports when this is exceeded */
  maxTolerableDowntimeMinutes?: number | null;
  /**
   * k-of-n over the service's supporting assets: the service keeps running while at least `k` of
   * the assets that `supports` it without a redundancy group of their own are working. Missing
   * means each such asset is required (n-of-n).
   */
  k?: number | null;
  [field: string]: unknown;
}

/**
 * `depends_on`, `powered_by`, `network_via`, `data_from`: `from` is the dependent, `to` its
 * dependency ("from depends on to"). `supports`: `from` (an asset, or a service) supports the
 * service `to`, i.e. `to` depends on `from`.
 */
export type ImpactEdgeType = 'depends_on' | 'powered_by' | 'network_via' | 'data_from' | 'supports';

export const IMPACT_EDGE_TYPES: readonly ImpactEdgeType[] = [
  'depends_on',
  'powered_by',
  'network_via',
  'data_from',
  'supports',
];

export interface ImpactEdge {
  from: string;
  to: string;
  type: ImpactEdgeType;
  /**
   * How long the dependent keeps working after this dependency fails (UPS, buffer tank, cache).
   * Missing means 0: it fails at once.
   */
  timeToImpactMinutes?: number | null;
  /**
   * The dependent's edges that share `group` are one k-of-n set: it fails through the group only
   * when fewer than `k` of the group's dependencies still work. Every edge of a group states the
   * same `k` (missing: 1). Without a group an edge is a hard dependency.
   */
  redundancy?: { group: string; k?: number | null } | null;
  [field: string]: unknown;
}

/** A root of a drill: an asset (or service) that fails, or is compromised, at `at` (default 0). */
export interface FailedNode {
  id: string;
  at?: number;
  /** shown in the timeline, e.g. "compromised", "power cut" */
  reason?: string;
}

export type NodeKind = 'asset' | 'service';

/** One link of an explanation: `dependency` failed, so `dependent` stops at `at`. */
export interface ImpactStep {
  dependency: string;
  dependent: string;
  /** the edge as given to `buildGraph`, with its position there */
  edge: ImpactEdge;
  edgeIndex: number;
  /** when the dependency failed */
  dependencyFailedAt: number;
  /** when the dependent stops: dependencyFailedAt + the edge's time-to-impact */
  at: number;
  /**
   * Set when the step is the loss of a k-of-n group: the group's dependencies lost by `at`, in
   * the order their loss reached the dependent; `dependency` is the one that tipped it.
   */
  redundancy?: { group: string; k: number; n: number; lost: string[] };
}

/** An asset or service that stops working in a drill. */
export interface AffectedNode {
  id: string;
  name: string;
  kind: NodeKind;
  /** earliest time it stops working */
  at: number;
  /** one of the drill's failed roots */
  root: boolean;
  /** the failure that stops it at `at`; null for a root that fails on its own first */
  cause: ImpactStep | null;
  /** number of steps from a root along the explanation */
  depth: number;
  /** the whole chain from a root, when asked for with `{ paths: true }` (see also `explain`) */
  path?: ImpactStep[];
}

/** A k-of-n group that lost dependencies but still holds, so its dependent keeps working. */
export interface RedundancyHold {
  /** the dependent that survives */
  id: string;
  name: string;
  kind: NodeKind;
  group: string;
  k: number;
  n: number;
  /** the group's dependencies that failed */
  lost: string[];
  /** n - lost.length */
  working: number;
}

export interface BlastRadiusOptions {
  /** only failures up to this time count (default: no limit) */
  horizonMinutes?: number;
  /** fill `path` on every affected node (costs memory on large results) */
  paths?: boolean;
}

export interface BlastRadius {
  roots: { id: string; at: number; reason?: string }[];
  horizonMinutes: number | null;
  /** roots included, ordered by time of impact (then by order of discovery) */
  affected: AffectedNode[];
  assetsAffected: number;
  servicesAffected: number;
  /** dependents kept working by redundancy, with what they lost */
  survived: RedundancyHold[];
}

export type TimelineEventKind = 'root' | 'degraded' | 'down' | 'mtd_exceeded';

export interface TimelineEvent {
  at: number;
  kind: TimelineEventKind;
  id: string;
  name: string;
  nodeKind: NodeKind;
  /** one line for people: "t=30 min Pumping station 3 stops: …" */
  text: string;
  /** `down`: why */
  cause?: ImpactStep;
  /**
   * `degraded`: the group, the dependencies it lost at this moment, and how many still work
   * (fewer than k: the dependent is running on its time-to-impact buffer)
   */
  redundancy?: { group: string; k: number; n: number; lost: string[]; working: number };
  /** `mtd_exceeded`: the service's maximum tolerable downtime */
  maxTolerableDowntimeMinutes?: number;
}

export interface ServiceOutcome {
  id: string;
  name: string;
  citizenImpact: number;
  populationServed: number | null;
  downAt: number;
  maxTolerableDowntimeMinutes: number | null;
  /** downAt + maxTolerableDowntimeMinutes, or null when the service has no stated limit */
  mtdExceededAt: number | null;
}

export interface WhatIfResult {
  blastRadius: BlastRadius;
  /** ordered by time; at equal times roots, then degraded, down, mtd_exceeded */
  timeline: TimelineEvent[];
  /** services that go down, by time */
  services: ServiceOutcome[];
  /** earliest time a service exceeds its maximum tolerable downtime, or null */
  firstMtdExceededAt: number | null;
}

export interface SpofService {
  id: string;
  name: string;
  citizenImpact: number;
  populationServed: number | null;
  /** when the service goes down after the asset fails at t=0 */
  downAt: number;
  mtdExceededAt: number | null;
}

export interface SinglePointOfFailure {
  id: string;
  name: string;
  kind?: string;
  criticality: number;
  /** sum of citizenImpact over the services its loss alone takes down */
  impact: number;
  /** sum of populationServed over those services (unknown counts 0) */
  populationServed: number;
  /** the services its loss alone takes down, by time */
  services: SpofService[];
}

export interface SpofOptions {
  /** only these services count (default: all) */
  services?: readonly string[];
  /** return the first `limit` (default: all) */
  limit?: number;
}

export interface RiskWeights {
  criticality: number;
  exposure: number;
  personalData: number;
  alerts: number;
  downstream: number;
}

/** One part of a risk score: `value` in 0…1, times `weight`, gives `points` of the 0…100 score. */
export interface RiskComponent {
  value: number;
  weight: number;
  points: number;
  detail: string;
}

export interface RiskEntry {
  rank: number;
  id: string;
  name: string;
  kind?: string;
  /** 0…100 */
  score: number;
  components: {
    criticality: RiskComponent;
    exposure: RiskComponent;
    personalData: RiskComponent;
    alerts: RiskComponent;
    downstream: RiskComponent;
  };
  /** ids of the services its loss alone takes down */
  servicesDown: string[];
}

export interface RiskOptions {
  /**
   * Open alerts per asset id. When given it replaces the assets' own `openAlerts` (assets it
   * does not name have none).
   */
  alerts?: ReadonlyMap<string, OpenAlerts> | Readonly<Record<string, OpenAlerts>>;
  /** default DEFAULT_RISK_WEIGHTS; they are normalised to sum to 1 */
  weights?: Partial<RiskWeights>;
  /** return the first `limit` (default: all) */
  limit?: number;
}
